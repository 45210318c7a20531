"""Read documents (.txt, .md, .pdf, .html) and split them into passages on sentence boundaries.

Paragraphs repeated word for word inside a document (seed 003 does this) are kept once, so
identical passages never crowd the prompt. Passage IDs are content hashes: re-ingesting an
unchanged file produces the same IDs.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chatbot.domain import Passage
from chatbot.errors import IngestError
from chatbot.text import normalize, sentence_spans

SUFFIXES = (".txt", ".md", ".pdf", ".html", ".htm")
MAX_FILE_BYTES = 50 * 1024 * 1024
CHUNKER = 4  # bump when chunking changes, so existing indexes are rebuilt document by document


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    title: str
    encoding: str = ""  # how a text file was decoded, when it was not UTF-8
    pages: tuple[int, ...] = ()  # where each page starts in `text` (PDF), for « p. 12 » in citations


def find_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, name) for each supported file under the given files and folders, sorted."""
    found: list[tuple[Path, str]] = []
    for root in paths:
        if not root.exists():
            raise IngestError(f"{root}: no such file or folder.")
        if root.is_file():
            found.append((root, root.name))
            continue
        for f in sorted(root.rglob("*")):
            if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                found.append((f, f.relative_to(root).as_posix()))
    return found


def read_document(path: Path, name: str | None = None) -> Document:
    """Extract the text of one file; a clear IngestError for anything unreadable."""
    name = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise IngestError(
            f"{name}: unsupported file type '{suffix or 'none'}'. Supported: {', '.join(SUFFIXES)}."
        )
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{name}: cannot be read ({e.strerror}).") from e
    if len(raw) > MAX_FILE_BYTES:
        raise IngestError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MiB; split it first.")
    encoding = ""
    pages: tuple[int, ...] = ()
    if suffix == ".pdf":
        text, pages = _pdf_text(raw, name)
    else:
        text, encoding = decode(raw, name, suffix)
        if suffix in (".html", ".htm"):
            text = _html_text(text)
    text = _clean(text)
    if not text.strip():
        raise IngestError(f"{name}: holds no text to index.")
    title = _title(text, path)
    return Document(name=name, text=text, title=title, encoding=encoding, pages=pages)


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
    from charset_normalizer import from_bytes

    # Western encodings only: on short French text the detector otherwise often prefers cp1250
    # (Central European), which reads "modèle" as "modčle". cp1252 wins whenever it fits.
    matches = from_bytes(raw, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"])
    best = next((m for m in matches if m.encoding == "cp1252"), None) or matches.best()
    if best is None or not str(best).strip():
        raise IngestError(f"{name}: not text in any encoding recognised (UTF-8, UTF-16, cp1252, "
                          "latin-1, Mac Roman). Save it as UTF-8 and try again.")
    return str(best), best.encoding.replace("_", "-").upper()


def _pdf_text(raw: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    """The text of every page, one after the other, and where each page starts in it."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise IngestError(f"{name}: not a readable PDF ({e}).") from e
    pages = [_clean(p) for p in pages]  # cleaned here, so that the offsets hold in the final text
    starts, at = [], 0
    for p in pages:
        starts.append(at)
        at += len(p) + 1
    return "\n".join(pages), tuple(starts)


_BLOCKS = frozenset("p li h1 h2 h3 h4 h5 h6 td th pre blockquote div section article main aside dd dt "
                    "figcaption caption address body tr table ul ol form".split())


def _html_text(html: str) -> str:
    """One line per block of the page (paragraph, list item, cell, plain <div>…), in order.

    Text is grouped by its nearest block-level ancestor, so text that sits directly in a <div>
    is kept as well as the paragraphs around it, and inline tags (<b>, <a>) do not split lines.
    """
    from bs4 import BeautifulSoup, Comment, Doctype

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "template"]):
        tag.decompose()
    lines: list[str] = []
    words: list[str] = []
    current = None
    for s in soup.find_all(string=True):
        if isinstance(s, (Comment, Doctype)) or not s.strip():
            continue
        block = next((a for a in s.parents if a.name in _BLOCKS), None)
        if block is not current and words:
            lines.append(" ".join(words))
            words = []
        current = block
        text = " ".join(s.split())
        if words and text[0] in ",.;:!?)»" and not s[0].isspace():
            words[-1] += text  # "<b>Falcon</b>, le modèle" keeps its comma in place
        else:
            words.append(text)
    if words:
        lines.append(" ".join(words))
    return "\n".join(lines)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    for off, para in paragraphs(doc.text):
        if len(para) < 100 and para[-1] not in ".!?…:;,»\")":
            headings.add(len(sentences))
        for s, e in sentence_spans(para):
            sentences.extend(_split_long(off + s, off + e, doc.text, size))
    passages: list[Passage] = []
    i = 0
    while i < len(sentences):
        j = i
        length = 0
        while j < len(sentences) and (
            j == i or (length + _len(sentences[j]) <= size and not _opens(j, headings))
        ):
            length += _len(sentences[j]) + 1
            j += 1
        start, end = sentences[i][0], sentences[j - 1][1]
        text = " ".join(doc.text[s:e] for s, e in sentences[i:j])
        passages.append(_passage(doc, len(passages), text, start, end))
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


def _passage(doc: Document, position: int, text: str, start: int, end: int) -> Passage:
    digest = hashlib.sha256(f"{doc.name}\0{position}\0{text}".encode()).hexdigest()[:20]
    page = bisect.bisect_right(doc.pages, start) if doc.pages else 0  # the page the passage opens on
    return Passage(
        id=digest, doc=doc.name, text=text, position=position, start=start, end=end, title=doc.title,
        page=page,
    )


def fingerprint(doc: Document, *, size: int, overlap: int) -> str:
    """What decides a document's passages: its text and the chunking parameters."""
    paged = f"pages{len(doc.pages)}" if doc.pages else ""  # PDFs indexed before pages were kept are redone
    return hashlib.sha256(f"{CHUNKER}:{size}:{overlap}{paged}\0{doc.text}".encode()).hexdigest()
