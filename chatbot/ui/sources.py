"""The Sources panel, and the citations that lead to it: HTML only (no gradio here)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from chatbot.domain import Answer, Source
from chatbot.text import sentences

Neighbours = Callable[[str, int], tuple[str, str]]  # (document, position) -> the text before and after

EMPTY_SOURCES = "<p><em>Les passages cités apparaîtront ici.</em></p>"


def link_citations(text: str) -> str:
    """`[2]` -> a link to source 2 in the Sources panel."""
    return re.sub(r"\[(\d{1,2})\]", r"<a class='cite' href='#source-\1'>[\1]</a>", text)


def sources_html(answer: Answer, context: Neighbours, *, removed: set[str] | frozenset[str] = frozenset()) -> str:
    """The cited passages inside their document (the neighbouring passages around it), highlighted;
    a document in `removed` is marked as no longer indexed."""
    if not answer.sources:
        return "<p><em>Aucune source pour cette réponse.</em></p>"
    parts = ["<div class='sources'>"]
    for s in answer.sources:
        before, after = _around(s.text, *context(s.doc, s.position))
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


def _around(text: str, before: str, after: str) -> tuple[str, str]:
    """The neighbouring passages' text without what the cited one holds: passages overlap by a
    sentence, which would otherwise show under the highlighted one again."""
    own = {" ".join(x.split()) for x in sentences(text)}
    head, tail = sentences(before), sentences(after)
    while head and " ".join(head[-1].split()) in own:
        head.pop()
    while tail and " ".join(tail[0].split()) in own:
        tail.pop(0)
    return " ".join(head), " ".join(tail)


def stored_sources(detail: dict) -> list[Source]:
    """The Sources of a stored answer, as they were when it was given."""
    return [Source.from_json(s) for s in detail.get("sources", [])]


def stored_sources_html(detail: dict, present: set[str]) -> str:
    """A stored answer's sources from what was stored with it; a document removed since says so."""
    sources = stored_sources(detail)
    removed = {s.doc for s in sources} - present
    return sources_html(Answer("", "", False, "", sources), lambda doc, pos: ("", ""), removed=removed)
