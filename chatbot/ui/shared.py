"""What every panel of the page shares: the app, the conversation store, who is asking.

A handler returns *named* updates: a dict from the names below to a widget's new value (or a
`gr.update`); a name it leaves out is left as it is. `layout.build` wires each handler to the
widgets its names stand for, and refuses at start-up a name no widget has, so a handler can
neither miscount nor misplace its outputs.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import gradio as gr

from chatbot.ahead import Typing
from chatbot.app import App
from chatbot.conversations import LOCAL_USER, Conversation, Conversations
from chatbot.domain import Source
from chatbot.office import conversation_docx, conversation_odt, one_answer
from chatbot.ui.sources import original_choices

Update = dict[str, Any]  # what gr.update() makes: a widget's new properties
Updates = dict[str, Any]  # widget name -> its new value or Update
Chat = list[dict[str, str]]  # the conversation as gr.Chatbot shows it

# the widgets, by the names handlers use (`layout.build` makes them)
NAMES = ("status", "conversation", "new", "search", "conversations", "title", "rename", "delete",
         "export_md", "export_json", "export_odt", "export_docx", "export_answer", "chat", "correction", "correct", "corrected",
         "question", "send", "stop", "scope", "sources", "originals", "original", "cited", "upload",
         "upload_status", "cancel", "library", "to_remove", "remove", "model", "load", "model_status",
         "temperature", "top_k", "max_tokens")
EXPORTS = ("export_md", "export_json", "export_odt", "export_docx", "export_answer")  # the download buttons


def chosen(scope: list[str] | None) -> list[str]:
    """The documents picked in « Documents interrogés » (the widget may give None or blanks)."""
    return [d for d in scope or [] if d]


def conversation_label(c: Conversation) -> str:
    return f"{c.title} · {time.strftime('%d/%m %H:%M', time.localtime(c.updated))}"


class Shared:
    """The state the panels share; `page.Page` is all of them over one of these."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.settings = app.settings
        self.uploads = app.settings.data_dir / "uploads"
        self.store = Conversations(app.settings.data_dir)
        self.typing = Typing()  # per browser tab, its latest key (ahead.py)
        self.job: dict = {}  # the indexing run in progress, for the cancel button
        # the exports offered for download: a user's two latest folders are kept (the page has
        # copied the older by then: a second tab may still be reading the newer), and all of them
        # go when the process ends
        self._exports = tempfile.TemporaryDirectory(prefix="chatbot-export-")
        self._offered: dict[str, list[Path]] = {}

    def user_of(self, request: gr.Request | None) -> str:
        return getattr(request, "username", None) or LOCAL_USER

    def conversation_choices(self, user: str, search: str = "") -> list[tuple[str, str]]:
        return [(conversation_label(c), c.id) for c in self.store.find(user, search)]

    def listed(self, user: str, search: str, cid: str | None) -> Update:
        """The conversations list, `cid` chosen in it."""
        return gr.update(choices=self.conversation_choices(user, search), value=cid)

    def shown(self, sources: list[Source]) -> Updates:
        """The list of an answer's sources to open in their original, and nothing opened yet."""
        return {"originals": gr.update(choices=original_choices(sources), value=None, visible=bool(sources)),
                "original": "", "cited": [s.to_json(stored=True) for s in sources]}

    def exports(self, user: str, cid: str | None) -> Updates:
        """Fresh Markdown, JSON, OpenDocument and Word exports of a conversation, for the download buttons."""
        if cid is None:
            return {k: gr.update(value=None, interactive=False)
                    for k in EXPORTS}
        folder = Path(tempfile.mkdtemp(dir=self._exports.name))
        offered = self._offered.setdefault(user, [])
        offered.append(folder)
        while len(offered) > 2:
            shutil.rmtree(offered.pop(0), ignore_errors=True)
        md, js, odt, docx = (folder / f"conversation-{cid}.{x}" for x in ("md", "json", "odt", "docx"))
        md.write_text(self.store.export_markdown(user, cid), encoding="utf-8")
        js.write_text(json.dumps(self.store.export_json(user, cid), ensure_ascii=False, indent=2), encoding="utf-8")
        conv, messages = self.store.get(user, cid), self.store.messages(user, cid)
        odt.write_bytes(conversation_odt(conv, messages))
        docx.write_bytes(conversation_docx(conv, messages))
        last = one_answer(messages)
        answer = folder / f"reponse-{cid}.docx"
        if last:
            answer.write_bytes(conversation_docx(conv, last))
        return {"export_answer": gr.update(value=str(answer) if last else None, interactive=bool(last)),
                "export_md": gr.update(value=str(md), interactive=True),
                "export_json": gr.update(value=str(js), interactive=True),
                "export_odt": gr.update(value=str(odt), interactive=True),
                "export_docx": gr.update(value=str(docx), interactive=True)}
