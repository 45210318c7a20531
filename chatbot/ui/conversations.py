"""The conversations panel: new, open, search, rename, delete, the scope each keeps, exports."""

from __future__ import annotations

import gradio as gr

from chatbot.errors import ChatbotError
from chatbot.ui.chat import stored_answer_html
from chatbot.ui.shared import Shared, Updates, chosen
from chatbot.ui.sources import EMPTY_SOURCES, stored_sources, stored_sources_html


def _closed() -> Updates:
    """The field for a 👎's correction, closed and emptied."""
    return {"correction": gr.update(visible=False, value=""), "correct": gr.update(visible=False), "corrected": None}


class ConversationsPanel(Shared):
    def new_conversation(self) -> Updates:
        """An empty page: no conversation open, nothing to export."""
        return {"chat": [], "conversation": None, "question": "", "sources": "", "conversations": gr.update(value=None),
                "scope": [], **self.shown([]), **self.exports("", None)}

    def open_conversation(self, cid: str | None, request: gr.Request | None) -> Updates:
        user = self.user_of(request)
        if not cid:
            return {}
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
        return {"chat": chat, "conversation": cid, "sources": panel, "title": gr.update(value=conv.title),
                "scope": gr.update(value=conv.scope), **self.shown(stored_sources(last.detail) if last else []),
                **self.exports(user, cid)}

    def search_conversations(self, search: str, cid: str | None, request: gr.Request | None) -> Updates:
        return {"conversations": self.listed(self.user_of(request), search, cid)}

    def rename_conversation(self, cid: str | None, title: str | None, search: str,
                            request: gr.Request | None) -> Updates:
        user = self.user_of(request)
        if not cid:
            raise gr.Error("Ouvrez d'abord une conversation.")
        try:
            self.store.rename(user, cid, title or "")
        except ChatbotError as e:
            raise gr.Error(str(e)) from e
        return {"conversations": self.listed(user, search, cid)}

    def delete_conversation(self, cid: str | None, search: str, request: gr.Request | None) -> Updates:
        """The conversation gone, and the page as a new one."""
        user = self.user_of(request)
        if cid:
            self.store.delete(user, cid)
        return {**self.new_conversation(), "conversations": self.listed(user, search, None)}

    def rate(self, cid: str | None, evt: gr.LikeData, request: gr.Request | None) -> Updates:
        """👍 or 👎 on an answer of the conversation shown (the bubble's place in it); kept with
        the answer, per user, for `chatbot eval --from-feedback`. A 👎 opens the field for what
        the answer should have said."""
        hidden = _closed()
        if not cid:
            return hidden
        user = self.user_of(request)
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        messages = self.store.messages(user, cid)
        if not (0 <= index < len(messages) and messages[index].role == "assistant"):
            return hidden
        liked = evt.liked if isinstance(evt.liked, bool) else None
        self.store.rate(user, cid, messages[index].id, liked)
        if liked is not False:
            return hidden
        return {"correction": gr.update(visible=True, value=""), "correct": gr.update(visible=True),
                "corrected": (cid, messages[index].id)}

    def correct(self, corrected: tuple[str, int] | None, text: str, request: gr.Request | None) -> Updates:
        """What the 👎 answer should have said, kept with its 👎; the field closes."""
        if corrected and text.strip():
            cid, mid = corrected
            try:
                self.store.rate(self.user_of(request), cid, mid, False, text)
                gr.Info("Correction enregistrée : `chatbot eval --from-feedback` la reprendra.")
            except ChatbotError:  # the conversation was deleted meanwhile
                gr.Warning("Cette réponse n'existe plus : la correction n'a pas été enregistrée.")
        return _closed()

    def remember_scope(self, cid: str | None, scope: list[str] | None, request: gr.Request | None) -> None:
        if cid:
            self.store.set_scope(self.user_of(request), cid, chosen(scope))
