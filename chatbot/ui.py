"""The Gradio chat page: the only module that imports gradio.

Everything heavy is built by `serve` before the page opens, then shared by every tab: one model
behind one lock, so requests queue (Gradio shows the waiting position) instead of colliding.
No share link, no analytics, no font or script from a CDN (system fonts only).
"""

from __future__ import annotations

import html
import ipaddress
import json
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from chatbot.app import App
from chatbot.config import Settings
from chatbot.conversations import LOCAL_USER, STATUS, Conversation, Conversations, Message
from chatbot.domain import Answer, Source, Turn
from chatbot.errors import ChatbotError, ConfigError
from chatbot.indexing import Progress, Report
from chatbot.ingest import SUFFIXES

Update = dict[str, Any]  # what gr.update() makes: a widget's new properties
Chat = list[dict[str, str]]  # the conversation as gr.Chatbot shows it
Neighbours = Callable[[str, int], tuple[str, str]]  # (document, position) -> the text before and after

EXAMPLES = [
    "Qui est le directeur technologique d'Alibaba Cloud Intelligence ?",
    "Qu'a publié Mozilla la veille du sommet de Bletchley Park ?",
    "Sous quelle licence IBM publie-t-il ses modèles Granite ?",
    "Quels sont les avantages de l'IA open source pour les entreprises ?",
]
EMPTY = (
    "**Posez une question sur vos documents.** Les réponses viennent uniquement des documents "
    "indexés, avec leurs sources numérotées. Ajoutez vos propres fichiers dans l'onglet *Documents*."
)
MAX_UPLOAD = "20mb"
# a pause in typing this long reads the question ahead: after a word (a space or a punctuation
# mark typed), or inside one that begins a document word (it is read finished: completion.py), a
# short one; inside another word, a long one (a key comes every 0.17 s at 6 a second: such a word
# is not guessed letter by letter); after a question mark, none
WORD_END = frozenset(" \n.,;:!?»)\"")
SPECULATE_AFTER_S = {"word": 0.15, "inside": 0.6, "?": 0.0}
CSS = """
.sources details { margin: .3em 0; }
.sources mark { background: #fde68a; }
.timings { color: #6b7280; font-size: .85em; }
a.cite { text-decoration: none; font-weight: 600; }
.retracted { color: #92400e; font-size: .9em; }
.retracted s { color: #6b7280; }
.sources details.flash { outline: 3px solid #f59e0b; border-radius: 4px; }
#library table { font-family: system-ui, sans-serif; font-size: .85em; }
footer { display: none !important; }
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


def link_citations(text: str) -> str:
    """`[2]` -> a link to source 2 in the Sources panel."""
    import re

    return re.sub(r"\[(\d{1,2})\]", r"<a class='cite' href='#source-\1'>[\1]</a>", text)


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


def sources_html(answer: Answer, context: Neighbours, *, removed: set[str] | frozenset[str] = frozenset()) -> str:
    """The cited passages inside their document (the neighbouring passages around it), highlighted;
    a document in `removed` is marked as no longer indexed."""
    if not answer.sources:
        return "<p><em>Aucune source pour cette réponse.</em></p>"
    parts = ["<div class='sources'>"]
    for s in answer.sources:
        before, after = context(s.doc, s.position)
        body = (f"<span class='ctx'>{html.escape(before[-400:])}</span> <mark>{html.escape(s.text)}"
                f"</mark> <span class='ctx'>{html.escape(after[:400])}</span>")
        name = f"{html.escape(s.title)} <small>({html.escape(s.doc)})</small>" if s.title else html.escape(s.doc)
        section = f" · <small>{html.escape(s.section)}</small>" if s.section else ""
        if s.doc in removed:
            name += " <em>(document retiré de l'index)</em>"
        parts.append(
            f"<details id='source-{s.n}' open><summary><b>[{s.n}]</b> {name} — "
            f"{html.escape(s.where)}{section}</summary><p>{body}</p></details>"
        )
    parts.append("</div>")
    return "".join(parts)


EMPTY_SOURCES = "<p><em>Les passages cités apparaîtront ici.</em></p>"


def chosen(scope: list[str] | None) -> list[str]:
    """The documents picked in « Documents interrogés » (the widget may give None or blanks)."""
    return [d for d in scope or [] if d]


def conversation_label(c: Conversation) -> str:
    return f"{c.title} · {time.strftime('%d/%m %H:%M', time.localtime(c.updated))}"


def stored_sources(detail: dict) -> list[Source]:
    """The Sources of a stored answer, as they were when it was given."""
    out = []
    for s in detail.get("sources", []):
        where = s.get("where") or ""
        out.append(Source(n=s["n"], doc=s["doc"], text=s["text"], score=s.get("score", 0.0),
                          position=s.get("position", 0), start=0, end=0, page=s.get("page") or 0,
                          part="" if where.startswith("passage ") else where,
                          section=s.get("section") or "", title=s.get("title") or ""))
    return out


def stored_answer_html(m: Message) -> str:
    """A stored answer as the bubble showed it: citations linked, withdrawal or stop said."""
    text = link_citations(m.content) if m.content else "<em>(pas de réponse)</em>"
    if m.status == "retracted" and m.detail.get("retracted"):
        text += withdrawn_html(m.detail["retracted"], m.detail.get("reason", ""))
    elif STATUS.get(m.status):
        text += f"\n\n<span class='retracted'>({STATUS[m.status]})</span>"
    t = m.detail.get("timings")
    if t:
        text += (f"\n\n<span class='timings'>premier mot {t.get('ttft_ms', 0) / 1000:.1f} s · "
                 f"{html.escape(str(m.detail.get('model', '')).rsplit('/', 1)[-1])}</span>")
    return text


def stored_sources_html(detail: dict, present: set[str]) -> str:
    """A stored answer's sources from what was stored with it; a document removed since says so."""
    sources = stored_sources(detail)
    removed = {s.doc for s in sources} - present
    return sources_html(Answer("", "", False, "", sources), lambda doc, pos: ("", ""), removed=removed)


