"""Read documents and split them into passages on sentence boundaries.

Text (.txt, .md), web pages (.html), PDF, office files and e-books (see `formats`) and images or
scanned pages (see `ocr`) are read into one text per document, with where each page, slide or
sheet starts in it and where its headings are, so that every passage knows its page and its
heading path.

Paragraphs repeated word for word inside a document (seed 003 does this) are kept once, so
identical passages never crowd the prompt. Passage IDs are content hashes: re-ingesting an
unchanged file produces the same IDs.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.domain import Passage
from chatbot.errors import IngestError
from chatbot.formats import Block, html_blocks
from chatbot.text import normalize, sentence_spans

if TYPE_CHECKING:
    from pypdf import PageObject

log = logging.getLogger(__name__)

TEXT = (".txt", ".md", ".html", ".htm")
OFFICE = (".docx", ".odt", ".rtf", ".pptx", ".odp", ".xlsx", ".ods", ".epub")
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUFFIXES = (*TEXT, ".pdf", *OFFICE, *IMAGES)
MIN_PAGE_CHARS = 10  # a PDF page with less text than this is taken for a scan and read by OCR
MAX_FILE_BYTES = 50 * 1024 * 1024
CHUNKER = 5  # bump when chunking (or what is stored per passage) changes: indexes are rebuilt document by document
# 5: each passage stores its sentences' vectors


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    title: str
    encoding: str = ""  # how a text file was decoded, when it was not UTF-8
    # (offset in `text`, number, label) where each page, slide or sheet starts: « p. 12 »
    marks: tuple[tuple[int, int, str], ...] = ()
    headings: tuple[tuple[int, int, str], ...] = ()  # (offset, level 1-6, text)
    ocr_pages: tuple[int, ...] = ()  # pages (from 1) read by OCR
    empty_pages: tuple[int, ...] = ()  # pages, slides or sheets with no text at all
    garbled: int = 0  # parts (chapters, pages, blocks) left out: bytes read as characters, not text
    structured: bool = False  # headings come from the file's markup, not from guessing

    @property
    def pages(self) -> tuple[int, ...]:
        """Where each page starts (PDF and scans)."""
        return tuple(off for off, _, label in self.marks if label.startswith("p. "))


def find_files(paths: Iterable[Path], skipped: list[tuple[str, str]] | None = None) -> list[tuple[Path, str]]:
    """(file, name) for each supported file under the given files and folders, sorted. Links to
    folders are followed, each real folder once; a link that leads back into a folder being read
    (a loop) and a link to nothing are told in `skipped` as (name, why)."""
    found: list[tuple[Path, str]] = []
    for root in paths:
        if not root.exists():
            raise IngestError(f"{root}: no such file or folder.")
        if root.is_file():
            found.append((root, shown(root.name)))
            continue
        seen, under = {os.path.realpath(root)}, []

        def named(p: Path, top: Path = root) -> str:
            return shown(p.relative_to(top).as_posix())

        for folder, dirs, files in os.walk(root, followlinks=True):
            here = Path(folder)
            for d in sorted(dirs):
                real = os.path.realpath(here / d)
                if real in seen:  # a loop, or a folder reached by another way already
                    dirs.remove(d)
                    if skipped is not None and (here / d).is_symlink():
                        skipped.append((named(here / d), "a link back to a folder read already: not followed"))
                else:
                    seen.add(real)
            dirs.sort()
            for name in files:
                f = here / name
                if f.suffix.lower() not in SUFFIXES or name.startswith("."):
                    continue
                if f.is_file():
                    under.append(f)
                elif skipped is not None and f.is_symlink():
                    skipped.append((named(f), f"a link to nothing ({os.readlink(f)}): not read"))
        found += [(f, named(f)) for f in sorted(under)]
    return found


def shown(name: str) -> str:
    """A file's name as the index stores and shows it: a name whose bytes are not UTF-8 (latin-1
    from an old archive) has each such byte as U+FFFD, instead of failing every use of it."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_document(path: Path, name: str | None = None) -> Document:
    """Extract the text of one file; a clear IngestError for anything unreadable."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(
            f"{name}: unsupported file type '{suffix or 'none'}'. Supported: {', '.join(SUFFIXES)}."
        )
    too_big = IngestError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB; split it first.")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise too_big  # not read at all
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{name}: cannot be read ({e.strerror}).") from e
    if len(raw) > MAX_FILE_BYTES:  # grew while it was read
        raise too_big
    if suffix == ".pdf":
        blocks, ocr_pages, empty = _pdf_blocks(raw, name)
        return _document(name, blocks, path, ocr_pages=ocr_pages, empty=empty)
    if suffix in IMAGES:
        from chatbot.ocr import image_text

        pages = image_text(raw, name)
        blocks = [Block(t, part=f"p. {i}", number=i) for i, t in enumerate(pages, 1)]
        if len(pages) == 1:
            blocks = [Block(pages[0])]
        return _document(name, blocks, path, ocr_pages=tuple(range(1, len(pages) + 1)))
    if suffix in OFFICE:
        from chatbot.formats import read

        blocks = read(raw, name, suffix)
        empty = tuple(b.number for b in blocks if b.part and not b.text.strip())
        return _document(name, blocks, path, empty=empty, structured=True)
    text, encoding = decode(raw, name, suffix)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in (".html", ".htm"):
        blocks = html_blocks(text, name=name)
    elif suffix == ".md":
        blocks = [Block(line, len(m.group(1)) if (m := _MD_HEADING.match(line)) else 0)
                  for line in text.split("\n")]
    else:
        blocks = [Block(text)]
    return _document(name, blocks, path, encoding=encoding)


_MD_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+\S")


def _document(name: str, blocks: list[Block], path: Path, *, encoding: str = "",
              ocr_pages: tuple[int, ...] = (), empty: tuple[int, ...] = (),
              structured: bool = False) -> Document:
    """One text from the blocks, with where each part and heading starts in it."""
    lines: list[str] = []
    marks: list[tuple[int, int, str]] = []
    headings: list[tuple[int, int, str]] = []
    at = 0
    garbled = 0
    for b in blocks:
        text = _clean(b.text)
        if _garbled(text):  # a damaged part (random bytes read as text): not indexed as passages
            text, garbled = "", garbled + 1
        if b.part:
            marks.append((at, b.number, b.part))
        if b.level and text.strip():
            headings.append((at, b.level, text.strip().lstrip("#").strip()))
        lines.append(text)
        at += len(text) + 1
    text = "\n".join(lines)
    if not text.strip():
        what = ("an image in which OCR found no text" if path.suffix.lower() in IMAGES else
                "no text layer on any page, and OCR read nothing" if ocr_pages else
                "no readable text: what it holds reads as replacement characters and symbols (a damaged "
                "file?)" if garbled else "no text to index")
        raise IngestError(f"{name}: holds {what}.")
    title = headings[0][2] if structured and headings and headings[0][0] == 0 else _title(text, path)
    return Document(name=name, text=text, title=title, encoding=encoding, marks=tuple(marks),
                    headings=tuple(headings), ocr_pages=ocr_pages, empty_pages=empty,
                    garbled=garbled, structured=structured)


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(raw: bytes, name: str, suffix: str) -> tuple[str, str]:
    """The text of a text file and, when it was not UTF-8, the encoding it was read with.

    Windows and older Mac or Linux editors save French text as cp1252 or latin-1, and Windows's
    Notepad as UTF-16, often without a byte-order mark. UTF-8 is tried first (it rarely decodes
    anything else by accident); a byte-order mark, or zero bytes at every other position, says
    UTF-16; anything else goes to charset-normalizer, whose guess is reported. A file it cannot
    read as text is refused as binary.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as e:
                raise IngestError(f"{name}: starts as {codec.upper()} text but is not ({e.reason}).") from e
            return text, "" if codec == "utf-8-sig" else codec.upper()
    head = raw[:8192]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        codec = ("utf-16-le" if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even) else
                 "utf-16-be" if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd) else "")
        try:
            if codec:
                return raw.decode(codec), codec.upper()
        except UnicodeDecodeError:
            pass
        raise IngestError(f"{name}: looks like a binary file, not {suffix} text.")
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few damaged bytes (a truncated copy, a bad sector): its accents are multi-byte
    # sequences that decode; a cp1252 or latin-1 file's accents are single bytes that do not
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    if good >= 10 * bad:
        return text, f"UTF-8 ({bad} × \ufffd)"
    from charset_normalizer import from_bytes

    # Western encodings only: on short French text the detector otherwise often prefers cp1250
    # (Central European), which reads "modèle" as "modčle". cp1252 wins whenever it fits.
    matches = from_bytes(raw, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"])
    best = next((m for m in matches if m.encoding == "cp1252"), None) or matches.best()
    if best is None or not str(best).strip():
        raise IngestError(f"{name}: not text in any encoding recognised (UTF-8, UTF-16, cp1252, "
                          "latin-1, Mac Roman). Save it as UTF-8 and try again.")
    return str(best), best.encoding.replace("_", "-").upper()


def _pdf_blocks(raw: bytes, name: str) -> tuple[list[Block], tuple[int, ...], tuple[int, ...]]:
    """One block per page; pages without a text layer are read by OCR when Tesseract is there.

    Returns the blocks, the pages read by OCR and the pages that gave no text (from 1).
    """
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from chatbot import ocr

    try:
        with _named_warnings("pypdf", name):
            reader = PdfReader(io.BytesIO(raw))
            if reader.is_encrypted and not _opens_without_password(reader):
                raise IngestError(f"{name}: the PDF is protected by a password. Open it with its password, "
                                  "save a copy without protection (print it to PDF), and add that copy.")
            texts = [page.extract_text() or "" for page in reader.pages]
            scans = [i for i, t in enumerate(texts) if len(t.strip()) < MIN_PAGE_CHARS]
            for i in scans:  # pypdf gives no text for a stream past its limit: said, not read by OCR
                _within_limits(reader.pages[i], i + 1, name)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise IngestError(f"{name}: not a readable PDF ({e}).") from e
    read_by_ocr: list[int] = []
    if scans and ocr.languages():
        for i, t in ocr.pdf_pages_text(raw, scans, name).items():
            if t.strip() and len(t.strip()) >= len(texts[i].strip()):
                texts[i] = t
                read_by_ocr.append(i + 1)
    elif scans and len(scans) == len(texts):
        raise IngestError(f"{name}: no page has a text layer (a scan?) and OCR is not available; "
                          f"{ocr.INSTALL}.")
    blocks = [Block(t, part=f"p. {i}", number=i) for i, t in enumerate(texts, 1)]
    empty = tuple(i for i, t in enumerate(texts, 1) if not t.strip())
    return blocks, tuple(read_by_ocr), empty


def _within_limits(page: PageObject, number: int, name: str) -> None:
    """Refuse a page whose content inflates past pypdf's limit (a stream made to exhaust memory)."""
    from pypdf import filters
    from pypdf.errors import LimitReachedError

    try:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    except LimitReachedError as e:
        raise IngestError(f"{name}: page {number} inflates past {filters.ZLIB_MAX_OUTPUT_LENGTH // 2**20} MiB "
                          "once decompressed (a file made to exhaust memory?); not read.") from e


class _Named(logging.Handler):
    """Hands a library's warnings on as this module's, each with the file it was reading."""

    def __init__(self, name: str) -> None:
        super().__init__(logging.WARNING)
        self.file = name

    def emit(self, record: logging.LogRecord) -> None:
        log.warning("%s: %s", self.file, record.getMessage())


@contextmanager
def _named_warnings(library: str, name: str) -> Iterator[None]:
    """While a file is read, a library's warnings (pypdf's « Ignoring wrong pointing object … »)
    are said with the file's name instead of alone."""
    logger = logging.getLogger(library)
    handler, propagate = _Named(name), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _opens_without_password(reader: Any) -> bool:
    """Whether an encrypted PDF opens with the empty password (many are only "protected" so)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - a cipher pypdf cannot use here is a PDF that does not open
        return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


GARBLED = 0.2  # a text this much unreadable (of its non-space characters) is damaged, not prose


def _garbled(text: str) -> bool:
    """Whether a text is bytes read as characters: U+FFFD, private-use or unassigned code points
    for a fifth or more of it (a French text has none; a few bad bytes in a good file stay)."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < 40:
        return False
    bad = sum(c == "\ufffd" or unicodedata.category(c) in ("Co", "Cn", "Cs") for c in chars)
    return bad >= GARBLED * len(chars)


def _clean(text: str) -> str:
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in text.split("\n"))


