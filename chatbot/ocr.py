"""Text out of scans: Tesseract (French and English) on images and on PDF pages without text.

Tesseract is a program of the system (Debian: `tesseract-ocr`, `tesseract-ocr-fra`,
`tesseract-ocr-eng`; `make ocr` installs them), run as a subprocess: no Python binding, nothing
from the network. PDF pages are rendered at 300 DPI by pdfium (pypdfium2) — the resolution
Tesseract's accuracy is documented for — and only the pages that hold no text layer are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache

from chatbot.errors import IngestError

DPI = 300
PAGE_TIMEOUT_S = 120
INSTALL = ("install Tesseract with French: `make ocr`, or `sudo apt install tesseract-ocr "
           "tesseract-ocr-fra tesseract-ocr-eng`")


@lru_cache(maxsize=1)
def languages() -> str:
    """The Tesseract languages to read with ("fra+eng"), or "" when Tesseract cannot read French."""
    exe = shutil.which("tesseract")
    if not exe:
        return ""
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    have = set(out.split())
    if "fra" not in have:
        return ""
    return "fra+eng" if "eng" in have else "fra"


def image_text(data: bytes, name: str) -> list[str]:
    """The text of an image file, one string per page (a TIFF can hold several)."""
    langs = languages()
    if not langs:
        raise IngestError(f"{name}: an image, read by OCR, but Tesseract with French is not "
                          f"installed; {INSTALL}.")
    # one thread per page: on two cores Tesseract's OpenMP threads mostly wait on each other
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", langs, "--psm", "3"], input=data,
                              capture_output=True, timeout=PAGE_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired as e:
        raise IngestError(f"{name}: OCR took more than {PAGE_TIMEOUT_S} s; not read.") from e
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unknown error"]
        raise IngestError(f"{name}: not an image Tesseract can read ({why[0]}).")
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # Tesseract ends every page with a form feed
    return pages


def words_at(png: bytes) -> list[tuple[str, tuple[int, int, int, int], tuple[int, int, int]]]:
    """The words Tesseract reads on an image, in reading order: (word, (left, top, right, bottom)
    in pixels, (block, paragraph, line)). [] when Tesseract with French is missing or fails."""
    langs = languages()
    if not langs:
        return []
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", langs, "--psm", "3", "tsv"], input=png,
                              capture_output=True, timeout=PAGE_TIMEOUT_S, env=env)
    except subprocess.TimeoutExpired:
        return []
    if done.returncode != 0:
        return []
    out = []
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue  # level 5: a word
        left, top, width, height = map(int, cells[6:10])
        out.append((cells[11], (left, top, left + width, top + height), (int(cells[2]), int(cells[3]), int(cells[4]))))
    return out


def pdf_pages_text(raw: bytes, pages: list[int], name: str) -> dict[int, str]:
    """OCR of the given PDF pages (from 0), each rendered at DPI."""
    import io

    import pypdfium2

    out: dict[int, str] = {}
    pdf = pypdfium2.PdfDocument(raw)
    try:
        for i in pages:
            image = pdf[i].render(scale=DPI / 72).to_pil()
            buf = io.BytesIO()
            image.convert("L").save(buf, format="PNG")
            out[i] = "\n".join(image_text(buf.getvalue(), f"{name}, p. {i + 1}"))
    finally:
        pdf.close()
    return out