LIBRARY_COLUMNS = ["Document", "Type", "Pages", "Passages", "OCR", "Ajouté le"]
_KINDS = {"pdf": "PDF", "docx": "Word", "odt": "LibreOffice", "rtf": "RTF", "pptx": "PowerPoint",
          "odp": "LibreOffice (diapos)", "xlsx": "Excel", "ods": "LibreOffice (tableur)", "epub": "EPUB",
          "md": "Markdown", "txt": "Texte", "html": "Page web", "htm": "Page web"}


def library_rows(documents: dict[str, dict]) -> list[list]:
    """The Documents tab's table: one row per indexed document, the latest added first.

    Each row starts with the file name (what removal acts on), then its title when it has one;
    pages (or slides, or sheets), passages, the pages read by OCR and when it was added.
    """
    rows = []
    by_name = sorted(documents.items())
    for name, d in sorted(by_name, key=lambda item: item[1].get("added") or "", reverse=True):
        kind = d.get("kind") or Path(name).suffix.lstrip(".").lower()
        title = d.get("title") or ""
        rows.append([f"{name} — {title}" if title else name,
                     _KINDS.get(kind, "Image" if kind in ("png", "jpg", "jpeg", "tif", "tiff") else kind),
                     d.get("parts") or "", d.get("stored", 0), (d.get("ocr") or "").replace(",", ", "),
                     d.get("added") or ""])
    return rows


def library_name(cell: str) -> str:
    """The file name at the start of a library row's first cell."""
    return str(cell).split(" — ", 1)[0]


