from pathlib import Path

import numpy as np
import pytest

from chatbot.errors import IngestError
from chatbot.ingest import chunk, find_files, read_document
from chatbot.text import normalize

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_seed_003_repeated_paragraphs_are_indexed_once():
    doc = read_document(next(SEEDS.glob("003_*.txt")))
    passages = chunk(doc, size=500, overlap=1)
    repeated = "Une lettre ouverte de Mozilla a été publiée la veille de ce sommet."
    assert doc.text.count(repeated) == 2  # the file does repeat it ...
    assert sum(p.text.count(repeated) for p in passages) <= 2  # ... once, plus one overlap at most
    keys = [normalize(p.text) for p in passages]
    assert len(keys) == len(set(keys))


def test_passages_respect_sentences_size_and_offsets():
    doc = read_document(next(SEEDS.glob("001_*.txt")))
    passages = chunk(doc, size=500, overlap=1)
    assert len(passages) > 10
    for p in passages:
        assert len(p.text) <= 500 + 400  # one long sentence may overflow, never unbounded
        after = doc.text[p.end:p.end + 1]
        assert after in ("", "\n") or p.text[-1] in ".!?…»\")", p.text  # ends with a sentence
        assert " ".join(doc.text[p.start:p.end].split()) == p.text
        assert not p.text.endswith("Open-Source")  # a heading opens the next passage
    assert [p.position for p in passages] == list(range(len(passages)))


def test_same_text_gives_same_ids_and_changed_text_new_ones():
    from dataclasses import replace

    doc = read_document(next(SEEDS.glob("000_*.txt")))
    ids = [p.id for p in chunk(doc, size=500, overlap=1)]
    assert ids == [p.id for p in chunk(read_document(next(SEEDS.glob("000_*.txt"))), size=500, overlap=1)]
    assert len(set(ids)) == len(ids)  # a passage never overwrites another of its document
    # a word changed in the first passage: that passage is new, the others keep their ids
    edited = [p.id for p in chunk(replace(doc, text=doc.text.replace("librement", "gratuitement", 1)),
                                  size=500, overlap=1)]
    assert edited[0] != ids[0] and edited[1:] == ids[1:]


def test_html_and_markdown_are_read(tmp_path):
    html = tmp_path / "page.html"
    html.write_text("<html><head><script>alert(1)</script></head><body><h1>Titre</h1>"
                    "<p>Le modèle Falcon vient d'Abou Dabi.</p></body></html>", encoding="utf-8")
    doc = read_document(html)
    assert "Falcon vient d'Abou Dabi" in doc.text and "alert" not in doc.text
    md = tmp_path / "note.md"
    md.write_text("# Ma note\n\nLe chiffre clé est 42.\n", encoding="utf-8")
    assert read_document(md).title == "Ma note"


def test_html_text_in_plain_divs_is_kept_and_inline_tags_do_not_split_lines(tmp_path):
    page = tmp_path / "site.html"
    page.write_text("<html><body><nav>Accueil | Contact</nav><h2>Le modèle Pinson</h2>"
                    "<p>Il est publié par <b>Verdier</b>, à Grenoble.</p>"
                    "<div class='note'>Pinson compte 42 langues.<div>Claire Fontaine le dirige.</div></div>"
                    "<!-- commentaire --></body></html>", encoding="utf-8")
    lines = read_document(page).text.split("\n")
    assert lines == ["Le modèle Pinson", "Il est publié par Verdier, à Grenoble.", "Pinson compte 42 langues.",
                     "Claire Fontaine le dirige."]


def test_pdf_is_read(tmp_path):
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(_tiny_pdf("Le projet Hirondelle compte 17 membres."))
    assert "Hirondelle compte 17 membres" in read_document(pdf).text


