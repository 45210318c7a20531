"""Office files, e-books, RTF and scans, written by the libraries and tools people's files come from."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from test_ingest import _tiny_pdf

from chatbot import ocr
from chatbot.errors import IngestError
from chatbot.indexing import index_files
from chatbot.ingest import _garbled, chunk, read_document

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _passages(path: Path):
    return chunk(read_document(path), size=500, overlap=1)


def test_word_keeps_headings_lists_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Rapport Héron", level=1)
    d.add_heading("Licences", level=2)
    d.add_paragraph("Le modèle Martinet est publié sous licence Apache 2.0.")
    d.add_paragraph("42 langues sont prises en charge", style="List Bullet")
    d.add_heading("Chiffres", level=2)
    t = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("Modèle", "Paramètres"), ("Martinet", "7 milliards"), ("Pinson", "13 milliards")]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    d.add_paragraph("Amélie Durand dirige la technique.")
    d.save(tmp_path / "rapport.docx")

    doc = read_document(tmp_path / "rapport.docx")
    assert doc.title == "Rapport Héron"
    assert "- 42 langues sont prises en charge" in doc.text
    # a row of a table says which column each value is in, so a passage holding it stands alone
    assert "Modèle : Pinson ; Paramètres : 13 milliards." in doc.text.split("\n")
    passages = _passages(tmp_path / "rapport.docx")
    pinson = next(p for p in passages if "Pinson" in p.text)
    assert pinson.section == "Rapport Héron › Chiffres"
    assert next(p for p in passages if "Apache" in p.text).section == "Rapport Héron › Licences"


def test_libreoffice_text_keeps_headings_lists_and_tables(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, List, ListItem, P, S

    odt = OpenDocumentText()
    odt.text.addElement(H(outlinelevel=1, text="Rapport Héron"))
    odt.text.addElement(H(outlinelevel=2, text="Chiffres"))
    p = P(text="Le modèle Martinet compte")
    p.addElement(S(c=1))
    p.addText("7 milliards de paramètres.")
    odt.text.addElement(p)
    items = List()
    item = ListItem()
    item.addElement(P(text="Licence Apache 2.0"))
    items.addElement(item)
    odt.text.addElement(items)
    table = Table()
    for row in (("Modèle", "Ville"), ("Pinson", "Grenoble")):
        tr = TableRow()
        for text in row:
            cell = TableCell()
            cell.addElement(P(text=text))
            tr.addElement(cell)
        table.addElement(tr)
    odt.text.addElement(table)
    odt.save(str(tmp_path / "rapport.odt"))

    doc = read_document(tmp_path / "rapport.odt")
    assert doc.text.split("\n") == ["Rapport Héron", "Chiffres", "Le modèle Martinet compte 7 milliards de paramètres.",
                                    "- Licence Apache 2.0", "Modèle | Ville", "Modèle : Pinson ; Ville : Grenoble."]
    assert [h for _, _, h in doc.headings] == ["Rapport Héron", "Chiffres"]


def test_slides_are_parts_that_citations_name(tmp_path):
    from pptx import Presentation

    prs = Presentation()
    for title, body, notes in (("Héron", "Une société lyonnaise", ""),
                               ("Le modèle Martinet", "7 milliards de paramètres", "Publié en 2024.")):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    prs.save(tmp_path / "deck.pptx")

    doc = read_document(tmp_path / "deck.pptx")
    assert "Notes : Publié en 2024." in doc.text
    passages = _passages(tmp_path / "deck.pptx")
    assert [(p.part, p.section) for p in passages] == [("diapositive 1", "Héron"),
                                                       ("diapositive 2", "Le modèle Martinet")]
    assert passages[1].page == 0  # a slide is not a page: the JSON `page` stays for PDFs and scans
    assert "7 milliards" in passages[1].text and "Héron" not in passages[1].text


def test_libreoffice_slides(tmp_path):
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    odp = OpenDocumentPresentation()
    layout = PageLayout(name="L")
    odp.automaticstyles.addElement(layout)
    master = MasterPage(name="M", pagelayoutname=layout)
    odp.masterstyles.addElement(master)
    for title, body in (("Héron", "Une société lyonnaise."), ("Pinson", "Publié à Grenoble.")):
        page = Page(masterpagename=master)
        for k, text in enumerate((title, body)):
            frame = Frame(width="20cm", height="3cm", x="1cm", y=f"{1 + 4 * k}cm")
            frame.attributes[("urn:oasis:names:tc:opendocument:xmlns:presentation:1.0", "class")] = (
                "title" if k == 0 else "outline")
            box = TextBox()
            box.addElement(P(text=text))
            frame.addElement(box)
            page.addElement(frame)
        odp.presentation.addElement(page)
    odp.save(str(tmp_path / "deck.odp"))
    passages = _passages(tmp_path / "deck.odp")
    assert [(p.part, p.section, p.text) for p in passages] == [
        ("diapositive 1", "Héron", "Héron Une société lyonnaise."),
        ("diapositive 2", "Pinson", "Pinson Publié à Grenoble.")]


def test_spreadsheets_are_read_as_tables_a_passage_can_use(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Modèles"
    ws.append(["Modèle", "Paramètres (milliards)", "Sortie"])
    ws.append(["Martinet", 7, date(2024, 3, 15)])
    ws.append(["Pinson", 13.5, date(2023, 11, 2)])
    wb.create_sheet("Vide")
    other = wb.create_sheet("Sociétés")
    other.append(["Héron", "Lyon"])
    wb.save(tmp_path / "tableau.xlsx")

    doc = read_document(tmp_path / "tableau.xlsx")
    lines = doc.text.split("\n")
    assert "Modèle : Martinet ; Paramètres (milliards) : 7 ; Sortie : 15/03/2024." in lines
    assert "Modèle : Pinson ; Paramètres (milliards) : 13.5 ; Sortie : 02/11/2023." in lines
    assert "Héron | Lyon." in lines  # no header row: cells side by side
    passages = _passages(tmp_path / "tableau.xlsx")
    assert {p.part for p in passages} == {"feuille Modèles", "feuille Sociétés"}


def test_libreoffice_spreadsheets_do_not_expand_repeated_empty_rows(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    ods = OpenDocumentSpreadsheet()
    table = Table(name="Budget")
    for row in (("Poste", "Montant"), ("Calcul", "3 millions d'euros")):
        tr = TableRow()
        for text in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=text))
            tr.addElement(cell)
        table.addElement(tr)
    table.addElement(TableRow(numberrowsrepeated=1048570))  # what LibreOffice writes below the data
    ods.spreadsheet.addElement(table)
    ods.save(str(tmp_path / "budget.ods"))
    doc = read_document(tmp_path / "budget.ods")
    assert doc.text.split("\n") == ["Feuille Budget", "Poste | Montant", "Poste : Calcul ; Montant : 3 millions d'euros."]


def test_epub_chapters_are_read_in_reading_order(tmp_path):
    chapter = ("<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'>"
               "<head><title>Ignoré</title></head><body><h1>{}</h1><p>{}</p></body></html>")
    with zipfile.ZipFile(tmp_path / "livre.epub", "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml",
                   "<container xmlns='urn:oasis:names:tc:opendocument:xmlns:container'><rootfiles>"
                   "<rootfile full-path='OEBPS/content.opf' media-type='application/oebps-package+xml'/>"
                   "</rootfiles></container>")
        z.writestr("OEBPS/content.opf",
                   "<package xmlns='http://www.idpf.org/2007/opf'><manifest>"
                   "<item id='b' href='Text/deux.xhtml' media-type='application/xhtml+xml'/>"
                   "<item id='a' href='Text/un%20chapitre.xhtml' media-type='application/xhtml+xml'/>"
                   "</manifest><spine><itemref idref='a'/><itemref idref='b'/></spine></package>")
        z.writestr("OEBPS/Text/un chapitre.xhtml", chapter.format("Origines", "Héron naît à Lyon."))
        z.writestr("OEBPS/Text/deux.xhtml", chapter.format("Modèles", "Martinet sort en 2024."))
    doc = read_document(tmp_path / "livre.epub")
    assert doc.text.split("\n") == ["Origines", "Héron naît à Lyon.", "Modèles", "Martinet sort en 2024."]


def test_a_chapter_of_random_bytes_is_not_indexed_and_a_book_of_them_is_refused(tmp_path):
    from damaged import _epub, _noise

    noise = _noise(4000)
    good = "Héron naît à Lyon en 2011 et publie le modèle Martinet sous licence libre.".encode()
    bad = noise.replace(b"<", b" ").replace(b"&", b" ")
    (tmp_path / "livre.epub").write_bytes(_epub([good, bad]))
    doc = read_document(tmp_path / "livre.epub")
    assert doc.text.strip() == "Héron naît à Lyon en 2011 et publie le modèle Martinet sous licence libre."
    assert doc.garbled == 1  # counted, for the note that says so
    (tmp_path / "bruit.epub").write_bytes(_epub([bad]))
    with pytest.raises(IngestError, match="bruit.epub: holds no readable text"):
        read_document(tmp_path / "bruit.epub")
    # a few bad bytes in a real text stay: the text is read, each bad byte as U+FFFD
    assert not _garbled("Le modèle Martinet \ufffd est publié à Lyon, dit le rapport de la coopérative.")
    assert _garbled(noise.decode("utf-8", errors="replace"))


def test_rtf_from_word_with_code_page_escapes_unicode_and_a_table(tmp_path):
    rtf = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}{\*\generator Msftedit;}"
           rb"{\info{\title Ignor\'e9}}\pard\outlinelevel0\b Rapport H\'e9ron\b0\par"
           rb"\pard Le mod\u232?le Martinet est publi\'e9 \'e0 Lyon.\par"
           rb"\trowd\cellx2000\cellx4000\pard\intbl Mod\'e8le\cell Ville\cell\row"
           rb"\trowd\cellx2000\cellx4000\pard\intbl Pinson\cell Grenoble\cell\row"
           rb"\pard Fin.\par}")
    (tmp_path / "note.rtf").write_bytes(rtf)
    doc = read_document(tmp_path / "note.rtf")
    assert doc.text.split("\n") == ["Rapport Héron", "Le modèle Martinet est publié à Lyon.", "Modèle | Ville",
                                    "Modèle : Pinson ; Ville : Grenoble.", "Fin."]
    assert doc.title == "Rapport Héron"


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".pptx", ".xlsx", ".ods", ".odp", ".epub"])
def test_a_damaged_office_file_is_refused_with_its_name(tmp_path, suffix):
    bad = tmp_path / f"cassé{suffix}"
    bad.write_bytes(b"PK\x03\x04 not really a zip" + bytes(range(256)))
    with pytest.raises(IngestError, match=f"cassé{suffix}: not a valid {suffix} file"):
        read_document(bad)
    other = tmp_path / f"autre{suffix}"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "un zip, mais pas de ce genre")
    with pytest.raises(IngestError, match=f"autre{suffix}: a damaged {suffix} file"):
        read_document(other)


def _picture(lines: list[str]):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 40)
    img = Image.new("L", (1800, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(lines):
        draw.text((80, 60 + 90 * k), line, font=font, fill=0)
    return img


def test_an_image_is_read_by_ocr_in_french(tmp_path, tesseract):
    _picture(["Le modèle Martinet a été publié à Lyon.", "Il compte 42 langues."]).save(tmp_path / "photo.png")
    doc = read_document(tmp_path / "photo.png")
    assert "modèle Martinet a été publié à Lyon" in doc.text and "42 langues" in doc.text
    assert doc.ocr_pages == (1,)
    (tmp_path / "cassée.png").write_bytes(b"\x89PNG\r\n\x1a\n tronquee")
    with pytest.raises(IngestError, match="cassée.png: not an image Tesseract can read"):
        read_document(tmp_path / "cassée.png")
    _picture([]).save(tmp_path / "blanche.png")
    with pytest.raises(IngestError, match="blanche.png: holds an image in which OCR found no text"):
        read_document(tmp_path / "blanche.png")


def test_scanned_pages_of_a_pdf_are_read_by_ocr_and_keep_their_page(tmp_path, tesseract):
    import io

    from pypdf import PdfReader, PdfWriter

    scan = io.BytesIO()
    _picture(["Le directeur de Héron est Paul Girard."]).save(scan, format="PDF", resolution=150)
    blank = io.BytesIO()
    _picture([]).save(blank, format="PDF", resolution=150)
    writer = PdfWriter()
    for source in (io.BytesIO(_tiny_pdf("Martinet compte 7 milliards de parametres.")), scan, blank):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    with open(tmp_path / "mixte.pdf", "wb") as f:
        writer.write(f)

    doc = read_document(tmp_path / "mixte.pdf")
    assert doc.ocr_pages == (2,)  # only the page without text was read by OCR
    assert doc.empty_pages == (3,)  # and the blank one is named, not silently dropped
    passages = chunk(doc, size=500, overlap=1)
    assert [(p.page, p.part) for p in passages] == [(1, "pp. 1–2")]  # a passage over two pages says so
    passages = chunk(doc, size=45, overlap=0)
    girard = next(p for p in passages if "Girard" in p.text)
    assert (girard.page, girard.part) == (2, "p. 2")


def test_without_tesseract_a_scan_is_refused_saying_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "languages", lambda: "")
    _picture(["Paul Girard."]).save(tmp_path / "scan.pdf", format="PDF", resolution=150)
    with pytest.raises(IngestError, match=r"scan.pdf: no page has a text layer .*make ocr"):
        read_document(tmp_path / "scan.pdf")
    _picture(["Paul Girard."]).save(tmp_path / "photo.jpg")
    with pytest.raises(IngestError, match=r"photo.jpg: an image, read by OCR.*make ocr"):
        read_document(tmp_path / "photo.jpg")


def test_parts_and_headings_reach_the_index_and_back(tmp_path, embedder):
    """Slide, sheet and heading path go through Chroma on disk and come back on every passage."""
    from pptx import Presentation

    from chatbot.store import ChromaStore

    prs = Presentation()
    for title, body in (("Héron", "Une société lyonnaise."), ("Martinet", "7 milliards de paramètres.")):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    docs = tmp_path / "docs"
    docs.mkdir()
    prs.save(docs / "deck.pptx")
    (docs / "vide.pptx").write_bytes((docs / "deck.pptx").read_bytes())
    prs2 = Presentation()
    prs2.slides.add_slide(prs2.slide_layouts[6])  # a blank slide, no text at all
    prs2.save(docs / "vide.pptx")

    store = ChromaStore(tmp_path / "chroma", embedder="embeddinggemma-300m")
    report = index_files(store, lambda: embedder, [docs], size=500, overlap=1)
    assert report.added == ["deck.pptx"]
    assert report.failed == [("vide.pptx", "vide.pptx: holds no text to index.")]  # never "added" empty
    passages, _, _ = store.load()
    assert [(p.part, p.section) for p in passages] == [("diapositive 1", "Héron"), ("diapositive 2", "Martinet")]


def test_an_office_file_made_to_exhaust_memory_is_refused_while_it_is_read(tmp_path, monkeypatch):
    """Thousands of empty elements in a few bytes: the tree is what costs memory (200 MB of them
    took 4.5 GiB), so the count is what is bounded, as the XML is inflated."""
    import chatbot.formats

    monkeypatch.setattr(chatbot.formats, "MAX_XML_ELEMENTS", 1000)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = (f"<w:document xmlns:w='{w}'><w:body><w:p><w:r><w:t>Le projet Hirondelle.</w:t></w:r></w:p>"
            + "<a/>" * 5000 + "</w:body></w:document>")
    with zipfile.ZipFile(tmp_path / "bombe.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>")
        z.writestr("word/document.xml", body)
    with pytest.raises(IngestError, match="bombe.docx: word/document.xml holds more than 1 000 XML elements"):
        read_document(tmp_path / "bombe.docx")
    monkeypatch.setattr(chatbot.formats, "MAX_XML_ELEMENTS", 10_000)
    assert read_document(tmp_path / "bombe.docx").text.strip() == "Le projet Hirondelle."


def test_a_scanned_page_opens_with_the_cited_sentence_marked_where_ocr_reads_it(tmp_path, tesseract):
    import io

    from PIL import Image

    from chatbot.preview import pdf_page

    _picture(["Le rapport annuel de la coopérative Héron.", "Le directeur de Héron est Paul Girard.",
              "Il a été nommé au printemps."]).save(tmp_path / "scan.pdf", format="PDF", resolution=150)
    shown = pdf_page(tmp_path / "scan.pdf", 1, "Le directeur de Héron est Paul Girard.", tmp_path / "cache")
    assert shown.page == 1 and shown.marked
    image = Image.open(io.BytesIO(shown.png)).convert("RGB")
    marked = [(x, y) for y in range(image.height) for x in range(0, image.width, 4)
              if _yellow(image.getpixel((x, y)))]
    assert marked, "no mark on the page"
    rows = {y for _, y in marked}
    # the mark is on the second line of three, not on the others
    assert image.height * 0.33 < min(rows) and max(rows) < image.height * 0.75, (min(rows), max(rows), image.height)
    unmarked = pdf_page(tmp_path / "scan.pdf", 1, "Une phrase qui n'est pas sur la page.", tmp_path / "cache")
    assert not unmarked.marked


def _yellow(rgb: tuple[int, int, int]) -> bool:
    """The highlighter's yellow over white or black text."""
    r, g, b = rgb
    return r > 200 and 150 < g < 240 and b < 180
