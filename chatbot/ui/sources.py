"""The Sources panel, and the citations that lead to it: HTML only (no gradio here)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from chatbot.domain import Answer, Source
from chatbot.text import sentences

Neighbours = Callable[[str, int], tuple[str, str]]  # (document, position) -> the text before and after

EMPTY_SOURCES = "<p><em>Les passages cités apparaîtront ici.</em></p>"


# after a document's text is shown, its marked sentence is scrolled into view
ORIGINAL_JS = "() => { document.querySelector('#original-mark')?.scrollIntoView({block: 'center'}); }"


def original_choices(sources: list[Source]) -> list[tuple[str, str]]:
    """« [1] rapport.pdf — p. 3 » for each source, by its number."""
    return [(f"[{s.n}] {s.doc} — {s.where}", str(s.n)) for s in sources]


def page_html(png: bytes, doc: str, number: int, marked: bool) -> str:
    """A page of the original as an image, the cited sentence marked on it (or said not found)."""
    import base64

    data = base64.b64encode(png).decode("ascii")
    said = ("la phrase citée est surlignée" if marked else
            "la phrase citée n'a pas été retrouvée sur la page (page scannée ?) : elle est dans le passage ci-dessus")
    return (f"<figure class='original'><figcaption><b>{html.escape(doc)}</b> — p. {number} : {said}.</figcaption>"
            f"<img src='data:image/png;base64,{data}' alt='Page {number} de {html.escape(doc)}'></figure>")


def text_html(text: str, sentence: str, doc: str, where: str) -> str:
    """A document's text, the cited sentence marked where it is (the page scrolls it into view)."""
    # the passage joined the file's lines with a space: any run of spaces or line breaks matches
    found = re.search(r"\s+".join(map(re.escape, sentence.split())), text) if sentence.strip() else None
    if found is None:
        body = html.escape(text)
    else:
        a, b = found.span()
        body = (f"{html.escape(text[:a])}<mark id='original-mark'>{html.escape(text[a:b])}</mark>"
                f"{html.escape(text[b:])}")
    return (f"<figure class='original'><figcaption><b>{html.escape(doc)}</b> — {html.escape(where)}</figcaption>"
            f"<div class='original-text'>{body}</div></figure>")


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
        body = (f"<span class='ctx'>{html.escape(before[-400:])}</span> {_marked(s)} "
                f"<span class='ctx'>{html.escape(after[:400])}</span>")
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


def _marked(s: Source) -> str:
    """The passage given to the model, its cited sentence marked; the whole passage where the
    answer's sentence is not known (an answer stored before it was kept)."""
    at = s.text.find(s.sentence) if s.sentence else -1
    if at < 0:
        return f"<mark>{html.escape(s.text)}</mark>"
    end = at + len(s.sentence)
    return (f"<span class='given'>{html.escape(s.text[:at])}</span><mark>{html.escape(s.sentence)}</mark>"
            f"<span class='given'>{html.escape(s.text[end:])}</span>")


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