def test_each_passage_of_a_pdf_knows_its_page(tmp_path):
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(_tiny_pdf("Le projet Hirondelle est une cooperative fondee a Lyon en 2011.",
                              "Elle compte dix-sept membres et publie le modele Martinet.",
                              "Le modele Martinet est publie sous licence Apache 2.0."))
    doc = read_document(pdf)
    assert len(doc.pages) == 3
    passages = chunk(doc, size=70, overlap=0)
    assert [p.page for p in passages] == [1, 2, 3], [(p.page, p.text) for p in passages]
    assert "Apache" in passages[2].text
    md = tmp_path / "note.md"
    md.write_text("Une note sans pages.", encoding="utf-8")
    assert chunk(read_document(md), size=70, overlap=0)[0].page == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no text"),
        ("blank.md", b"   \n\n  ", "no text"),
        ("binary.txt", b"\x00\x01\x02binary", "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("program.exe", b"MZ\x90\x00\x03", "unsupported"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path, name, content, message):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(IngestError, match=message) as e:
        read_document(f)
    assert name in str(e.value)


def test_a_damaged_pdf_is_read_and_its_warnings_name_it(tmp_path, caplog):
    import logging
    import re

    raw = _tiny_pdf("Le projet Hirondelle compte 17 membres.")
    at = re.search(rb"startxref\s+(\d+)", raw).start(1)
    (tmp_path / "abime.pdf").write_bytes(raw[:at] + b"9" + raw[at:])  # the table of objects misplaced
    with caplog.at_level(logging.WARNING):
        assert "Hirondelle compte 17 membres" in read_document(tmp_path / "abime.pdf").text
    said = [(r.name, r.getMessage()) for r in caplog.records]
    assert said and all(name == "chatbot.ingest" and msg.startswith("abime.pdf: ") for name, msg in said), said


def test_a_pdf_protected_by_a_password_says_so(tmp_path):
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_tiny_pdf("Le projet Hirondelle compte 17 membres."))))
    writer.encrypt("secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    with pytest.raises(IngestError, match="locked.pdf: the PDF is protected by a password"):
        read_document(locked)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_tiny_pdf("Le projet Hirondelle compte 17 membres."))))
    writer.encrypt("", owner_password="owner", algorithm="RC4-128")  # opens without a password
    open_one = tmp_path / "open.pdf"
    with open_one.open("wb") as f:
        writer.write(f)
    assert "Hirondelle compte 17 membres" in read_document(open_one).text


FRENCH = "L’été, la coopérative a publié « Martinet » : 42 modèles, déjà ½ million d’œuvres…\n"


@pytest.mark.parametrize(("encoding", "raw", "reported"), [
    ("utf-8", FRENCH.encode("utf-8"), ""),
    ("utf-8 with BOM", FRENCH.encode("utf-8-sig"), ""),
    ("Windows", (FRENCH * 3).replace("½", "1/2").encode("cp1252"), "CP1252"),
    ("UTF-16 with BOM", FRENCH.encode("utf-16"), "UTF-16"),
    ("UTF-16 without BOM", FRENCH.encode("utf-16-le"), "UTF-16-LE"),
    ("UTF-16 big-endian without BOM", FRENCH.encode("utf-16-be"), "UTF-16-BE"),
])
def test_text_in_the_encodings_people_have_is_read(tmp_path, encoding, raw, reported):
    f = tmp_path / "note.txt"
    f.write_bytes(raw.replace(b"\n", b"\r\n") if encoding == "Windows" else raw)
    doc = read_document(f)
    assert "L’été, la coopérative a publié « Martinet »" in doc.text and "d’œuvres" in doc.text
    assert doc.encoding == reported


def test_utf8_with_a_few_damaged_bytes_is_read_and_says_how_many(tmp_path):
    raw = bytearray((FRENCH * 4).encode("utf-8"))
    raw[10:11] = b"\xff"  # a byte no UTF-8 text holds
    raw[200:201] = b"\xc3"  # half of an accent
    f = tmp_path / "abime.md"
    f.write_bytes(bytes(raw))
    doc = read_document(f)
    assert doc.text.count("\ufffd") == 2 and "coopérative a publié « Martinet »" in doc.text
    assert doc.encoding == "UTF-8 (2 × \ufffd)"


def test_latin1_text_is_read_and_its_encoding_reported(tmp_path):
    f = tmp_path / "vieux.md"
    f.write_bytes("Le modèle a été créé à Genève en été ; il coûte très peu.\n".encode("latin-1"))
    doc = read_document(f)
    assert "créé à Genève" in doc.text and doc.encoding in ("CP1252", "ISO-8859-1", "LATIN-1", "ISO-8859-15")


def test_a_file_of_random_bytes_is_refused_as_binary(tmp_path):
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(1, 256) for _ in range(4000))
    f = tmp_path / "data.txt"
    f.write_bytes(noise + b"\x00" * 40)
    with pytest.raises(IngestError, match="binary"):
        read_document(f)
    f.write_bytes(noise)  # no zero byte: every byte is a character in some encoding
    with pytest.raises(IngestError, match="not text in any encoding recognised"):
        read_document(f)