def progress_text(p: Progress) -> str:
    """Where an indexing run stands, in French: the file at hand, then passages and time left."""
    if p.reading:
        return f"⏳ Lecture de **{html.escape(p.doc)}** ({p.file}/{p.files})…"
    left = f" — environ {p.left} restantes" if p.left else ""
    return (f"⏳ Indexation de **{html.escape(p.doc)}** : {p.doc_done}/{p.doc_total} passages · "
            f"en tout {p.done}/{p.total}{left}")


def _pages(pages: Sequence[int]) -> str:
    return ("p. " if len(pages) == 1 else "pp. ") + ", ".join(map(str, pages))


def upload_notes(report: Report, name: str) -> str:
    """What the reader should know about one indexed file, in French: encoding, OCR, empty pages."""
    notes = []
    if name in report.encodings:
        notes.append(f"lu en {report.encodings[name]}")
    if name in report.ocr:
        notes.append(f"{_pages(report.ocr[name])} lu{'es' if len(report.ocr[name]) > 1 else 'e'} par OCR"
                     if len(report.ocr[name]) > 1 or name.lower().endswith(".pdf") else "lu par OCR")
    if name in report.empty:
        notes.append(f"{_pages(report.empty[name])} sans texte, non indexé"
                     f"{'es' if len(report.empty[name]) > 1 else 'e'}")
    return f" ({' ; '.join(notes)})" if notes else ""


def withdrawn_html(text: str, reason: str) -> str:
    """« ⚠️ Réponse retirée : why », then what was shown, struck through (its [n] not links)."""
    shown = html.escape(text).replace("[", "&#91;")
    return (f"\n\n<span class='retracted'>⚠️ Réponse retirée : {html.escape(reason)}"
            f"<br><s>{shown}</s></span>")


def answer_html(answer: Answer) -> str:
    """The final bubble: the answer with linked citations, or the withdrawal the reader must see."""
    text = link_citations(answer.answer)
    if answer.retracted:
        text += withdrawn_html(answer.retracted, answer.reason)
    return f"{text}\n\n<span class='timings'>{timings_line(answer)}</span>"


def timings_line(answer: Answer) -> str:
    t = answer.timings
    if answer.refused and not t.prompt_tokens:
        return f"recherche {t.retrieval_ms:.0f} ms · aucun passage pertinent : modèle non appelé"
    rate = t.gen_tokens / (t.gen_ms / 1000) if t.gen_ms > 0 else 0.0
    return (f"recherche {t.retrieval_ms:.0f} ms · prompt {t.prompt_tokens} jetons "
            f"({t.evaluated_tokens} évalués) · premier mot {t.ttft_ms / 1000:.1f} s · {rate:.1f} jetons/s")


def model_choices(app: App) -> list[tuple[str, str]]:
    from chatbot.errors import ModelError
    from chatbot.gguf import read_info

    avail = _free_memory()
    out = []
    for f in sorted(app.settings.models_dir.glob("*.gguf")):
        try:
            i = read_info(f)
        except ModelError:
            continue
        fits = "tient en mémoire" if avail is None or i.size * 1.3 < avail else "mémoire insuffisante"
        out.append((f"{f.name} — {i.name}, {i.quantization}, {i.size / 2**30:.2f} Go, {fits}", str(f)))
    return out


def _free_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def read_ahead_after(text: str, *, completes: bool) -> float:
    """How long a pause in typing `text` must last before the question is read ahead;
    `completes`: the word being typed begins a document word."""
    if text.rstrip().endswith("?"):
        return SPECULATE_AFTER_S["?"]
    return SPECULATE_AFTER_S["word" if text[-1:] in WORD_END or completes else "inside"]


