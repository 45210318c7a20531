"""The conversation store, on a real SQLite file: written as it happens, per user, exported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from chatbot.conversations import Conversations
from chatbot.domain import Answer, Source, Turn
from chatbot.errors import InputError

SOURCE = Source(n=1, doc="rapport.pdf", text="Le modèle Martinet compte 7 milliards de paramètres.",
                score=0.9, position=3, start=0, end=52, page=12, part="p. 12", section="Chiffres",
                title="Rapport Héron")


def _answer(question: str, text: str, **kw) -> Answer:
    return Answer(question, text, False, "petit.gguf", [SOURCE], passages=[SOURCE], **kw)


def test_a_conversation_is_written_as_it_happens_and_read_back_by_another_process(tmp_path):
    store = Conversations(tmp_path)
    cid, pending = store.ask("local", None, "Combien de paramètres compte Martinet ?")
    # before any answer, another process already sees the question and the pending answer
    script = (f"from pathlib import Path; "
              f"from chatbot.conversations import Conversations; "
              f"print([(m.role, m.status) for m in Conversations(Path({str(tmp_path)!r})).messages('local', {cid!r})])")
    seen = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert seen.strip() == "[('user', 'sent'), ('assistant', 'pending')]"
    store.answer(pending, _answer("Combien de paramètres compte Martinet ?", "7 milliards [1]."),
                 embedder="embeddinggemma-300m")
    [conv] = store.find("local")
    assert conv.title == "Combien de paramètres compte Martinet ?"
    m = store.messages("local", cid)[1]
    assert (m.status, m.content) == ("answered", "7 milliards [1].")
    assert m.detail["sources"][0]["text"] == SOURCE.text and m.detail["embedder"] == "embeddinggemma-300m"
    assert store.history("local", cid) == [Turn("user", "Combien de paramètres compte Martinet ?"),
                                           Turn("assistant", "7 milliards [1].")]


def test_stopped_withdrawn_and_interrupted_answers_are_kept_as_such(tmp_path):
    store = Conversations(tmp_path)
    cid, a = store.ask("local", None, "Qui dirige Héron ?")
    store.stop(a, "Amélie Dur")
    _, b = store.ask("local", cid, "Et Pinson ?")
    store.answer(b, Answer("Et Pinson ?", "Je ne trouve pas cette information dans les documents.", True,
                           "petit.gguf", retracted="Pinson a 13 milliards [1].", reason="« 13 » ne figure nulle part."))
    _, c = store.ask("local", cid, "Et Sittelle ?")  # the process dies here: the answer stays pending
    statuses = [(m.role, m.status) for m in store.messages("local", cid)]
    assert statuses == [("user", "sent"), ("assistant", "stopped"), ("user", "sent"), ("assistant", "retracted"),
                        ("user", "sent"), ("assistant", "pending")]
    # the model sees only questions that were answered (a withdrawn one reads as the decline)
    assert [t.role for t in store.history("local", cid)] == ["user", "assistant"]
    md = store.export_markdown("local", cid)
    assert "*(réponse arrêtée)*" in md and "~~Pinson a 13 milliards [1].~~" in md and "*(réponse interrompue)*" in md


def test_list_search_rename_delete_are_per_user(tmp_path):
    store = Conversations(tmp_path)
    a, _ = store.ask("alice", None, "Où est basée Mistral AI ?")
    b, _ = store.ask("bob", None, "Quelle licence pour Granite ?")
    c, m = store.ask("alice", None, "Qui a fondé Falcon ?")
    store.answer(m, _answer("Qui a fondé Falcon ?", "Le TII d'Abou Dabi [1]."))
    assert [x.id for x in store.find("alice")] == [c, a]  # the latest active first
    assert [x.id for x in store.find("alice", "abou dabi")] == [c]  # answers are searched too
    assert store.find("alice", "Granite") == []  # bob's conversations are not alice's
    with pytest.raises(InputError, match="no conversation"):
        store.messages("alice", b)
    with pytest.raises(InputError):
        store.delete("alice", b)
    store.rename("alice", a, "Mistral")
    assert store.get("alice", a).title == "Mistral"
    store.delete("alice", a)
    assert [x.id for x in store.find("alice")] == [c] and [x.id for x in store.find("bob")] == [b]


def test_exports_hold_each_answer_its_citations_and_the_passages_they_cite(tmp_path):
    store = Conversations(tmp_path)
    cid, m = store.ask("local", None, "Combien de paramètres compte Martinet ?", scope=["rapport.pdf"])
    store.answer(m, _answer("Combien de paramètres compte Martinet ?", "Martinet compte 7 milliards de paramètres [1]."),
                 scope=["rapport.pdf"])
    md = store.export_markdown("local", cid)
    assert "## Combien de paramètres compte Martinet ?" in md
    assert "Martinet compte 7 milliards de paramètres [1]." in md
    assert "- [1] **Rapport Héron** (rapport.pdf, p. 12, passage 4 — Chiffres) :" in md
    assert f"  > {SOURCE.text}" in md and "documents : rapport.pdf" in md
    data = json.loads(json.dumps(store.export_json("local", cid)))
    assert data["scope"] == ["rapport.pdf"]
    assert data["messages"][1]["sources"][0]["page"] == 12 and data["messages"][1]["status"] == "answered"


@pytest.mark.parametrize("source", [
    Source(n=2, doc="rapport.pdf", text="Le budget est de 12 M€.", score=0.51234, position=7, start=0, end=0,
           page=12, section="Budget", title="Rapport annuel"),
    Source(n=1, doc="notes.txt", text="Mistral AI est à Paris.", score=0.3, position=3, start=0, end=0),
    Source(n=3, doc="chiffres.xlsx", text="Total : 40", score=0.2, position=0, start=0, end=0, part="feuille Budget"),
])
def test_a_source_kept_with_a_conversation_is_shown_again_as_it_was_given(source):
    kept = json.loads(json.dumps(source.to_json(stored=True)))  # through the database's JSON
    again = Source.from_json(kept)
    assert (again.where, again.title, again.section, again.position, again.text) == (
        source.where, source.title, source.section, source.position, source.text)
    assert "position" not in source.to_json()  # the answer's JSON (`ask --json`, the API) is unchanged


def _exported(tmp_path, write, suffix):
    """A conversation of an answer citing one source twice and a stopped one, written by `write`."""
    store = Conversations(tmp_path)
    cid, pending = store.ask("local", None, "Combien de paramètres compte Martinet ?", ["rapport.pdf"])
    store.answer(pending, _answer("Combien de paramètres compte Martinet ?", "7 milliards [1], d'après le rapport [1]."))
    _, stopped = store.ask("local", cid, "Et <Pinson> ?", ["rapport.pdf"])
    store.stop(stopped, "Pinson compte")
    path = tmp_path / f"conversation{suffix}"
    path.write_bytes(write(store.get("local", cid), store.messages("local", cid)))
    return path


def test_a_conversation_exported_for_libreoffice_and_word_has_its_citations_as_footnotes(tmp_path):
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, Note, P

    from chatbot.ingest import read_document
    from chatbot.office import conversation_odt

    path = _exported(tmp_path, conversation_odt, ".odt")
    doc = load(str(path))  # odfpy reads it back as LibreOffice would
    headings = [teletype.extractText(h) for h in doc.getElementsByType(H)]
    assert headings == ["Combien de paramètres compte Martinet ?", "Combien de paramètres compte Martinet ?",
                        "Et <Pinson> ?"]
    notes = [teletype.extractText(n) for n in doc.getElementsByType(Note)]
    assert notes == ["1Rapport Héron (rapport.pdf, p. 12) : « Le modèle Martinet compte 7 milliards de paramètres. »",
                     "2Rapport Héron (rapport.pdf, p. 12) : « Le modèle Martinet compte 7 milliards de paramètres. »"]
    said = [teletype.extractText(p) for p in doc.getElementsByType(P)]
    assert "Documents interrogés : rapport.pdf" in said and "(réponse arrêtée)" in said
    # and the product's own reader finds the answers' text in it
    text = read_document(path).text
    assert "7 milliards" in text and "Pinson compte" in text


def test_a_conversation_exported_for_word_has_its_citations_as_footnotes(tmp_path):
    import zipfile
    from xml.etree import ElementTree

    from chatbot.ingest import read_document
    from chatbot.office import conversation_docx

    path = _exported(tmp_path, conversation_docx, ".docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as z:
        document = ElementTree.fromstring(z.read("word/document.xml"))
        notes = ElementTree.fromstring(z.read("word/footnotes.xml"))
    paragraphs = document.iter(f"{w}p")
    styled = [("".join(t.text or "" for t in p.iter(f"{w}t")), s.get(f"{w}val"))
              for p in paragraphs for s in p.iter(f"{w}pStyle")]
    assert styled == [("Combien de paramètres compte Martinet ?", "Heading1"),
                      ("Combien de paramètres compte Martinet ?", "Heading2"), ("Et <Pinson> ?", "Heading2")]
    referenced = [r.get(f"{w}id") for r in document.iter(f"{w}footnoteReference")]
    said = {n.get(f"{w}id"): "".join(t.text or "" for t in n.iter(f"{w}t")).strip() for n in notes}
    assert referenced == ["1", "2"]
    assert said["1"] == said["2"] == ("Rapport Héron (rapport.pdf, p. 12) : « Le modèle Martinet compte 7 milliards "
                                      "de paramètres. »")
    # the product's own reader (Word's format) finds the answers' text and headings in it
    doc = read_document(path)
    assert "7 milliards" in doc.text and "Pinson compte" in doc.text and "(réponse arrêtée)" in doc.text
    assert [h[2] for h in doc.headings][:2] == ["Combien de paramètres compte Martinet ?"] * 2


def test_rated_answers_become_the_readers_own_question_set(tmp_path):
    from chatbot.evaluate import feedback_items

    store = Conversations(tmp_path)
    cid, first = store.ask("alice", None, "Combien de paramètres compte Martinet ?", ["rapport.pdf"])
    store.answer(first, _answer("Combien de paramètres compte Martinet ?", "Le modèle Martinet compte 7 milliards [1]."),
                 scope=["rapport.pdf"])
    _, second = store.ask("alice", cid, "Qui a fondé Hirondelle ?")
    store.answer(second, _answer("Qui a fondé Hirondelle ?", "Claire Fontaine [1]."))
    _, third = store.ask("alice", cid, "Où est Pinson ?")
    store.answer(third, _answer("Où est Pinson ?", "À Nantes [1]."))
    store.rate("alice", cid, first, True)
    store.rate("alice", cid, second, False, correction="Jean Dupont")
    store.rate("alice", cid, third, False)
    with pytest.raises(InputError):
        store.rate("alice", cid, 999, True)
    with pytest.raises(InputError):  # another user's conversation
        store.rate("bob", cid, first, True)
    items = feedback_items(store, "alice")
    assert [(i.question, i.kind, i.facts, i.docs) for i in items] == [
        ("Combien de paramètres compte Martinet ?", "factual", [["Martinet"], ["7"]], ("rapport.pdf",)),
        ("Qui a fondé Hirondelle ?", "factual", [["Jean Dupont"]], ()),  # what it should have said
        ("Où est Pinson ?", "offtopic", [], ()),  # 👎 without a correction: to be declined
    ]
    store.rate("alice", cid, third, None)  # taken back
    assert len(feedback_items(store, "alice")) == 2 and feedback_items(store, "bob") == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
@pytest.mark.parametrize("suffix", [".odt", ".docx"])
def test_libreoffice_opens_both_exports_with_their_footnotes(tmp_path, suffix):
    from pypdf import PdfReader

    from chatbot.office import conversation_docx, conversation_odt

    path = _exported(tmp_path, conversation_odt if suffix == ".odt" else conversation_docx, suffix)
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "conversation.pdf").pages)
    assert "Combien de paramètres compte Martinet ?" in text and "(réponse arrêtée)" in text
    assert text.count("Rapport Héron (rapport.pdf, p. 12) : « Le modèle Martinet compte 7 milliards de paramètres. »") == 2


def test_one_answer_is_exported_with_its_question_alone(tmp_path):
    from chatbot.ingest import read_document
    from chatbot.office import conversation_docx, one_answer

    store = Conversations(tmp_path)
    cid, first = store.ask("local", None, "Combien de paramètres compte Martinet ?")
    store.answer(first, _answer("Combien de paramètres compte Martinet ?", "7 milliards [1]."))
    _, second = store.ask("local", cid, "Et sa licence ?")
    store.answer(second, _answer("Et sa licence ?", "Apache 2.0 [1]."))
    messages = store.messages("local", cid)
    assert [m.content for m in one_answer(messages)] == ["Et sa licence ?", "Apache 2.0 [1]."]
    assert [m.content for m in one_answer(messages, 1)] == ["Combien de paramètres compte Martinet ?", "7 milliards [1]."]
    assert one_answer(messages, 3) == [] and one_answer(messages[:1]) == []
    path = tmp_path / "reponse.docx"
    path.write_bytes(conversation_docx(store.get("local", cid), one_answer(messages)))
    text = read_document(path).text
    assert "Apache 2.0" in text and "Et sa licence ?" in text and "7 milliards" not in text
