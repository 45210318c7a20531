"""The page laid out and wired, and `serve`: Gradio's widgets, each named as the handlers name it.

Everything heavy is built by `serve` before the page opens, then shared by every tab: one model
behind one lock, so requests queue (Gradio shows the waiting position) instead of colliding.
No share link, no analytics, no font or script from a CDN (system fonts only).
"""

from __future__ import annotations

import functools
import inspect
import ipaddress
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import gradio as gr

from chatbot.app import App
from chatbot.config import Settings
from chatbot.domain import Turn
from chatbot.errors import ChatbotError, ConfigError
from chatbot.ingest import SUFFIXES
from chatbot.ui.chat import EMPTY, EXAMPLES
from chatbot.ui.documents import LIBRARY_COLUMNS, model_choices
from chatbot.ui.page import Page
from chatbot.ui.shared import EXPORTS, NAMES, Updates
from chatbot.ui.sources import EMPTY_SOURCES, ORIGINAL_JS

MAX_UPLOAD = "20mb"
CSS = """
.sources details { margin: .3em 0; }
.sources mark { background: #fde68a; }
.sources .ctx { color: #6b7280; }
.original img { max-width: 100%; height: auto; border: 1px solid #e5e7eb; }
.original-text { max-height: 420px; overflow-y: auto; white-space: pre-wrap; font-size: .9em; }
.original mark { background: #fde68a; }
.timings { color: #6b7280; font-size: .85em; }
a.cite { text-decoration: none; font-weight: 600; }
.retracted { color: #92400e; font-size: .9em; }
.retracted s { color: #6b7280; }
.sources details.flash { outline: 3px solid #f59e0b; border-radius: 4px; }
#library table { font-family: system-ui, sans-serif; font-size: .85em; }
footer { display: none !important; }
#conv-tools { overflow-x: hidden !important; }
"""


# A citation [n] in an answer is a link to its source: clicking it opens the Sources tab's
# passage n, scrolls it into view and flashes it (inline script: nothing loaded from elsewhere).
HEAD = r"""<script>
// The page is French whatever the browser's language. Gradio words its own widgets (the upload
// area, the table) in navigator.language, chosen before this script runs; its locale store is
// set again through the module that holds it, already loaded by the page (same URL, same module).
(() => {
  const core = performance.getEntriesByType("resource").map((e) => e.name)
    .find((n) => /\/assets\/core-[^/]*\.js$/.test(n));
  if (core) import(core).then((m) => m.changeLocale && m.changeLocale("fr")).catch(() => {});
})();
// Escape stops the answer being written, as the « Arrêter » button does.
document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape") return;
  const stop = document.getElementById("stop");
  if (stop) stop.click();
});
document.addEventListener("click", (e) => {
  const a = e.target.closest && e.target.closest("a.cite, a[href^='#source-']");
  if (!a) return;
  e.preventDefault(); e.stopPropagation();
  const id = (a.getAttribute("href") || "").slice(1);
  const el = document.getElementById(id);
  if (!el) return;
  el.open = true;
  el.scrollIntoView({block: "center"});
  el.classList.add("flash");
  setTimeout(() => el.classList.remove("flash"), 2500);
}, true);
</script>"""


