"""The Gradio chat page: the only package that imports gradio.

One module per panel — `chat` (a question and its streamed answer, reading ahead while it is
typed), `conversations` (kept, searched, renamed, deleted, exported), `documents` (the library,
uploads, removal, and the model tab), `sources` (the cited passages, HTML only) — over the state
they share (`shared`); `page.Page` is all of them, `layout` lays out the widgets and wires each
event to its handler by the widgets' names, and serves the page.
"""

from chatbot.ahead import read_ahead_after
from chatbot.ui.chat import answer_html
from chatbot.ui.documents import LIBRARY_COLUMNS
from chatbot.ui.layout import build, named, serve
from chatbot.ui.page import Page

__all__ = ["LIBRARY_COLUMNS", "Page", "answer_html", "build", "named", "read_ahead_after", "serve"]
