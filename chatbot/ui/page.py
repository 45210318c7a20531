"""The page's handlers, all panels over one shared state: what a test calls without a browser."""

from __future__ import annotations

import gradio as gr

from chatbot.ui.chat import ChatPanel
from chatbot.ui.conversations import ConversationsPanel
from chatbot.ui.documents import DocumentsPanel


class Page(ChatPanel, ConversationsPanel, DocumentsPanel):
    """What the page does, one method per event: each takes the widgets' values and returns their
    updates by name (`shared.NAMES`), so that a test can call it without a browser. `layout.build`
    lays out the widgets and wires them to these."""


# How Gradio knows to pass the request (its user and tab) and the clicked cell to a handler: by
# the parameter's type, read at run time (the annotations above are strings).
for _name in ("respond", "speculate", "open_conversation", "search_conversations", "rename_conversation",
              "delete_conversation", "remember_scope", "on_load", "rate"):
    getattr(Page, _name).__annotations__["request"] = gr.Request
Page.pick.__annotations__["evt"] = gr.SelectData
Page.rate.__annotations__["evt"] = gr.LikeData
