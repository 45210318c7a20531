"""The original at the cited place: a PDF page drawn as an image, the cited sentence marked on it.

The passage knows the page it opens on; the sentence may sit on the next one, so the pages from
there on are searched for it (pdfium's own text of each page, compared with spaces, line breaks
and hyphens at line ends ignored) and the page that holds it is the one drawn and named. A page
is drawn by pdfium (pypdfium2, no network) at PREVIEW_DPI and kept as a PNG in a cache folder,
named by the file's path, size and time of change, the page and the sentence: a second look costs
a file read. A scan has no text layer to search: Tesseract reads its words with their places
(seconds, once: the page is cached), and the sentence's are marked; without Tesseract, or when
the words read differ, the page is drawn unmarked and says so.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbot.text import fold

PREVIEW_DPI = 110
OCR_DPI = 300  # a scan's words are read at the resolution it was indexed at (ocr.DPI)
REACH = 2  # pages after the passage's first that may hold the sentence (a passage spans at most a few)
MARK = (250, 204, 21, 110)  # the highlighter's yellow, see-through
_KEY_CHARS = 80  # of the sentence, the start that is looked for (a long sentence may cross a page)


@dataclass(frozen=True)
class Shown:
    """A page drawn: the PNG, its number (from 1), and whether the sentence is marked on it."""

    png: bytes
    page: int
    marked: bool


def _squeezed(text: str) -> tuple[str, list[int]]:
    """Text folded to compare (lower case, no accents, no spaces, no hyphen at a line's end), with
    the index in `text` of each character kept."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        if c.isspace() or c in "\u00ad\ufffe\x02":
            continue
        if c in "-‐" and text[i + 1: i + 2].isspace():  # « déve-\nloppement »
            continue
        for f in fold(c.lower().replace("’", "'")):
            out.append(f)
            where.append(i)
    return "".join(out), where


def _span(page_text: str, sentence: str) -> tuple[int, int] | None:
    """(first, count) of the sentence's start in the page's characters, or None."""
    hay, where = _squeezed(page_text)
    for key in (sentence, sentence[:_KEY_CHARS], " ".join(sentence.split()[:6])):
        needle, _ = _squeezed(key)
        if len(needle) < 8:
            continue
        at = hay.find(needle)
        if at >= 0:
            first, last = where[at], where[at + len(needle) - 1]
            return first, last - first + 1
    return None


def _cache_key(path: Path, page: int, sentence: str) -> str:
    st = path.stat()
    raw = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{page}|{sentence}|{PREVIEW_DPI}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def pdf_page(path: Path, page: int, sentence: str, cache: Path | None = None) -> Shown:
    """The page of `path` that holds `sentence`, from `page` (from 1) up to REACH pages after it,
    drawn with the sentence marked; `page` unmarked when none of them holds it."""
    key = _cache_key(path, page, sentence) if cache is not None else ""
    if cache is not None:
        for hit in cache.glob(f"{key}-*.png"):
            _, at, marked = hit.stem.split("-")
            return Shown(hit.read_bytes(), int(at), marked == "1")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        found = None
        scans = []  # the pages searched that have no text layer
        for number in range(max(page, 1), min(max(page, 1) + REACH, len(pdf)) + 1):
            text_page = pdf[number - 1].get_textpage()
            span = _span(text_page.get_text_range(), sentence) if sentence else None
            if span is not None:
                found = number, text_page, span
                break
            if text_page.count_chars() == 0:
                scans.append(number)
            text_page.close()
        scale = PREVIEW_DPI / 72
        boxes: list[tuple[float, float, float, float]] = []  # in the drawn image's pixels
        if found:
            number, text_page, (first, count) = found
            height = pdf[number - 1].get_height()
            for i in range(text_page.count_rects(first, count)):
                left, bottom, right, top = text_page.get_rect(i)
                boxes.append((left * scale, (height - top) * scale, right * scale, (height - bottom) * scale))
            text_page.close()
        else:  # a scan: its words where Tesseract reads them
            number, boxes = _scanned(pdf, scans, sentence)
            number = number or min(max(page, 1), len(pdf))
        image = pdf[number - 1].render(scale=scale).to_pil().convert("RGBA")
        if boxes:
            from PIL import Image, ImageDraw

            layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(layer)
            for left, top, right, bottom in boxes:
                draw.rectangle([left - 2, top - 2, right + 2, bottom + 2], fill=MARK)
            image = Image.alpha_composite(image, layer)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=False)
    finally:
        pdf.close()
    shown = Shown(out.getvalue(), number, bool(boxes))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"{key}.tmp"
        tmp.write_bytes(shown.png)
        tmp.replace(cache / f"{key}-{number}-{int(shown.marked)}.png")
    return shown


def _scanned(pdf: Any, scans: list[int], sentence: str) -> tuple[int, list[tuple[float, float, float, float]]]:
    """(page, boxes) of the sentence on the first of the scanned `scans` (pages without a text
    layer) that holds it (the words Tesseract reads at OCR_DPI, as when the page was indexed,
    matched word for word, the first six enough), one box a line; (0, []) when none does or
    Tesseract is missing."""
    from chatbot import ocr

    wanted = [w for w in (_squeezed(w)[0] for w in sentence.split()) if w]
    if not scans or not wanted or not ocr.languages():
        return 0, []
    key = wanted[:6]
    for number in scans:
        buf = io.BytesIO()
        pdf[number - 1].render(scale=OCR_DPI / 72).to_pil().convert("L").save(buf, format="PNG")
        words = ocr.words_at(buf.getvalue())
        said = [_squeezed(w)[0] for w, _, _ in words]
        for at in range(len(said) - len(key) + 1):
            if said[at: at + len(key)] == key:
                lines: dict[tuple[int, int, int], list[float]] = {}
                for _, (left, top, right, bottom), line in words[at: at + len(wanted)]:
                    box = lines.setdefault(line, [left, top, right, bottom])
                    box[:] = [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
                k = PREVIEW_DPI / OCR_DPI
                return number, [(a * k, b * k, c * k, d * k) for a, b, c, d in lines.values()]
    return 0, []