def _title(text: str, path: Path) -> str:
    """The document's first line when it reads as a title; else none (file names are often noise)."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    first = first.lstrip("# ").strip()
    if 0 < len(first) <= 120 and not first.endswith("."):
        return first
    return ""


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) for each non-empty line block, each distinct paragraph once."""
    seen: set[str] = set()
    offset = 0
    for line in text.split("\n"):
        key = normalize(line)
        if key and key not in seen:
            seen.add(key)
            yield offset, line
        offset += len(line) + 1


def chunk(doc: Document, *, size: int, overlap: int) -> list[Passage]:
    """Pack whole sentences into passages of about `size` characters.

    `overlap` sentences of a passage are repeated at the start of the next one, so a fact that
    straddles a boundary is whole in one of them. A heading (a short line with no final
    punctuation) always opens a passage: it belongs with the text that follows it.
    """
    sentences: list[tuple[int, int]] = []  # absolute spans
    headings: set[int] = set()  # indices into sentences
    starts = [off for off, _, _ in doc.marks]  # where each page, slide or sheet starts
    marked = {off for off, _, _ in doc.headings} | {off for off, _, _ in doc.marks}
    for off, para in paragraphs(doc.text):
        if (off in marked if doc.structured else len(para) < 100 and para[-1] not in ".!?…:;,»\")"):
            headings.add(len(sentences))
        for s, e in sentence_spans(para):
            sentences.extend(_split_long(off + s, off + e, doc.text, size))
    passages: list[Passage] = []
    seen: set[str] = set()  # a text met again (a repeated footer, one line repeated for megabytes)
    position = 0            # is not a passage again: embedded, stored and searched once
    i = 0
    while i < len(sentences):
        j = i
        length = 0
        while j < len(sentences) and (
            j == i or (length + _len(sentences[j]) <= size and not _opens(j, headings))
        ):
            length += _len(sentences[j]) + 1
            j += 1
        text = " ".join(doc.text[s:e] for s, e in sentences[i:j])
        if text not in seen:
            seen.add(text)
            passages.append(_passage(doc, position, text, sentences[i:j], starts))
        position += 1
        if j >= len(sentences):
            break
        i = j if _opens(j, headings) else max(j - overlap, i + 1)
    return passages


