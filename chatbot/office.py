"""A conversation as an office document, OpenDocument text (.odt: LibreOffice) or Word (.docx):
each question a heading, each answer a paragraph whose citations [n] are footnotes naming the
document, where in it, and the passage cited. Written by hand (a zip of a few XML files): no
library needed."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable, Sequence
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


def _cited(text: str, sources: dict[int, Source], note: Callable[[str], str], plain: Callable[[str], str]) -> str:
    """An answer's text, each [n] of a known source turned into a footnote (`note` of the note's
    text), the rest written by `plain`."""
    out, at = [], 0
    for m in _CITE.finditer(text):
        out.append(plain(text[at:m.start()]))
        s = sources.get(int(m.group(1)))
        out.append(plain(m.group(0)) if s is None else note(note_text(s)))
        at = m.end()
    out.append(plain(text[at:]))
    return "".join(out)


def one_answer(messages: Sequence[Message], n: int | None = None) -> list[Message]:
    """The n-th answer of a conversation (from 1; the last one when n is None) with the question
    it answers: what « one answer » exports. [] when there is no such answer."""
    answers = [i for i, m in enumerate(messages) if m.role == "assistant"]
    if not answers or (n is not None and not 1 <= n <= len(answers)):
        return []
    i = answers[-1 if n is None else n - 1]
    return [messages[i - 1], messages[i]] if i and messages[i - 1].role == "user" else [messages[i]]


def _sources(m: Message) -> dict[int, Source]:
    return {s.n: s for s in (Source.from_json(d) for d in m.detail.get("sources", []))}


def conversation_odt(conv: Conversation, messages: Sequence[Message]) -> bytes:
    """The .odt file's bytes."""
    body = [f'<text:h text:outline-level="1">{escape(conv.title)}</text:h>']
    if conv.scope:
        body.append(f"<text:p>Documents interrogés : {escape(', '.join(conv.scope))}</text:p>")
    notes = itertools.count(1)  # footnotes are numbered through the document

    def note(text: str) -> str:
        k = next(notes)
        return (f'<text:note text:id="note{k}" text:note-class="footnote"><text:note-citation>{k}'
                f"</text:note-citation><text:note-body><text:p>{escape(text)}</text:p></text:note-body></text:note>")

    for m in messages:
        if m.role == "user":
            body.append(f'<text:h text:outline-level="2">{escape(m.content)}</text:h>')
            continue
        said = _cited(m.content, _sources(m), note, escape) if m.content else "(pas de réponse)"
        body.append(f"<text:p>{said}</text:p>")
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


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
               'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
               'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'wordprocessingml.document.main+xml"/><Override PartName="/word/footnotes.xml" ContentType='
               '"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
               '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'wordprocessingml.styles+xml"/></Types>')
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
              '</Relationships>')
_DOCUMENT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                  'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                  'openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/styles" Target="styles.xml"/></Relationships>')
# the headings Word lists in its navigation pane, and the footnote's small raised number
_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {_W}>'
           + "".join(f'<w:style w:type="paragraph" w:styleId="Heading{k}"><w:name w:val="heading {k}"/>'
                     f'<w:pPr><w:keepNext/><w:outlineLvl w:val="{k - 1}"/></w:pPr><w:rPr><w:b/>'
                     f'<w:sz w:val="{36 - 6 * k}"/></w:rPr></w:style>' for k in (1, 2))
           + '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
             '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style></w:styles>')


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def conversation_docx(conv: Conversation, messages: Sequence[Message]) -> bytes:
    """The .docx file's bytes (Word, and LibreOffice)."""
    def heading(level: int, text: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr>{_run(text)}</w:p>'

    body = [heading(1, conv.title)]
    if conv.scope:
        body.append(f"<w:p>{_run('Documents interrogés : ' + ', '.join(conv.scope))}</w:p>")
    footnotes: list[str] = []

    def note(text: str) -> str:
        k = len(footnotes) + 1  # 0 and -1 are Word's separators
        footnotes.append(f'<w:footnote w:id="{k}"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                         f'<w:footnoteRef/></w:r>{_run(" " + text)}</w:p></w:footnote>')
        return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{k}"/></w:r>'

    for m in messages:
        if m.role == "user":
            body.append(heading(2, m.content))
            continue
        said = _cited(m.content, _sources(m), note, _run) if m.content else _run("(pas de réponse)")
        body.append(f"<w:p>{said}</w:p>")
        if m.said:
            body.append(f"<w:p>{_run(f'({m.said})')}</w:p>")
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W}><w:body>'
                f"{''.join(body)}</w:body></w:document>")
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {_W}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
             f"</w:p></w:footnote>{''.join(footnotes)}</w:footnotes>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _DOCX_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/_rels/document.xml.rels", _DOCUMENT_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/footnotes.xml", notes)
        z.writestr("word/styles.xml", _STYLES)
    return out.getvalue()