def named(fn: Callable[..., Any], outputs: Sequence[str]) -> Callable[..., Any]:
    """`fn`, which returns (or yields) updates by name, as Gradio calls it: one value per output
    in `outputs`' order, a name left out left as it is. A name not among `outputs` is an error."""
    unknown = set(outputs) - set(NAMES)
    if unknown:
        raise ValueError(f"no widget is named {sorted(unknown)}")

    def order(updates: Updates | None) -> Any:
        extra = set(updates or {}) - set(outputs)
        if extra:
            raise ValueError(f"{fn.__name__} updates {sorted(extra)}, which it is not wired to")
        values = tuple((updates or {}).get(n, gr.update()) for n in outputs)
        return values[0] if len(values) == 1 else values

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)  # the same parameters and annotations: Gradio passes the request
        def streamed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            for updates in fn(*args, **kwargs):
                yield order(updates)

        return streamed

    @functools.wraps(fn)
    def called(*args: Any, **kwargs: Any) -> Any:
        return order(fn(*args, **kwargs))

    return called


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_auth(auth: str) -> list[tuple[str, str]] | None:
    """`user:password`, or several separated by commas: each user has conversations of their own."""
    if not auth:
        return None
    out = []
    for entry in auth.split(","):
        user, sep, password = entry.strip().partition(":")
        if not sep or not user or not password:
            raise ConfigError("the credentials must read user:password, several separated by commas "
                              "(CHATBOT_AUTH or --auth).")
        out.append((user, password))
    return out


