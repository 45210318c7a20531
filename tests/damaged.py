"""A folder of damaged, hostile and oddly named files of every kind the product reads, generated
(nothing downloaded): what a person's real folder holds beside their good documents.

`make(folder)` writes them and returns {file name: what it is}. Each is either refused with its
name or read despite its damage; none may print a traceback or sink the others.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

FRENCH = "Le projet Hirondelle est une coopérative de logiciel libre fondée à Lyon en 2011."
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TYPES = "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>"


def _noise(n: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


def _docx(body: str = f"<w:p><w:r><w:t>{FRENCH}</w:t></w:r></w:p>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("word/document.xml", f"<w:document xmlns:w='{W}'><w:body>{body}</w:body></w:document>")
    return out.getvalue()


def _odf(kind: str, body: str) -> bytes:
    mimes = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", f"application/vnd.oasis.opendocument.{mimes[kind]}")
        z.writestr("content.xml", "<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:"
                   "office:1.0' xmlns:text='urn:oasis:names:tc:opendocument:xmlns:text:1.0'><office:body>"
                   f"{body}</office:body></office:document-content>")
    return out.getvalue()


def _pdf(text: str = FRENCH) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
               b"/Resources << /Font << /F1 3 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"]
    return _pdf_of(objects)


# two pages, the second opening with a sentence that a passage of both holds (lines of more than
# 100 characters: a shorter line without a full stop is read as a heading, which opens a passage)
TWO_PAGES = (
    ["Le projet Hirondelle est une coopérative de logiciel libre fondée à Lyon en 2011, qui compte aujourd'hui dix-sept",
     "membres et publie chaque année un rapport sur ses travaux, lu par plusieurs centaines de personnes en France."],
    ["Son modèle phare, Martinet, est publié sous licence Apache 2.0 depuis le printemps dernier par la coopérative",
     "elle-même, qui en assure aussi la maintenance et la documentation pour tous ses utilisateurs en Europe."],
)


def pdf_pages(*pages: list[str]) -> bytes:
    """A PDF whose pages hold these lines, one under the other (Helvetica, latin-1)."""
    kids = " ".join(f"{4 + 2 * k} 0 R" for k in range(len(pages)))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for k, lines in enumerate(pages):
        stream = ("BT /F1 8 Tf 10 TL 40 740 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
                  ).encode("latin-1")
        objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * k} 0 R "
                    "/Resources << /Font << /F1 3 0 R >> >> >>".encode(),
                    b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"]
    return _pdf_of(objects)


def _pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog), with a right table of objects."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_bomb() -> bytes:
    """A page whose content stream is 160 KB compressed and 150 MB inflated."""
    stream = zlib.compress(b" " * 150_000_000, 9)
    return _pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                    b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
                    + stream + b"\nendstream"])


def _pdf_loop() -> bytes:
    """A page tree whose pages are itself."""
    return _pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def _pdf_locked() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf())))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _epub(chapters: list[bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml",
                   "<container xmlns='urn:oasis:names:tc:opendocument:xmlns:container'><rootfiles>"
                   "<rootfile full-path='content.opf' media-type='application/oebps-package+xml'/>"
                   "</rootfiles></container>")
        z.writestr("content.opf", "<package xmlns='http://www.idpf.org/2007/opf'><manifest>"
                   + "".join(f"<item id='c{i}' href='c{i}.xhtml' media-type='application/xhtml+xml'/>"
                             for i in range(len(chapters)))
                   + "</manifest><spine>" + "".join(f"<itemref idref='c{i}'/>" for i in range(len(chapters)))
                   + "</spine></package>")
        for i, body in enumerate(chapters):
            z.writestr(f"c{i}.xhtml", b"<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/"
                       b"xhtml'><body><p>" + body + b"</p></body></html>")
    return out.getvalue()


def _corrupt_deflate(raw: bytes) -> bytes:
    """The zip's compressed data damaged where it holds the main XML (the directory intact)."""
    z = zipfile.ZipFile(io.BytesIO(raw))
    info = max(z.infolist(), key=lambda i: i.compress_size)
    header = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(raw)
    data[header + 2:header + 2 + 16] = b"\xff" * 16
    return bytes(data)