class Page:
    """What the page does, one method per event: each takes the widgets' values and returns their
    updates, so that a test can call it without a browser. `build` lays out the widgets and wires
    them to these."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.settings = app.settings
        self.uploads = app.settings.data_dir / "uploads"
        self.store = Conversations(app.settings.data_dir)
        self.typing: dict[str, object] = {}  # per browser tab typing: its latest key, for the debounce
        self._typing_lock = threading.Lock()
        self.job: dict = {}  # the indexing run in progress, for the cancel button

    def status(self) -> str:
        m = self.app.model()
        where = "GPU" if m.on_gpu else "CPU"
        n = len(self.app.retriever())
        warn = f" — ⚠️ {m.warning}" if m.warning else ""
        return f"Modèle : **{m.name}** ({where}) · {n} passages indexés{warn}"

    def context_of(self, answer: Answer) -> Neighbours:
        """Neighbouring passages of the cited ones, looked up once per answer."""
        wanted = {(src.doc, src.position + d) for src in answer.sources for d in (-1, 1)}
        by_key = {(p.doc, p.position): p.text for p in self.app.retriever().passages
                  if (p.doc, p.position) in wanted}
        return lambda doc, pos: (by_key.get((doc, pos - 1), ""), by_key.get((doc, pos + 1), ""))

    def library(self) -> list[list]:
        return library_rows(self.app.store().documents())

    def user_of(self, request: gr.Request | None) -> str:
        return getattr(request, "username", None) or LOCAL_USER

    def conversation_choices(self, user: str, search: str = "") -> list[tuple[str, str]]:
        return [(conversation_label(c), c.id) for c in self.store.find(user, search)]

    def exports(self, user: str, cid: str | None) -> tuple[Update, Update]:
        """Fresh Markdown and JSON exports of a conversation, for the two download buttons."""
        if cid is None:
            return gr.update(value=None, interactive=False), gr.update(value=None, interactive=False)
        folder = Path(tempfile.mkdtemp(prefix="chatbot-export-"))
        md, js = folder / f"conversation-{cid}.md", folder / f"conversation-{cid}.json"
        md.write_text(self.store.export_markdown(user, cid), encoding="utf-8")
        js.write_text(json.dumps(self.store.export_json(user, cid), ensure_ascii=False, indent=2), encoding="utf-8")
        return gr.update(value=str(md), interactive=True), gr.update(value=str(js), interactive=True)

    def respond(self, message: str | None, chat: Chat | None, cid: str | None, scope: list[str] | None, search: str,
                temperature: float, top_k: float, max_tokens: float, request: gr.Request | None
                ) -> Iterator[tuple[Any, ...]]:
        user = self.user_of(request)
        chat = list(chat or [])
        message = (message or "").strip()
        if not message:
            raise gr.Error("La question est vide : écrivez une question sur vos documents.")
        scope = chosen(scope)
        history = self.store.history(user, cid) if cid else []
        cid, mid = self.store.ask(user, cid, message, scope)  # written before anything else happens
        listed = gr.update(choices=self.conversation_choices(user, search), value=cid)
        chat += [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        yield chat, cid, "", gr.update(), listed, gr.update(), gr.update()
        text, done = "", False
        try:  # the model may fail to load here: the question is then stored as failed, with why
            engine = self.app.engine()
            opts = replace(engine.options, temperature=float(temperature), top_k=int(top_k),
                           max_tokens=int(max_tokens), docs=tuple(scope))
            for event in engine.stream(message, history, opts):
                if isinstance(event, Answer):
                    self.store.answer(mid, event, embedder=self.app.embedder_name, scope=scope)
                    done = True
                    chat[-1]["content"] = answer_html(event)
                    yield (chat, cid, "", sources_html(event, self.context_of(event)),
                           gr.update(choices=self.conversation_choices(user, search), value=cid), *self.exports(user, cid))
                else:
                    text += event
                    chat[-1]["content"] = text
                    yield chat, cid, "", gr.update(), gr.update(), gr.update(), gr.update()
        except ChatbotError as e:
            self.store.stop(mid, text, status="error", error=str(e))
            done = True
            chat.pop()
            raise gr.Error(str(e)) from e
        finally:
            if not done:  # « Arrêter », a closed tab: what was said is kept, marked as stopped
                self.store.stop(mid, text)

    def speculate(self, text: str | None, cid: str | None, scope: list[str] | None,
                  request: gr.Request | None) -> None:
        """On a pause in typing, read the question ahead (see Engine.speculate)."""
        text = text or ""
        if not self.settings.speculate or not text.strip():
            return
        tab = getattr(request, "session_hash", None) or ""
        mark = object()
        with self._typing_lock:
            self.typing[tab] = mark
        try:
            self._read_ahead(text, cid, scope, request, lambda: self.typing.get(tab) is mark)
        finally:
            with self._typing_lock:  # a tab's last pause leaves nothing behind
                if self.typing.get(tab) is mark:
                    del self.typing[tab]

    def _read_ahead(self, text: str, cid: str | None, scope: list[str] | None, request: gr.Request | None,
                    latest: Callable[[], bool]) -> None:
        """After the pause `text` asks for, unless `latest()` says a key was typed since."""
        shortest = read_ahead_after(text, completes=True)  # the documents are asked only after it
        time.sleep(shortest)
        if not latest():
            return  # typed again since: that call will do it
        try:
            engine = self.app.engine()
            longer = read_ahead_after(text, completes=engine.searcher.complete(text) is not None) - shortest
            if longer > 0:  # a word no document has: wait for the end of it
                time.sleep(longer)
                if not latest():
                    return
            user = self.user_of(request)
            history = self.store.history(user, cid) if cid else []
            docs = tuple(chosen(scope))
            engine.speculate(text, history, replace(engine.options, docs=docs))
        except ChatbotError:
            pass  # the question itself will say what is wrong when it is sent

    def new_conversation(self) -> tuple[Chat, None, str, str, Update, list[str], Update, Update]:
        empty = gr.update(value=None, interactive=False)
        return [], None, "", "", gr.update(value=None), [], empty, empty

    def open_conversation(self, cid: str | None, request: gr.Request | None) -> tuple[Any, ...]:
        user = self.user_of(request)
        if not cid:
            return gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        try:
            conv = self.store.get(user, cid)
            messages = self.store.messages(user, cid)
        except ChatbotError as e:
            raise gr.Error(str(e)) from e
        present = set(self.app.store().documents())
        chat, last = [], None
        for m in messages:
            if m.role == "user":
                chat.append({"role": "user", "content": m.content})
            else:
                chat.append({"role": "assistant", "content": stored_answer_html(m)})
                last = m if m.detail.get("sources") else last
        panel = stored_sources_html(last.detail, present) if last else EMPTY_SOURCES
        return (chat, cid, panel, gr.update(value=conv.title), gr.update(value=conv.scope), *self.exports(user, cid))

    def search_conversations(self, search: str, cid: str | None, request: gr.Request | None) -> Update:
        return gr.update(choices=self.conversation_choices(self.user_of(request), search), value=cid)

    def rename_conversation(self, cid: str | None, title: str | None, search: str,
                            request: gr.Request | None) -> Update:
        user = self.user_of(request)
        if not cid:
            raise gr.Error("Ouvrez d'abord une conversation.")
        try:
            self.store.rename(user, cid, title or "")
        except ChatbotError as e:
            raise gr.Error(str(e)) from e
        return gr.update(choices=self.conversation_choices(user, search), value=cid)

    def delete_conversation(self, cid: str | None, search: str, request: gr.Request | None) -> tuple[Any, ...]:
        user = self.user_of(request)
        if cid:
            self.store.delete(user, cid)
        chat, conv_id, box, sources, _, scope, md, js = self.new_conversation()  # the list is this one
        return gr.update(choices=self.conversation_choices(user, search), value=None), chat, conv_id, box, sources, scope, md, js

    def remember_scope(self, cid: str | None, scope: list[str] | None, request: gr.Request | None) -> None:
        if cid:
            self.store.set_scope(self.user_of(request), cid, chosen(scope))

    def on_load(self, request: gr.Request | None) -> tuple[Update, Update, list[list]]:
        """The tab's user's conversations, and the documents (read once for the picker and the table)."""
        documents = self.app.store().documents()
        return (gr.update(choices=self.conversation_choices(self.user_of(request)), value=None),
                gr.update(choices=sorted(documents), value=[]), library_rows(documents))

    def documents_changed(self, scope: list[str] | None) -> Update:
        """The question's scope picker after documents were added or removed: the indexed
        documents to choose from, and what was chosen, less what is gone."""
        documents = sorted(self.app.store().documents())
        return gr.update(choices=documents, value=[d for d in chosen(scope) if d in documents])

    def upload(self, files: list[Any] | None) -> Iterator[tuple[Any, str, Update]]:
        """Index the files received, showing progress as it goes; a generator, so the page updates."""
        hide = gr.update(visible=False)
        if not files:
            yield gr.update(), "Aucun fichier reçu.", hide
            return
        self.uploads.mkdir(parents=True, exist_ok=True)
        staged: list[Path] = []
        names: dict[Path, str] = {}
        refused: list[str] = []
        for f in files:
            src = Path(f if isinstance(f, str) else f.name)
            name = src.name
            if src.suffix.lower() not in SUFFIXES:
                refused.append(f"{name} : type non pris en charge ({', '.join(SUFFIXES)})")
                continue
            dest = self.uploads / name
            shutil.copyfile(src, dest)
            staged.append(dest)
            names[dest] = name
        report = None
        if staged:
            cancel = threading.Event()
            self.job["cancel"] = cancel
            steps: queue.Queue = queue.Queue()
            result: dict = {}

            def work() -> None:
                try:
                    result["report"] = self.app.ingest(staged, names=names, on_progress=steps.put, cancel=cancel)
                except ChatbotError as e:
                    result["error"] = str(e)
                finally:
                    steps.put(None)

            threading.Thread(target=work, name="upload-ingest", daemon=True).start()
            shown = 0.0
            while (step := steps.get()) is not None:
                if time.monotonic() - shown > 0.4:
                    shown = time.monotonic()
                    yield gr.update(), progress_text(step), gr.update(visible=True)
            self.job.pop("cancel", None)
            if "error" in result:
                for dest in staged:
                    dest.unlink(missing_ok=True)
                yield self.library(), f"❌ {result['error']}", hide
                return
            report = result["report"]
        lines = [f"❌ {r}" for r in refused]
        if report:
            for name, msg in report.failed:
                (self.uploads / name).unlink(missing_ok=True)
                lines.append(f"❌ {msg}")
            for name in report.added + report.updated:
                lines.append(f"✅ {name} indexé{upload_notes(report, name)}")
            for name in report.unchanged:
                lines.append(f"✅ {name} déjà indexé")
            for name in report.cancelled:
                (self.uploads / name).unlink(missing_ok=True)
                lines.append(f"⏹️ {name} : indexation annulée, rien n'en a été gardé")
        message = "\n\n".join(lines)
        if any(line.startswith("❌") for line in lines):
            gr.Warning(message.replace("❌ ", "").replace("\n\n", " — "))
        yield self.library(), message, hide

    def cancel_ingest(self) -> str | Update:
        if "cancel" in self.job:
            self.job["cancel"].set()
            return "⏹️ Annulation demandée : le document en cours ne sera pas gardé."
        return gr.update()

    def pick(self, rows: Any, evt: gr.SelectData) -> tuple[str | None, Update]:
        """A click on a row of the library selects its document for removal."""
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        try:
            cell = rows.iloc[row, 0] if hasattr(rows, "iloc") else rows[row][0]
            name = library_name(cell)
        except (IndexError, KeyError, TypeError):
            return None, gr.update(interactive=False)
        return name, gr.update(value=f"Retirer « {name} » de l'index", interactive=True)

    def remove(self, name: str | None) -> tuple[Any, str, None, Update]:
        if not name:
            return gr.update(), "Cliquez d'abord sur un document du tableau.", None, gr.update()
        self.app.remove_document(name)
        (self.uploads / name).unlink(missing_ok=True)
        return (self.library(), f"🗑️ {name} retiré de l'index.", None,
                gr.update(value="Retirer de l'index", interactive=False))

    def load_model(self, path: str | None) -> tuple[str, str]:
        if not path:
            return "Choisissez un modèle.", self.status()
        t0 = time.perf_counter()
        try:
            self.app.switch_model(Path(path))
            probe = self.app.model().complete([Turn("user", "Réponds seulement : OK")], max_tokens=4)
        except ChatbotError as e:
            return f"❌ Échec du chargement : {e}", self.status()
        if not probe.strip():
            return "❌ Le modèle est chargé mais ne répond pas au test.", self.status()
        return f"✅ Chargé en {time.perf_counter() - t0:.1f} s (test : « {probe.strip()} »)", self.status()



# How Gradio knows to pass the request (its user and tab) and the clicked cell to a handler.
for _name in ("respond", "speculate", "open_conversation", "search_conversations", "rename_conversation",
              "delete_conversation", "remember_scope", "on_load"):
    getattr(Page, _name).__annotations__["request"] = gr.Request
Page.pick.__annotations__["evt"] = gr.SelectData


def build(app: App) -> gr.Blocks:
    page = Page(app)
    settings = app.settings

    with gr.Blocks(title="Chatbot documentaire", analytics_enabled=False) as demo:
        gr.Markdown("# Chatbot documentaire")
        status_md = gr.Markdown()
        conv_id = gr.State(None)  # the open conversation's id
        with gr.Row():
            with gr.Column(scale=1, min_width=220):
                new = gr.Button("Nouvelle conversation", size="sm", elem_id="new")
                search = gr.Textbox(placeholder="Rechercher…", show_label=False, elem_id="conv-search",
                                    lines=1, max_lines=1)
                conversations = gr.Radio(choices=[], label="Conversations", elem_id="conversations")
                with gr.Accordion("Renommer, supprimer, exporter", open=False, elem_id="conv-tools"):
                    title_box = gr.Textbox(label="Titre", elem_id="conv-title", lines=1, max_lines=1)
                    rename_btn = gr.Button("Renommer", size="sm", elem_id="conv-rename")
                    delete_btn = gr.Button("Supprimer la conversation", size="sm", variant="stop",
                                           elem_id="conv-delete")
                    export_md = gr.DownloadButton("Exporter (Markdown)", size="sm", interactive=False,
                                                  elem_id="export-md")
                    export_json = gr.DownloadButton("Exporter (JSON)", size="sm", interactive=False,
                                                    elem_id="export-json")
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Conversation", height=520, placeholder=EMPTY,
                                  elem_id="chat", buttons=["copy"])
                with gr.Row():
                    box = gr.Textbox(placeholder="Votre question…", show_label=False, scale=5,
                                     elem_id="question", submit_btn=False, lines=1, max_lines=4)
                    send = gr.Button("Envoyer", variant="primary", scale=1, elem_id="send")
                    stop = gr.Button("Arrêter", scale=1, elem_id="stop")
                scope = gr.Dropdown(choices=[], value=[], multiselect=True,
                                    label="Documents interrogés", info="Aucun choisi : tous les documents",
                                    elem_id="scope")
                gr.Examples(EXAMPLES, inputs=box, label="Exemples de questions")
            with gr.Column(scale=2):
                with gr.Tab("Sources"):
                    sources = gr.HTML(EMPTY_SOURCES, elem_id="sources")
                with gr.Tab("Documents"):
                    files = gr.File(label="Ajouter des documents : texte, PDF, Word, LibreOffice, PowerPoint, "
                                    "Excel, EPUB, RTF, images (lues par OCR)",
                                    file_count="multiple", file_types=list(SUFFIXES),
                                    elem_id="upload")
                    upload_msg = gr.Markdown(elem_id="upload-status")
                    cancel_btn = gr.Button("Annuler l'indexation", size="sm", visible=False,
                                           elem_id="cancel-ingest")
                    table = gr.Dataframe(value=[], headers=LIBRARY_COLUMNS, interactive=False,
                                         label="Bibliothèque (cliquez sur une ligne pour la choisir)",
                                         elem_id="library", wrap=True, max_height=420,
                                         column_widths=["44%", "14%", "9%", "11%", "8%", "14%"])
                    to_remove = gr.State(None)
                    remove_btn = gr.Button("Retirer de l'index", size="sm", interactive=False,
                                           elem_id="remove-doc")
                with gr.Tab("Modèle"):
                    choices = model_choices(app)
                    current = str(app.model().path)
                    picker = gr.Dropdown(choices=choices, value=current if any(
                        v == current for _, v in choices) else None, label="Modèles GGUF (models/)",
                        elem_id="model-picker")
                    load = gr.Button("Charger ce modèle", elem_id="load-model")
                    model_msg = gr.Markdown(elem_id="model-status")
                with gr.Tab("Réglages"):
                    temperature = gr.Slider(0, 1.5, value=settings.temperature, step=0.05,
                                            label="Température")
                    top_k = gr.Slider(1, 8, value=settings.top_k, step=1, label="Passages")
                    max_tokens = gr.Slider(32, 1024, value=settings.max_tokens, step=16,
                                           label="Longueur maximale de la réponse (jetons)")

        inputs = [box, chat, conv_id, scope, search, temperature, top_k, max_tokens]
        outputs = [chat, conv_id, box, sources, conversations, export_md, export_json]
        ev1 = box.submit(page.respond, inputs, outputs, api_visibility="private")
        ev2 = send.click(page.respond, inputs, outputs, api_visibility="private")
        stop.click(None, cancels=[ev1, ev2])
        # every key is sent at once ("multiple"): Gradio's default for typing holds a key back
        # until the call before it ends, and reading ahead a whole prompt takes seconds, so the
        # newer guess could not stop the older one (Page.speculate waits out the pause itself)
        box.input(page.speculate, [box, conv_id, scope], None, api_visibility="private", show_progress="hidden",
                  trigger_mode="multiple", concurrency_limit=None, queue=False)
        fresh = [chat, conv_id, box, sources, conversations, scope, export_md, export_json]
        new.click(page.new_conversation, None, fresh, api_visibility="private")
        conversations.input(page.open_conversation, conversations,
                            [chat, conv_id, sources, title_box, scope, export_md, export_json],
                            api_visibility="private")
        search.change(page.search_conversations, [search, conv_id], conversations, api_visibility="private")
        rename_btn.click(page.rename_conversation, [conv_id, title_box, search], conversations,
                         api_visibility="private")
        delete_btn.click(page.delete_conversation, [conv_id, search], [conversations, *fresh[:4], scope, export_md, export_json],
                         api_visibility="private")
        scope.input(page.remember_scope, [conv_id, scope], None, api_visibility="private")
        files.upload(page.upload, files, [table, upload_msg, cancel_btn], api_visibility="private",
                     concurrency_id="ingest").then(page.documents_changed, scope, scope, api_visibility="private")
        cancel_btn.click(page.cancel_ingest, None, upload_msg, api_visibility="private", queue=False)
        table.select(page.pick, table, [to_remove, remove_btn], api_visibility="private", queue=False)
        remove_btn.click(page.remove, to_remove, [table, upload_msg, to_remove, remove_btn], api_visibility="private"
                         ).then(page.documents_changed, scope, scope, api_visibility="private")
        load.click(page.load_model, picker, [model_msg, status_md], api_visibility="private")

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
        demo.load(page.status, None, status_md, api_visibility="private")
        demo.load(page.on_load, None, [conversations, scope, table], api_visibility="private")
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