def build(app: App) -> gr.Blocks:
    page = Page(app)
    settings = app.settings
    w: dict[str, Any] = {}  # the widgets by the names the handlers use (shared.NAMES)

    with gr.Blocks(title="Chatbot documentaire", analytics_enabled=False) as demo:
        gr.Markdown("# Chatbot documentaire")
        w["status"] = gr.Markdown()
        w["conversation"] = gr.State(None)  # the open conversation's id
        with gr.Row():
            with gr.Column(scale=1, min_width=220):
                w["new"] = gr.Button("Nouvelle conversation", size="sm", elem_id="new")
                w["search"] = gr.Textbox(placeholder="Rechercher…", label="Rechercher une conversation",
                                         show_label=False, elem_id="conv-search",
                                         lines=1, max_lines=1)
                w["conversations"] = gr.Radio(choices=[], label="Conversations", elem_id="conversations")
                with gr.Accordion("Renommer, supprimer, exporter", open=False, elem_id="conv-tools"):
                    w["title"] = gr.Textbox(label="Titre", elem_id="conv-title", lines=1, max_lines=1)
                    w["rename"] = gr.Button("Renommer", size="sm", elem_id="conv-rename")
                    w["delete"] = gr.Button("Supprimer la conversation", size="sm", variant="stop",
                                            elem_id="conv-delete")
                    w["export_md"] = gr.DownloadButton("Exporter (Markdown)", size="sm", interactive=False,
                                                       elem_id="export-md")
                    w["export_json"] = gr.DownloadButton("Exporter (JSON)", size="sm", interactive=False,
                                                         elem_id="export-json")
                    w["export_odt"] = gr.DownloadButton("Exporter (LibreOffice .odt)", size="sm", interactive=False,
                                                        elem_id="export-odt")
                    w["export_docx"] = gr.DownloadButton("Exporter (Word .docx)", size="sm", interactive=False,
                                                         elem_id="export-docx")
                    w["export_answer"] = gr.DownloadButton("Dernière réponse seule (Word .docx)", size="sm",
                                                           interactive=False, elem_id="export-answer")
            with gr.Column(scale=3):
                w["chat"] = gr.Chatbot(label="Conversation", height=520, placeholder=EMPTY,
                                       elem_id="chat", buttons=["copy"])
                # after a 👎: what the answer should have said, kept with it for `eval --from-feedback`
                w["correction"] = gr.Textbox(label="Ce que la réponse aurait dû dire (facultatif)", visible=False,
                                             placeholder="La bonne réponse, ou « ne pas répondre »",
                                             elem_id="correction", lines=1, max_lines=3)
                w["correct"] = gr.Button("Enregistrer la correction", size="sm", visible=False, elem_id="correct")
                w["corrected"] = gr.State(None)  # (conversation, answer) the correction is for
                # the question the width of the conversation, its two buttons under it
                w["question"] = gr.Textbox(placeholder="Votre question…", label="Votre question", show_label=False,
                                           elem_id="question",
                                           submit_btn=False, lines=1, max_lines=4)
                with gr.Row():
                    w["send"] = gr.Button("Envoyer", variant="primary", scale=3, min_width=100, elem_id="send")
                    w["stop"] = gr.Button("Arrêter", scale=1, min_width=100, elem_id="stop")
                w["scope"] = gr.Dropdown(choices=[], value=[], multiselect=True,
                                         label="Documents interrogés", info="Aucun choisi : tous les documents",
                                         elem_id="scope")
                gr.Examples(EXAMPLES, inputs=w["question"], label="Exemples de questions")
            with gr.Column(scale=2):
                with gr.Tab("Sources"):
                    w["sources"] = gr.HTML(EMPTY_SOURCES, elem_id="sources")
                    w["originals"] = gr.Radio(choices=[], label="Voir dans le document d'origine",
                                              elem_id="originals", visible=False)
                    w["original"] = gr.HTML("", elem_id="original")
                    w["cited"] = gr.State([])  # the sources shown, as stored (Source.to_json)
                with gr.Tab("Documents"):
                    w["upload"] = gr.File(label="Ajouter des documents : texte, PDF, Word, LibreOffice, PowerPoint, "
                                          "Excel, EPUB, RTF, images (lues par OCR)",
                                          file_count="multiple", file_types=list(SUFFIXES), elem_id="upload")
                    w["upload_status"] = gr.Markdown(elem_id="upload-status")
                    w["cancel"] = gr.Button("Annuler l'indexation", size="sm", visible=False,
                                            elem_id="cancel-ingest")
                    w["library"] = gr.Dataframe(value=[], headers=LIBRARY_COLUMNS, interactive=False,
                                                label="Bibliothèque (cliquez sur une ligne pour la choisir)",
                                                elem_id="library", wrap=True, max_height=420,
                                                column_widths=["44%", "14%", "9%", "11%", "8%", "14%"])
                    w["to_remove"] = gr.State(None)
                    w["remove"] = gr.Button("Retirer de l'index", size="sm", interactive=False,
                                            elem_id="remove-doc")
                with gr.Tab("Modèle"):
                    choices = model_choices(app)
                    current = str(app.model().path)
                    w["model"] = gr.Dropdown(choices=choices, value=current if any(
                        v == current for _, v in choices) else None, label="Modèles GGUF (models/)",
                        elem_id="model-picker")
                    w["load"] = gr.Button("Charger ce modèle", elem_id="load-model")
                    w["model_status"] = gr.Markdown(elem_id="model-status")
                with gr.Tab("Réglages"):
                    w["temperature"] = gr.Slider(0, 1.5, value=settings.temperature, step=0.05,
                                                 label="Température")
                    w["top_k"] = gr.Slider(1, 8, value=settings.top_k, step=1, label="Passages")
                    w["max_tokens"] = gr.Slider(32, 1024, value=settings.max_tokens, step=16,
                                                label="Longueur maximale de la réponse (jetons)")

        def on(event: Any, fn: Callable[..., Any], inputs: Sequence[str], outputs: Sequence[str],
               **kw: Any) -> Any:
            """Wire an event to a handler: the widgets it reads and those it updates, by name."""
            return event(named(fn, outputs) if outputs else fn, [w[n] for n in inputs], [w[n] for n in outputs],
                         api_visibility="private", **kw)

        asked = ["question", "chat", "conversation", "scope", "search", "temperature", "top_k", "max_tokens"]
        exported = list(EXPORTS)
        shown = ["sources", "originals", "original", "cited"]
        answered = ["chat", "conversation", "question", *shown, "conversations", *exported]
        ev1 = on(w["question"].submit, page.respond, asked, answered)
        ev2 = on(w["send"].click, page.respond, asked, answered)
        w["stop"].click(None, cancels=[ev1, ev2])
        # every key is sent at once ("multiple"): Gradio's default for typing holds a key back
        # until the call before it ends, and reading ahead a whole prompt takes seconds, so the
        # newer guess could not stop the older one (Page.speculate waits out the pause itself)
        on(w["question"].input, page.speculate, ["question", "conversation", "scope"], [], show_progress="hidden",
           trigger_mode="multiple", concurrency_limit=None, queue=False)
        fresh = ["chat", "conversation", "question", *shown, "conversations", "scope", *exported]
        on(w["new"].click, page.new_conversation, [], fresh)
        on(w["conversations"].input, page.open_conversation, ["conversations"],
           ["chat", "conversation", *shown, "title", "scope", *exported])
        opened = on(w["originals"].input, page.show_original, ["originals", "cited"], ["original"])
        opened.then(None, js=ORIGINAL_JS)
        on(w["search"].change, page.search_conversations, ["search", "conversation"], ["conversations"])
        on(w["rename"].click, page.rename_conversation, ["conversation", "title", "search"], ["conversations"])
        on(w["delete"].click, page.delete_conversation, ["conversation", "search"], fresh)
        on(w["scope"].input, page.remember_scope, ["conversation", "scope"], [])
        correcting = ["correction", "correct", "corrected"]
        on(w["chat"].like, page.rate, ["conversation"], correcting, queue=False)
        on(w["correct"].click, page.correct, ["corrected", "correction"], correcting)
        on(w["correction"].submit, page.correct, ["corrected", "correction"], correcting)
        uploaded = on(w["upload"].upload, page.upload, ["upload"], ["library", "upload_status", "cancel"],
                      concurrency_id="ingest")
        on(uploaded.then, page.documents_changed, ["scope"], ["scope"])
        on(w["cancel"].click, page.cancel_ingest, [], ["upload_status"], queue=False)
        on(w["library"].select, page.pick, ["library"], ["to_remove", "remove"], queue=False)
        removed = on(w["remove"].click, page.remove, ["to_remove"], ["library", "upload_status", "to_remove", "remove"])
        on(removed.then, page.documents_changed, ["scope"], ["scope"])
        on(w["load"].click, page.load_model, ["model"], ["model_status", "status"])

        def ask(question: str, history: list[dict] | None = None, docs: list[str] | None = None) -> dict:
            """Answer a question from the documents: answer, refused flag, sources, timings.
            `docs` limits the search to these documents (by file name)."""
            turns = [Turn(t["role"], t["content"]) for t in history or []]
            try:
                engine = app.engine()
                return engine.ask(question, turns, replace(engine.options, docs=tuple(docs or ()))).to_json()
            except ChatbotError as e:
                raise gr.Error(str(e)) from e

        gr.api(ask, api_name="ask")
        demo.load(page.status, None, w["status"], api_visibility="private")
        on(demo.load, page.on_load, [], ["conversations", "scope", "library"])
    demo.widgets = w  # for the tests: the widgets by name
    return demo


def serve(settings: Settings, *, host: str, port: int, auth: str, open_browser: bool = False) -> int:
    credentials = parse_auth(auth)
    if not _is_loopback(host) and credentials is None:
        raise ConfigError(
            f"refusing to serve on {host} without credentials: anyone on the network could read "
            "your documents. Set --auth user:password (or CHATBOT_AUTH), or bind to 127.0.0.1."
        )

    from chatbot.owner import Owner

    app = App(settings)
    owner = Owner(app, settings.data_dir)  # `chatbot ingest` hands its files to this page from now on
    owner.start()
    try:
        return _launch(app, host, port, credentials, open_browser)
    finally:
        owner.stop()


def _launch(app: App, host: str, port: int, credentials: list[tuple[str, str]] | None, open_browser: bool) -> int:
    import gradio as gr

    app.warm_up()  # load everything before the first visitor, and fail here if something is wrong
    demo = build(app)
    demo.queue(default_concurrency_limit=1)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    print(f"Chat page on http://{host}:{port}", flush=True)
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=credentials,
        inbrowser=open_browser,
        max_file_size=MAX_UPLOAD,
        footer_links=[],
        theme=theme,
        css=CSS,
        head=HEAD,
        show_error=True,
        quiet=True,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
    )
    return 0
