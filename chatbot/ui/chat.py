"""The chat panel: a question sent and its answer streamed, and the question read ahead while typed."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import gradio as gr

from chatbot.ahead import read_ahead_after
from chatbot.conversations import STATUS, Message
from chatbot.domain import Answer, Source
from chatbot.errors import ChatbotError
from chatbot.ingest import IMAGES, read_document
from chatbot.preview import pdf_page
from chatbot.ui.shared import Chat, Shared, Updates, chosen
from chatbot.ui.sources import Neighbours, link_citations, page_html, sources_html, text_html

log = logging.getLogger(__name__)

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
def withdrawn_html(text: str, reason: str) -> str:
    """« ⚠️ Réponse retirée : why », then what was shown, struck through (its [n] not links)."""
    shown = html.escape(text).replace("[", "&#91;")
    return (f"\n\n<span class='retracted'>⚠️ Réponse retirée : {html.escape(reason)}"
            f"<br><s>{shown}</s></span>")


def timings_line(answer: Answer) -> str:
    t = answer.timings
    if answer.refused and not t.prompt_tokens:
        return f"recherche {t.retrieval_ms:.0f} ms · aucun passage pertinent : modèle non appelé"
    rate = t.gen_tokens / (t.gen_ms / 1000) if t.gen_ms > 0 else 0.0
    return (f"recherche {t.retrieval_ms:.0f} ms · prompt {t.prompt_tokens} jetons "
            f"({t.evaluated_tokens} évalués) · premier mot {t.ttft_ms / 1000:.1f} s · {rate:.1f} jetons/s")


def answer_html(answer: Answer) -> str:
    """The final bubble: the answer with linked citations, or the withdrawal the reader must see."""
    text = link_citations(answer.answer)
    if answer.retracted:
        text += withdrawn_html(answer.retracted, answer.reason)
    return f"{text}\n\n<span class='timings'>{timings_line(answer)}</span>"


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


class ChatPanel(Shared):
    def context_of(self, answer: Answer) -> Neighbours:
        """Neighbouring passages of the cited ones, looked up once per answer."""
        wanted = {(src.doc, src.position + d) for src in answer.sources for d in (-1, 1)}
        by_key = {(p.doc, p.position): p.text for p in self.app.retriever().passages
                  if (p.doc, p.position) in wanted}
        return lambda doc, pos: (by_key.get((doc, pos - 1), ""), by_key.get((doc, pos + 1), ""))

    def respond(self, message: str | None, chat: Chat | None, cid: str | None, scope: list[str] | None, search: str,
                temperature: float, top_k: float, max_tokens: float, request: gr.Request | None
                ) -> Iterator[Updates]:
        """The question stored and shown at once, then the answer as it streams, then its sources."""
        user = self.user_of(request)
        chat = list(chat or [])
        message = (message or "").strip()
        if not message:
            raise gr.Error("La question est vide : écrivez une question sur vos documents.")
        scope = chosen(scope)
        history = self.store.history(user, cid) if cid else []
        cid, mid = self.store.ask(user, cid, message, scope)  # written before anything else happens
        chat += [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        yield {"chat": chat, "conversation": cid, "question": "", "conversations": self.listed(user, search, cid)}
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
                    yield {"chat": chat, "sources": sources_html(event, self.context_of(event)),
                           **self.shown(event.sources), "conversations": self.listed(user, search, cid),
                           **self.exports(user, cid)}
                else:
                    text += event
                    chat[-1]["content"] = text
                    yield {"chat": chat}
        except ChatbotError as e:
            self.store.stop(mid, text, status="error", error=str(e))
            done = True
            chat.pop()
            raise gr.Error(str(e)) from e
        finally:
            if not done:  # « Arrêter », a closed tab: what was said is kept, marked as stopped
                self.store.stop(mid, text)

    def show_original(self, choice: str | None, cited: list[dict] | None) -> Updates:
        """The source picked, in its document of origin: a PDF's page drawn with the sentence marked,
        another document's text scrolled to it. Only a file the index was made from is shown."""
        source = next((Source.from_json(d) for d in cited or [] if str(d.get("n")) == str(choice)), None)
        if source is None:
            return {"original": ""}
        path = self.app.original(source.doc)
        if path is None:
            return {"original": f"<p><em>Le fichier de {html.escape(source.doc)} n'est plus là où il a été indexé : "
                                "le passage cité est ci-dessus.</em></p>"}
        if path.suffix.lower() == ".pdf":
            try:
                page = pdf_page(path, source.page or 1, source.sentence, self.settings.data_dir / "previews")
            except Exception:  # noqa: BLE001 - a file changed or damaged since: said, never a traceback
                log.debug("drawing %s failed", path, exc_info=True)
                return {"original": f"<p><em>La page de {html.escape(source.doc)} n'a pas pu être affichée "
                                    "(le fichier a changé ou est abîmé) : le passage cité est ci-dessus.</em></p>"}
            return {"original": page_html(page.png, source.doc, page.page, page.marked)}
        return {"original": text_html(self.original_text(path, source.doc), source.sentence or source.text,
                                      source.doc, source.where)}

    def original_text(self, path: Path, name: str) -> str:
        """A document's text read again from its file (an image's, from the index: OCR is slow)."""
        if path.suffix.lower() not in IMAGES:
            try:
                return read_document(path, name).text
            except Exception:  # noqa: BLE001 - changed since and unreadable now: the text as it was indexed
                log.debug("reading %s again failed", path, exc_info=True)
        return self.app.engine_for_retrieval().searcher.document(name)

    def speculate(self, text: str | None, cid: str | None, scope: list[str] | None,
                  request: gr.Request | None) -> None:
        """On a pause in typing, read the question ahead (see Engine.speculate)."""
        text = text or ""
        if not self.settings.speculate or not text.strip():
            return
        with self.typing.key(getattr(request, "session_hash", None) or "") as latest:
            self._read_ahead(text, cid, scope, request, latest)

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
