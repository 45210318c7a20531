"""Text out of office files, e-books and RTF, as blocks that keep headings, slides and sheets.

Word (.docx), LibreOffice (.odt, .odp, .ods), PowerPoint (.pptx), Excel (.xlsx) and EPUB files
are zip archives of XML; RTF is text; HTML (a page, or an EPUB's chapter) is read with
BeautifulSoup. The rest is read with the standard library: no converter to
install, nothing that reaches the network, and the structure a passage needs is kept — a heading
has its level, a slide or a sheet opens a part that citations name (« diapositive 3 »,
« feuille Budget »), and a table row is written as « Colonne : valeur ; … » so that a passage
holding it still says what each value is.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import unquote
from xml.etree import ElementTree

from chatbot.errors import IngestError

MAX_XML_BYTES = 200 * 1024 * 1024  # a zip member this large once inflated is refused (zip bombs)
# and one of more elements than this: a tree costs ~100 bytes an element (a 1,000-page Word file
# holds about a million)
MAX_XML_ELEMENTS = 5_000_000
MAX_HTML_TAGS = 500_000  # an HTML page (or EPUB chapter) with more tags is refused: its tree would take > 0.5 GiB
MAX_CELLS = 512  # columns kept per row; repeated empty cells of spreadsheets are not expanded


@dataclass
class Block:
    """A paragraph, a heading (level 1-6) or a table row; `part` opens a page, slide or sheet."""

    text: str
    level: int = 0
    part: str = ""  # « diapositive 3 », « feuille Budget », « p. 2 »: set on the part's first block
    number: int = 0  # the part's number, from 1


def read(raw: bytes, name: str, suffix: str) -> list[Block]:
    """The blocks of one file of a supported office, e-book or RTF kind."""
    if suffix == ".rtf":
        return rtf_blocks(raw, name)
    try:
        archive = zipfile.ZipFile(_bytes_io(raw))
    except zipfile.BadZipFile as e:
        raise IngestError(f"{name}: not a valid {suffix} file (it is not the zip archive that "
                          f"{suffix} files are). Open it and save it again.") from e
    with archive:
        reader = {".docx": _docx, ".pptx": _pptx, ".xlsx": _xlsx, ".odt": _odt, ".odp": _odp,
                  ".ods": _ods, ".epub": _epub}[suffix]
        try:
            return reader(_Zip(archive, name))
        except (KeyError, ElementTree.ParseError, ValueError, IndexError) as e:
            raise IngestError(f"{name}: a damaged {suffix} file ({e}). Open it and save it again.") from e


def _bytes_io(raw: bytes) -> io.BytesIO:
    import io

    return io.BytesIO(raw)


def _inflated(archive: zipfile.ZipFile, member: str, name: str) -> Iterator[bytes]:
    """An archive's member, a megabyte at a time, refused past MAX_XML_BYTES (by its header, then
    by what it really inflates to, whatever its header says)."""
    too_big = IngestError(f"{name}: {member} inflates to more than {MAX_XML_BYTES // 2**20} MiB; not read.")
    if archive.getinfo(member).file_size > MAX_XML_BYTES:  # said by its header: refused unread
        raise too_big
    read = 0
    with archive.open(member) as f:
        while block := f.read(1 << 20):
            read += len(block)
            if read > MAX_XML_BYTES:
                raise too_big
            yield block


def _parse(archive: zipfile.ZipFile, member: str, name: str) -> ElementTree.Element:
    """An archive's XML member, inflated and parsed a megabyte at a time: bounded in bytes
    and in elements, which is what a tree costs in memory (200 MB of « <a/> » is 50 million
    elements, 4.7 GiB as a tree)."""
    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start",))
    root: ElementTree.Element | None = None
    elements = 0
    for block in _inflated(archive, member, name):
        parser.feed(block)
        for event in parser.read_events():
            root = root if root is not None else _element(event)
            elements += 1
        if elements > MAX_XML_ELEMENTS:
            raise IngestError(f"{name}: {member} holds more than {_spaced(MAX_XML_ELEMENTS)} XML elements "
                              "(a document made to exhaust memory?); not read.")
    parser.close()
    for event in parser.read_events():
        root = root if root is not None else _element(event)
    if root is None:
        raise ElementTree.ParseError(f"{member} holds no XML")
    return root


def _spaced(n: int) -> str:
    """5 000 000: a count as the messages write it."""
    return f"{n:_}".replace("_", " ")


def _element(event: object) -> ElementTree.Element:
    """The element of a ("start", element) event."""
    return cast("tuple[str, ElementTree.Element]", event)[1]


class _Zip:
    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive, self.name = archive, name
        self.names = set(archive.namelist())

    def has(self, member: str) -> bool:
        return member in self.names

    def xml(self, member: str) -> ElementTree.Element:
        if member not in self.names:
            raise KeyError(f"{member} is missing")
        return _parse(self.archive, member, self.name)

    def text(self, member: str) -> str:
        """A member as UTF-8 text, inflated a megabyte at a time up to MAX_XML_BYTES."""
        return b"".join(_inflated(self.archive, member, self.name)).decode("utf-8", errors="replace")

    def rels(self, member: str) -> dict[str, str]:
        """Relationship id -> archive path, for an OOXML part."""
        folder, base = posixpath.split(member)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.names:
            return {}
        out = {}
        for rel in self.xml(rels):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            out[rel.get("Id", "")] = path
        return out


def _space(text: str) -> str:
    return " ".join(text.split())


def table_rows(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines that read on their own: « En-tête : valeur ; … » under a header row.

    The first row is a header when it has two or more cells and none of them is a number; a
    table without one is written cell | cell.
    """
    rows = [[_space(c) for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    head = rows[0]
    filled = [c for c in head if c]
    is_header = len(filled) >= 2 and not any(_number(c) for c in filled) and len(rows) > 1
    lines = []
    if is_header:
        lines.append(" | ".join(filled))
        for r in rows[1:]:
            pairs = [f"{head[i]} : {c}" if i < len(head) and head[i] else c for i, c in enumerate(r) if c]
            lines.append(_sentence(" ; ".join(pairs)))
    else:
        lines.extend(_sentence(" | ".join(c for c in r if c)) for r in rows)
    return lines


def _number(s: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d\s.,%€$]+", s))


def _sentence(s: str) -> str:
    """A row ends as a sentence, so that the chunker keeps rows together and never takes one for a heading."""
    return s if not s or s[-1] in ".!?…" else s + "."


# -- Word ------------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(z: _Zip) -> list[Block]:
    styles = _docx_styles(z)
    body = z.xml("word/document.xml").find(f"{W}body")
    if body is None:
        raise ValueError("no document body")
    blocks: list[Block] = []
    _docx_walk(body, styles, blocks)
    return blocks


def _docx_styles(z: _Zip) -> dict[str, int]:
    """Style id -> heading level, or -1 for a list style. Ids are translated (« Titre1 » in French
    Word); names are not."""
    if not z.has("word/styles.xml"):
        return {}
    out = {}
    for style in z.xml("word/styles.xml").iter(f"{W}style"):
        sid = style.get(f"{W}styleId", "")
        name_el = style.find(f"{W}name")
        name = (name_el.get(f"{W}val", "") if name_el is not None else "").lower()
        m = re.fullmatch(r"heading (\d)", name)
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        if m:
            out[sid] = int(m.group(1))
        elif name == "title":
            out[sid] = 1
        elif outline is not None and (lvl := outline.get(f"{W}val", "9")).isdigit() and int(lvl) < 6:
            out[sid] = int(lvl) + 1
        elif style.find(f"{W}pPr/{W}numPr") is not None or name.startswith("list"):
            out[sid] = -1
    return out


def _docx_walk(parent: ElementTree.Element, styles: dict[str, int], blocks: list[Block]) -> None:
    for el in parent:
        if el.tag == f"{W}p":
            text = _docx_text(el)
            if not text:
                continue
            style = el.find(f"{W}pPr/{W}pStyle")
            level = styles.get(style.get(f"{W}val", ""), 0) if style is not None else 0
            outline = el.find(f"{W}pPr/{W}outlineLvl")
            if level <= 0 and outline is not None and (lvl := outline.get(f"{W}val", "9")) < "6":
                level = int(lvl) + 1
            if level < 0 or (not level and el.find(f"{W}pPr/{W}numPr") is not None):
                text, level = "- " + text, 0
            blocks.append(Block(text, level))
        elif el.tag == f"{W}tbl":
            rows = [[_space(" ".join(_docx_text(p) for p in tc.iter(f"{W}p"))) for tc in tr.findall(f"{W}tc")]
                    for tr in el.findall(f"{W}tr")]
            blocks.extend(Block(line) for line in table_rows(rows))
        elif el.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins"):
            _docx_walk(el, styles, blocks)


def _docx_text(p: ElementTree.Element) -> str:
    parts = []
    for el in p.iter():
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(" ")
        elif el.tag == f"{W}noBreakHyphen":
            parts.append("-")
    return _space("".join(parts))


# -- PowerPoint ------------------------------------------------------------------------------
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SKIPPED_PLACEHOLDERS = {"sldNum", "dt", "ftr", "hdr"}


def _pptx(z: _Zip) -> list[Block]:
    pres = "ppt/presentation.xml"
    rels = z.rels(pres)
    blocks: list[Block] = []
    ids = z.xml(pres).find(f"{P}sldIdLst")
    for n, sld in enumerate(ids if ids is not None else [], 1):
        slide = rels[sld.get(f"{R}id", "")]
        lines: list[Block] = []
        tree = z.xml(slide).find(f"{P}cSld/{P}spTree")
        if tree is not None:
            _pptx_shapes(tree, lines)
        said: list[Block] = []
        notes = next((p for p in z.rels(slide).values() if "notesSlide" in p), None)
        tree = z.xml(notes).find(f"{P}cSld/{P}spTree") if notes and z.has(notes) else None
        if tree is not None:
            _pptx_shapes(tree, said, notes=True)
        blocks.extend(_slide(n, lines, said))
    return blocks


def _slide(n: int, lines: list[Block], notes: list[Block]) -> list[Block]:
    """A slide's blocks: its first opens the part « diapositive n » (empty when the slide has no
    text, so that it is named as such), the speaker notes last."""
    if notes:
        lines = [*lines, Block("Notes : " + " ".join(b.text for b in notes))]
    first = lines[0] if lines else Block("")
    return [Block(first.text, first.level, part=f"diapositive {n}", number=n), *lines[1:]]


def _pptx_shapes(tree: ElementTree.Element, out: list[Block], *, notes: bool = False) -> None:
    for shape in tree:
        if shape.tag == f"{P}grpSp":
            _pptx_shapes(shape, out, notes=notes)
        elif shape.tag == f"{P}sp":
            ph = shape.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
            kind = ph.get("type", "body") if ph is not None else ""
            if kind in _SKIPPED_PLACEHOLDERS or (notes and kind == "sldImg"):
                continue
            level = 1 if kind in ("title", "ctrTitle") and not notes else 0
            body = shape.find(f"{P}txBody")
            for p in body.findall(f"{A}p") if body is not None else []:
                text = _space("".join(t.text or "" if t.tag == f"{A}t" else " "
                                      for t in p.iter() if t.tag in (f"{A}t", f"{A}br")))
                if text:
                    out.append(Block(text, level))
        elif shape.tag == f"{P}graphicFrame":
            for tbl in shape.iter(f"{A}tbl"):
                rows = [[_space(" ".join(t.text or "" for t in tc.iter(f"{A}t"))) for tc in tr.findall(f"{A}tc")]
                        for tr in tbl.findall(f"{A}tr")]
                out.extend(Block(line) for line in table_rows(rows))


# -- Excel -----------------------------------------------------------------------------------
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DATE_FORMATS = set(range(14, 23)) | set(range(45, 48))


def _xlsx(z: _Zip) -> list[Block]:
    book = "xl/workbook.xml"
    rels = z.rels(book)
    shared = []
    if z.has("xl/sharedStrings.xml"):
        for si in z.xml("xl/sharedStrings.xml").findall(f"{S}si"):
            shared.append("".join(t.text or "" for t in si.iter(f"{S}t") if not _in_phonetic(si, t)))
    dates = _xlsx_date_styles(z)
    blocks: list[Block] = []
    sheets = z.xml(book).find(f"{S}sheets")
    for n, sheet in enumerate(sheets if sheets is not None else [], 1):
        name = sheet.get("name", f"{n}")
        rows: list[list[str]] = []
        for row in z.xml(rels[sheet.get(f"{R}id", "")]).iter(f"{S}row"):
            cells: list[str] = []
            for c in row.findall(f"{S}c"):
                col = _column(c.get("r", "")) if c.get("r") else len(cells)
                if col >= MAX_CELLS:
                    break
                cells.extend([""] * (col - len(cells)))
                cells.append(_xlsx_value(c, shared, dates))
            rows.append(cells)
        blocks.extend(_sheet(name, n, rows))
    return blocks


def _in_phonetic(si: ElementTree.Element, t: ElementTree.Element) -> bool:
    return any(t in list(rph.iter()) for rph in si.findall(f"{S}rPh"))


def _xlsx_date_styles(z: _Zip) -> set[int]:
    """Indexes of the cell styles that show a date."""
    if not z.has("xl/styles.xml"):
        return set()
    root = z.xml("xl/styles.xml")
    custom = {int(f.get("numFmtId", "0")) for f in root.iter(f"{S}numFmt")
              if re.search(r"[dy]", re.sub(r'"[^"]*"|\[[^]]*]', "", f.get("formatCode", "")), re.I)}
    xfs = root.find(f"{S}cellXfs")
    return {i for i, xf in enumerate(xfs if xfs is not None else [])
            if int(xf.get("numFmtId", "0")) in _DATE_FORMATS | custom}


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def _xlsx_value(c: ElementTree.Element, shared: list[str], dates: set[int]) -> str:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{S}t"))
    v = c.find(f"{S}v")
    value = v.text or "" if v is not None else ""
    if kind == "s":
        return shared[int(value)] if value.isdigit() and int(value) < len(shared) else ""
    if kind == "b":
        return "vrai" if value == "1" else "faux"
    if kind == "n" and value:
        number = float(value)
        if int(c.get("s", "0")) in dates and 0 < number < 2958466:
            day = datetime(1899, 12, 30) + timedelta(days=number)
            return day.strftime("%d/%m/%Y" if day.hour == day.minute == 0 else "%d/%m/%Y %H:%M")
        return _plain_number(number)
    return value


def _plain_number(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _sheet(name: str, n: int, rows: list[list[str]]) -> list[Block]:
    lines = table_rows([r[:MAX_CELLS] for r in rows])
    if not lines:
        return []
    return [Block(f"Feuille {name}", 1, part=f"feuille {name}", number=n)] + [Block(x) for x in lines]


# -- OpenDocument (LibreOffice) --------------------------------------------------------------
OF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TB = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
D = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
PR = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"


def _odf_text(el: ElementTree.Element) -> str:
    """The text of an ODF paragraph: spaces, tabs and line breaks are elements of their own."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == f"{T}s":
            parts.append(" " * int(child.get(f"{T}c", "1")))
        elif child.tag in (f"{T}tab", f"{T}line-break"):
            parts.append(" ")
        elif child.tag in (f"{T}note", f"{OF}annotation", f"{T}bookmark-ref"):
            pass
        else:
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odf_body(z: _Zip, kind: str) -> ElementTree.Element:
    body = z.xml("content.xml").find(f"{OF}body/{OF}{kind}")
    if body is None:
        raise ValueError(f"no office:{kind} body (is the file of another kind?)")
    return body


def _odt(z: _Zip) -> list[Block]:
    blocks: list[Block] = []
    _odt_walk(_odf_body(z, "text"), blocks, list_depth=0)
    return blocks


def _odt_walk(parent: ElementTree.Element, blocks: list[Block], *, list_depth: int) -> None:
    for el in parent:
        if el.tag == f"{T}h":
            text = _space(_odf_text(el))
            if text:
                blocks.append(Block(text, min(int(el.get(f"{T}outline-level", "1") or 1), 6)))
        elif el.tag == f"{T}p":
            text = _space(_odf_text(el))
            if text:
                blocks.append(Block(("- " if list_depth else "") + text))
        elif el.tag in (f"{T}list", f"{T}list-item", f"{T}list-header"):
            _odt_walk(el, blocks, list_depth=list_depth + (el.tag == f"{T}list"))
        elif el.tag == f"{TB}table":
            blocks.extend(Block(line) for line in table_rows(_odf_rows(el)))
        elif el.tag in (f"{T}section", f"{TB}table-header-rows", f"{T}index-body"):
            _odt_walk(el, blocks, list_depth=list_depth)


def _odf_rows(table: ElementTree.Element, *, max_rows: int = 100_000) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.iter(f"{TB}table-row"):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (f"{TB}table-cell", f"{TB}covered-table-cell"):
                continue
            text = " ".join(_space(_odf_text(p)) for p in cell.iter(f"{T}p"))
            repeat = int(cell.get(f"{TB}number-columns-repeated", "1") or 1)
            cells.extend([text] * (min(repeat, MAX_CELLS - len(cells)) if text else min(repeat, MAX_CELLS)))
            if len(cells) >= MAX_CELLS:
                break
        if not any(cells):
            continue  # empty rows are often repeated a million times: never expanded
        repeat = int(row.get(f"{TB}number-rows-repeated", "1") or 1)
        rows.extend([cells] * min(repeat, max_rows - len(rows)))
        if len(rows) >= max_rows:
            break
    return rows


def _ods(z: _Zip) -> list[Block]:
    blocks: list[Block] = []
    for n, table in enumerate(_odf_body(z, "spreadsheet").findall(f"{TB}table"), 1):
        blocks.extend(_sheet(table.get(f"{TB}name", str(n)), n, _odf_rows(table)))
    return blocks


def _odp(z: _Zip) -> list[Block]:
    blocks: list[Block] = []
    for n, page in enumerate(_odf_body(z, "presentation").findall(f"{D}page"), 1):
        lines: list[Block] = []
        for frame in page.findall(f"{D}frame"):
            _odp_frame(frame, lines)
        said: list[Block] = []
        for frame in page.findall(f"{PR}notes/{D}frame"):
            _odp_frame(frame, said, notes=True)
        blocks.extend(_slide(n, lines, said))
    return blocks


def _odp_frame(frame: ElementTree.Element, out: list[Block], *, notes: bool = False) -> None:
    kind = frame.get(f"{PR}class", "")
    if kind in ("page-number", "date-time", "footer", "header", "page"):
        return
    level = 1 if kind == "title" and not notes else 0
    table = frame.find(f".//{TB}table")
    if table is not None:
        out.extend(Block(line) for line in table_rows(_odf_rows(table)))
        return
    for p in frame.iter():
        if p.tag in (f"{T}p", f"{T}h"):
            text = _space(_odf_text(p))
            if text:
                out.append(Block(text, level))


# -- EPUB ------------------------------------------------------------------------------------
def _epub(z: _Zip) -> list[Block]:
    container = z.xml("META-INF/container.xml")
    root = next((el.get("full-path", "") for el in container.iter() if el.tag.endswith("rootfile")), "")
    opf = z.xml(root)
    folder = posixpath.dirname(root)
    manifest = {item.get("id"): item.get("href", "") for item in opf.iter() if item.tag.endswith("}item")}
    blocks: list[Block] = []
    for ref in (el for el in opf.iter() if el.tag.endswith("}itemref")):
        href = manifest.get(ref.get("idref"))
        if not href:
            continue
        member = posixpath.normpath(posixpath.join(folder, unquote(href.split("#")[0])))
        if z.has(member):
            blocks.extend(html_blocks(z.text(member), body_only=True, name=z.name, member=member))
    return blocks


# -- RTF -------------------------------------------------------------------------------------
_RTF_TOKEN = re.compile(rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+",
                        re.DOTALL)
_RTF_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"header",
             b"footer", b"headerl", b"headerr", b"headerf", b"footerl", b"footerr", b"footerf",
             b"listtable", b"listoverridetable", b"themedata", b"colorschememapping", b"datastore",
             b"latentstyles", b"rsidtbl", b"xmlnstbl", b"generator", b"fldinst", b"footnote",
             b"field_inst", b"bkmkstart", b"bkmkend", b"revtbl", b"pgdsctbl", b"filetbl"}


def rtf_blocks(raw: bytes, name: str) -> list[Block]:
    """The paragraphs of an RTF file, with the heading levels its paragraphs declare."""
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise IngestError(f"{name}: not an RTF file (it does not start with {{\\rtf). "
                          "Open it and save it as RTF again.")
    codec = "cp1252"
    m = re.search(rb"\\ansicpg(\d+)", raw[:2000])
    if m and m.group(1) != b"0":
        codec = f"cp{int(m.group(1))}"
        try:
            "".encode(codec)
        except LookupError:
            codec = "cp1252"
    blocks: list[Block] = []
    line: list[str] = []
    pending = bytearray()  # \'hh bytes, decoded together (multi-byte code pages)
    stack: list[tuple[bool, int]] = []
    skip, uc, to_skip, level, in_table = False, 1, 0, 0, False
    cells: list[str] = []
    rows: list[list[str]] = []

    def flush_bytes() -> None:
        if pending:
            line.append(pending.decode(codec, errors="replace"))
            pending.clear()

    def flush_table() -> None:
        blocks.extend(Block(x) for x in table_rows(rows))
        rows.clear()

    def end_paragraph() -> None:
        flush_bytes()
        if in_table:  # a paragraph inside a cell: the cell goes on
            line.append(" ")
            return
        text = _space("".join(line))
        line.clear()
        if text:
            flush_table()
            blocks.append(Block(text, level))

    for m in _RTF_TOKEN.finditer(raw):
        word, arg, hexa, symbol, brace, text = m.groups()
        if brace == b"{":
            flush_bytes()
            stack.append((skip, uc))
            continue
        if brace == b"}":
            flush_bytes()
            skip, uc = stack.pop() if stack else (False, 1)
            continue
        if skip:
            continue
        if to_skip and (text or hexa):
            if text and len(text) > to_skip:
                text, to_skip = text[to_skip:], 0
            else:
                to_skip -= len(text) if text else 1
                continue
        if hexa:
            pending.append(int(hexa, 16))
            continue
        flush_bytes()
        if word:
            if word in _RTF_SKIP:
                skip = True
            elif word in (b"par", b"sect", b"page"):
                end_paragraph()
            elif word == b"intbl":
                in_table = True
            elif word == b"cell":
                flush_bytes()
                cells.append(_space("".join(line)))
                line.clear()
            elif word == b"row":
                rows.append(cells[:])
                cells.clear()
                in_table = False
            elif word == b"pard":
                level, in_table = 0, False
            elif word == b"outlinelevel" and arg is not None and int(arg) < 6:
                level = int(arg) + 1
            elif word in (b"line", b"tab"):
                line.append(" ")
            elif word == b"uc" and arg is not None:
                uc = int(arg)
            elif word == b"u" and arg is not None:
                line.append(chr(int(arg) % 65536))
                to_skip = uc
            elif word in (b"emdash", b"endash"):
                line.append("—" if word == b"emdash" else "–")
            elif word in (b"lquote", b"rquote"):
                line.append("’")
            elif word in (b"ldblquote", b"rdblquote"):
                line.append("\"")
            elif word == b"bullet":
                line.append("•")
        elif symbol:
            if symbol == b"*":
                skip = True
            elif symbol in (b"\\", b"{", b"}"):
                line.append(symbol.decode())
            elif symbol == b"~":
                line.append("\u00a0")
            elif symbol in (b"\n", b"\r"):
                end_paragraph()
            elif symbol == b"_":
                line.append("-")
        elif text:
            line.append(text.decode(codec, errors="replace"))
    in_table = False
    end_paragraph()
    flush_table()
    return blocks


# -- HTML (pages, and EPUB chapters; bs4) ---------------------------------------------------
_BLOCKS = frozenset("p li h1 h2 h3 h4 h5 h6 td th pre blockquote div section article main aside dd dt "
                    "figcaption caption address body tr table ul ol form".split())


_TAG = re.compile(r"<[A-Za-z]")


def html_blocks(html: str, *, body_only: bool = False, name: str = "the page", member: str = "") -> list[Block]:
    """One block per block of the page (paragraph, list item, cell, plain <div>…), in order.

    Text is grouped by its nearest block-level ancestor, so text that sits directly in a <div>
    is kept as well as the paragraphs around it, and inline tags (<b>, <a>) do not split lines.
    <h1>…<h6> give headings their level; a table is written row by row, each value after its
    column's header (see `formats.table_rows`).
    """
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction

    tags = sum(1 for _ in _TAG.finditer(html))  # counted before the tree is built (about 1 KiB a tag)
    if tags > MAX_HTML_TAGS:
        where = f"{member} " if member else ""
        raise IngestError(f"{name}: {where}holds {_spaced(tags)} HTML tags, more than the {_spaced(MAX_HTML_TAGS)} "
                          "read in one page (a page made to exhaust memory?); not read.")
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "template",
                     *(["head"] if body_only else [])]):
        tag.decompose()
    for table in reversed(soup.find_all("table")):  # innermost first
        if table.find("table"):
            continue
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])] for tr in table.find_all("tr")]
        lines = soup.new_tag("div")
        for text in table_rows(rows):
            p = soup.new_tag("p")
            p.string = text
            lines.append(p)
        table.replace_with(lines)
    blocks: list[Block] = []
    words: list[str] = []
    current = None

    def close() -> None:
        name = current.name if current is not None else ""
        level = int(name[1]) if len(name) == 2 and name[0] == "h" and name[1] in "123456" else 0
        blocks.append(Block(" ".join(words), level))

    for s in soup.find_all(string=True):
        if isinstance(s, (Comment, Doctype, Declaration, ProcessingInstruction)) or not s.strip():
            continue
        block = next((a for a in s.parents if a.name in _BLOCKS), None)
        if block is not current and words:
            close()
            words = []
        current = block
        text = " ".join(s.split())
        if words and text[0] in ",.;:!?)»" and not s[0].isspace():
            words[-1] += text  # "<b>Falcon</b>, le modèle" keeps its comma in place
        else:
            words.append(text)
    if words:
        close()
    return blocks