def _opens(j: int, headings: set[int]) -> bool:
    """A heading opens a passage, unless it follows another heading (a table of contents)."""
    return j in headings and j - 1 not in headings


def _len(span: tuple[int, int]) -> int:
    return span[1] - span[0]


def _split_long(start: int, end: int, text: str, size: int) -> list[tuple[int, int]]:
    """A sentence longer than a passage is cut at word boundaries."""
    out: list[tuple[int, int]] = []
    while end - start > size:
        cut = text.rfind(" ", start, start + size)
        cut = cut if cut > start else start + size
        out.append((start, cut))
        start = cut + 1
    out.append((start, end))
    return out


def _passage(doc: Document, position: int, text: str, spans: list[tuple[int, int]],
             starts: list[int]) -> Passage:
    """A passage of these sentences (`spans` in the document, joined by a space in `text`)."""
    start, end = spans[0][0], spans[-1][1]
    digest = hashlib.sha256(f"{doc.name}\0{position}\0{text}".encode()).hexdigest()[:20]
    k = bisect.bisect_right(starts, start) - 1  # the part it opens in
    _, number, label = doc.marks[k] if k >= 0 else (0, 0, "")
    last = bisect.bisect_right(starts, max(start, end - 1)) - 1
    if label.startswith("p. ") and last > k:
        label = f"pp. {number}–{doc.marks[last][1]}"  # a passage that runs over a page break
    turns = []
    for at, _, turn in doc.marks[k + 1: last + 1]:  # each later part, from its first sentence here
        offset = 0
        for s, e in spans:
            if s >= at:
                turns.append((offset, turn))
                break
            offset += e - s + 1
    return Passage(
        id=digest, doc=doc.name, text=text, position=position, start=start, end=end, title=doc.title,
        page=number if label.startswith("p") else 0, part=label, section=section(doc, end), turns=tuple(turns),
    )


def section(doc: Document, at: int) -> str:
    """The heading path at an offset: « Licences › Apache 2.0 »."""
    path: list[tuple[int, str]] = []
    for off, level, text in doc.headings:
        if off > at:
            break
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, text))
    return " › ".join(text for _, text in path)


def fingerprint(doc: Document, *, size: int, overlap: int) -> str:
    """What decides a document's passages: its text and the chunking parameters."""
    paged = f"pages{len(doc.pages)}" if doc.pages else ""  # PDFs indexed before pages were kept are redone
    # documents indexed before heading paths and slides were kept are redone once
    parts = f"h{len(doc.headings)}m{len(doc.marks)}" if doc.headings or doc.marks else ""
    return hashlib.sha256(f"{CHUNKER}:{size}:{overlap}{paged}{parts}\0{doc.text}".encode()).hexdigest()
