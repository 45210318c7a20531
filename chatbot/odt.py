"""A conversation as an OpenDocument text (.odt, opened by LibreOffice and by Word): each question
a heading, each answer a paragraph whose citations [n] are footnotes naming the document, where in
it, and the passage cited. Written by hand (a zip of three XML files): no library needed."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from chatbot.conversations import Conversation, Message
from chatbot.domain import Source

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
             '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
             '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')
_CITE = re.compile(r"\[(\d{1,2})\]")


def note_text(s: Source) -> str:
    """What a footnote says of a source: « Title (file, p. 3) : « the passage » »."""
    return f"{s.title or s.doc} ({s.doc}, {s.where}) : « {s.text} »"


def _answer(text: str, sources: dict[int, Source], notes: Iterator[int]) -> str:
    """An answer's text, each [n] of a known source turned into a footnote (numbered by `notes`)."""
    out, at = [], 0
    for m in _CITE.finditer(text):
        out.append(escape(text[at:m.start()]))
        s = sources.get(int(m.group(1)))
        if s is None:
            out.append(escape(m.group(0)))
        else:
            k = next(notes)
            out.append(f'<text:note text:id="note{k}" text:note-class="footnote"><text:note-citation>{k}'
                       f"</text:note-citation><text:note-body><text:p>{escape(note_text(s))}</text:p>"
                       "</text:note-body></text:note>")
        at = m.end()
    out.append(escape(text[at:]))
    return "".join(out)


def conversation_odt(conv: Conversation, messages: Sequence[Message]) -> bytes:
    """The .odt file's bytes."""
    body = [f'<text:h text:outline-level="1">{escape(conv.title)}</text:h>']
    if conv.scope:
        body.append(f"<text:p>Documents interrogés : {escape(', '.join(conv.scope))}</text:p>")
    notes = itertools.count(1)  # footnotes are numbered through the document
    for m in messages:
        if m.role == "user":
            body.append(f'<text:h text:outline-level="2">{escape(m.content)}</text:h>')
            continue
        sources = {s.n: s for s in (Source.from_json(d) for d in m.detail.get("sources", []))}
        body.append(f"<text:p>{_answer(m.content, sources, notes) if m.content else '(pas de réponse)'}</text:p>")
        if m.said:
            body.append(f"<text:p>({escape(m.said)})</text:p>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}><office:body>'
               f"<office:text>{''.join(body)}</office:text></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")  # first, stored
        z.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