def test_ingest_reports_the_encoding_it_guessed(tmp_path):
    from chatbot.indexing import index_files
    from fakes import WordHashEmbedder

    class Memory:
        def __init__(self):
            self.docs = {}

        def documents(self):
            return {}

        def check_room(self, passages, dim):
            pass

        def add(self, passages, embeddings, *, fingerprint, info=None, sentences=()):
            self.docs[passages[0].doc] = passages

        def delete_doc(self, doc):
            self.docs.pop(doc, None)

    (tmp_path / "win.txt").write_bytes(("Le modèle Martinet a été publié à Lyon. " * 5).encode("cp1252"))
    (tmp_path / "ok.txt").write_text("Le modèle Pinson est publié à Grenoble.", encoding="utf-8")
    report = index_files(Memory(), WordHashEmbedder, [tmp_path], size=500, overlap=1)
    assert sorted(report.added) == ["ok.txt", "win.txt"]
    assert report.encodings == {"win.txt": "CP1252"}


def test_missing_file_is_named(tmp_path):
    with pytest.raises(IngestError, match="cannot be read"):
        read_document(tmp_path / "nope.txt")


def _tiny_pdf(*pages: str) -> bytes:
    """A PDF with one line of text (Helvetica) on each page, built by hand."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * k} 0 R" for k in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for k, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objects += [
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * k} 0 R "
            f"/Resources << /Font << /F1 3 0 R >> >> >>".encode(),
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_links_are_followed_once_and_a_loop_or_a_dead_link_is_told(tmp_path):
    from chatbot.indexing import index_files
    from chatbot.store import ChromaStore
    from fakes import WordHashEmbedder

    docs, elsewhere = tmp_path / "docs", tmp_path / "ailleurs"
    (docs / "a").mkdir(parents=True)
    elsewhere.mkdir()
    (docs / "a" / "x.md").write_text("Le projet Hirondelle est à Lyon.", encoding="utf-8")
    (elsewhere / "y.md").write_text("Le modèle Martinet est libre.", encoding="utf-8")
    (docs / "a" / "boucle").symlink_to("..")  # a loop
    (docs / "lien").symlink_to(elsewhere)  # a folder linked from elsewhere: read
    (docs / "mort.md").symlink_to(tmp_path / "absent.md")  # a link to nothing
    skipped: list = []
    assert [n for _, n in find_files([docs], skipped)] == ["a/x.md", "lien/y.md"]
    assert sorted(n for n, _ in skipped) == ["a/boucle", "mort.md"]
    store = ChromaStore(tmp_path / "db", embedder="word-hash", dim=32)
    report = index_files(store, WordHashEmbedder, [docs], size=500, overlap=1)
    assert report.added == ["a/x.md", "lien/y.md"]
    assert report.failed == [("mort.md", f"mort.md: a link to nothing ({tmp_path / 'absent.md'}): not read. "
                                         "Mend or remove the link.")]
    assert report.notes() == ["a/boucle: a link back to a folder read already: not followed"]


def test_a_text_met_again_in_a_document_is_one_passage(tmp_path):
    """One line repeated for megabytes (an export gone wrong), a footer on every page: each
    distinct text is embedded, stored and searched once."""
    f = tmp_path / "ligne.txt"
    f.write_text("Le projet Hirondelle est une coopérative de logiciel libre fondée à Lyon " * 20000
                 + "\n\nLe modèle Martinet est publié sous licence Apache 2.0.", encoding="utf-8")
    passages = chunk(read_document(f), size=800, overlap=1)
    texts = [p.text for p in passages]
    assert len(texts) == len(set(texts)) < 20
    assert any("Martinet" in t for t in texts)
    positions = [p.position for p in passages]
    assert positions == sorted(positions) and positions[-1] > 1000  # each still where it is in the document


def test_a_passage_over_a_page_break_knows_the_page_of_each_sentence(tmp_path):
    from damaged import TWO_PAGES, pdf_pages

    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(pdf_pages(*TWO_PAGES))
    first = chunk(read_document(pdf), size=400, overlap=0)[0]
    assert first.part == "pp. 1–2"
    assert first.part_at(first.text.index("dix-sept")) == "p. 1"
    assert first.part_at(first.text.index("Martinet")) == "p. 2"
    assert first.part_at(first.text.index("Son modèle")) == "p. 2"
    # kept in the index as they were cut
    from chatbot.store import ChromaStore

    store = ChromaStore(tmp_path / "chroma", embedder="test", dim=3)
    store.add([first], np.ones((1, 3), dtype=np.float32), fingerprint="f", info={})
    assert store.load()[0][0].turns == first.turns