def make(folder: Path) -> dict[str, str]:
    """Write the damaged files into `folder`; {name: what it is}."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[bytes, str]] = {}
    for suffix in (".txt", ".md", ".html", ".pdf", ".docx", ".odt", ".pptx", ".xlsx", ".ods", ".odp", ".epub",
                   ".rtf", ".png", ".jpg"):
        files[f"vide{suffix}"] = (b"", "empty")
        files[f"bruit{suffix}"] = (_noise(3000), "random bytes")
    deep = "<w:p>" * 10_000 + f"<w:r><w:t>{FRENCH}</w:t></w:r>" + "</w:p>" * 10_000
    files.update({
        "tronque.pdf": (_pdf()[:200], "truncated"),
        "xref.pdf": (_pdf().replace(b"startxref\n", b"startxref\n9"), "broken table of objects, text readable"),
        "tronque.docx": (_docx()[:150], "truncated archive"),
        "zlib.docx": (_corrupt_deflate(_docx(f"<w:p><w:r><w:t>{FRENCH * 20}</w:t></w:r></w:p>")), "corrupt deflate"),
        "profond.docx": (_docx(deep), "nested 10,000 deep"),
        "sans-document.docx": (_zip({"[Content_Types].xml": TYPES}), "no main part"),
        "profond.odt": (_odf("odt", "<text:p>" * 10_000 + FRENCH + "</text:p>" * 10_000), "nested 10,000 deep"),
        "pas-xml.odt": (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<<<"}),
                        "content is not XML"),
        "profond.html": (("<div>" * 100_000 + FRENCH + "</div>" * 100_000).encode(), "nested 100,000 deep"),
        "moitie.rtf": (rb"{\rtf1\ansi\deff0 {\fonttbl{\f0 Arial;}}\pard " + FRENCH.encode("latin-1")
                       + rb"\par \pard {\b gras", "half an RTF: text readable"),
        "utf16-impair.txt": (FRENCH.encode("utf-16-le") + b"\x00", "UTF-16 with an odd byte"),
        "nul.md": (b"\x00" * 500, "zero bytes"),
        "zip.epub": (_zip({"mimetype": "application/epub+zip"}), "an epub with no book"),
        "bombe-flux.pdf": (_pdf_bomb(), "a content stream of 150 MB once inflated"),
        "boucle.pdf": (_pdf_loop(), "a page tree that holds itself"),
        "verrou.pdf": (_pdf_locked(), "protected by a password"),
        "bombe.docx": (_docx("<w:p>" + "<a/>" * 6_000_000 + "</w:p>"), "6 million XML elements in 100 KB"),
        "chapitre-bruit.epub": (_epub([FRENCH.encode(), _noise(4000).replace(b"<", b" ").replace(b"&", b" ")]),
                                "a chapter of random bytes beside a good one: the good one read"),
        "balises.html": (b"<b>x</b>" * 600_000, "600,000 tags: its tree would take memory past the bound"),
        "ligne.txt": (" ".join(f"Le relevé {i} de la station {i % 97} donne {i * 7 % 1000} mm." for i in range(6000))
                      .encode(), "one line of 300 KB, every sentence distinct: read"),
    })
    names: dict[str, str] = {}
    for name, (raw, what) in files.items():
        (folder / name).write_bytes(raw)
        names[name] = what
    with open(folder / "trop-gros.txt", "wb") as f:  # over the size limit, and sparse: it costs no disk
        f.truncate(51 * 2**20)
    names["trop-gros.txt"] = "over the size limit"
    odd = folder.as_posix().encode() + b"/caf\xe9-latin1.txt"  # a name in latin-1 bytes, not UTF-8
    Path(odd.decode("utf-8", "surrogateescape")).write_bytes(FRENCH.encode())
    names["caf\ufffd-latin1.txt"] = "a name that is not UTF-8, text readable"
    return names


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in members.items():
            z.writestr(k, v)
    return out.getvalue()
