"""The page's handlers called as plain methods, without a browser: the real conversation store,
Chroma on disk and indexing; the embedder is the word-hash stand-in and no chat model is loaded."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from chatbot.app import App
from chatbot.errors import ModelError
from chatbot.ui import LIBRARY_COLUMNS, Page, build, named
from fakes import WordHashEmbedder


@pytest.fixture()
def page(settings_factory, tmp_path):
    app = App(settings_factory(speculate=False), embedder=WordHashEmbedder())
    doc = tmp_path / "mistral.md"
    doc.write_text("# Mistral\n\nMistral AI, fondée à Paris en 2023, publie Mistral 7B sous licence Apache 2.0.\n",
                   encoding="utf-8")
    app.ingest([doc])
    yield Page(app)
    app.close()


def _as(user: str) -> SimpleNamespace:
    return SimpleNamespace(username=user, session_hash=f"tab-{user}")


def _choices(update: dict) -> list[str]:
    return [label for label, _ in update["choices"]]


def test_upload_indexes_what_it_can_read_and_names_what_it_refuses(page, tmp_path):
    good, bad = tmp_path / "granite.txt", tmp_path / "tableau.bin"
    good.write_text("IBM publie Granite 3.0 sous licence Apache 2.0.", encoding="utf-8")
    bad.write_bytes(b"\x00\x01")
    with pytest.warns(UserWarning, match="tableau.bin"):  # gr.Warning: the toast the page shows
        done = list(page.upload([str(good), str(bad)]))[-1]
    table, message, cancel = done["library"], done["upload_status"], done["cancel"]
    assert "✅ granite.txt indexé" in message
    assert "❌ tableau.bin : type non pris en charge" in message
    assert [row[0] for row in table] == ["granite.txt", "mistral.md — Mistral"]  # the latest first
    assert len(table[0]) == len(LIBRARY_COLUMNS) and cancel["visible"] is False
    assert (page.uploads / "granite.txt").is_file() and not (page.uploads / "tableau.bin").exists()
    # the question's scope picker offers the new document at once, and keeps what was chosen
    scope = page.documents_changed(["mistral.md"])["scope"]
    assert scope["choices"] == ["granite.txt", "mistral.md"] and scope["value"] == ["mistral.md"]


def test_an_upload_says_in_french_what_of_a_file_was_left_out(page, tmp_path, monkeypatch):
    import chatbot.indexing
    import chatbot.ui.documents
    from damaged import _epub, _noise

    monkeypatch.setattr(chatbot.indexing, "MAX_PASSAGES", 3)
    monkeypatch.setattr(chatbot.ui.documents, "MAX_PASSAGES", 3)
    book, log = tmp_path / "livre.epub", tmp_path / "journal.txt"
    book.write_bytes(_epub([b"Le projet Hirondelle est une coop\xc3\xa9rative fond\xc3\xa9e \xc3\xa0 Lyon.",
                            _noise(4000).replace(b"<", b" ").replace(b"&", b" ")]))
    log.write_text("\n\n".join(f"Le relevé {i} de la station donne {i * 7} mm de pluie ce jour-là." * 12
                                for i in range(20)), encoding="utf-8")
    message = list(page.upload([str(book), str(log)]))[-1]["upload_status"]
    assert "✅ livre.epub indexé (1 partie illisible laissée de côté)" in message, message
    assert "✅ journal.txt indexé (seuls ses 3 premiers passages sur" in message, message


def test_a_row_clicked_is_chosen_then_removed(page):
    rows = page.library()
    picked = page.pick(rows, SimpleNamespace(index=[0, 3]))
    assert picked["to_remove"] == "mistral.md" and picked["remove"]["interactive"] is True
    removed = page.remove(picked["to_remove"])
    assert removed["library"] == [] and "mistral.md retiré" in removed["upload_status"]
    assert removed["to_remove"] is None and removed["remove"]["interactive"] is False
    assert page.app.store().documents() == {}
    assert page.documents_changed(["mistral.md"]) == {"scope": gr.update(choices=[], value=[])}  # gone from the picker
    assert page.remove(None) == {"upload_status": "Cliquez d'abord sur un document du tableau."}


def test_cancel_without_an_indexing_run_changes_nothing(page):
    assert page.cancel_ingest() == {}


def test_an_empty_question_is_refused_before_anything_is_stored(page):
    with pytest.raises(gr.Error, match="La question est vide"):
        next(page.respond("   ", [], None, [], "", 0.0, 4, 64, _as("alice")))
    assert page.store.find("alice") == []


def test_conversations_are_searched_renamed_reopened_scoped_and_deleted_per_user(page):
    cid, mid = page.store.ask("alice", None, "Qui a fondé Mistral AI ?")
    page.store.stop(mid, "Mistral AI a été fondée")
    found = page.search_conversations("fondé", None, _as("alice"))["conversations"]
    assert _choices(found)[0].startswith("Qui a fondé Mistral AI ?")
    assert page.search_conversations("Granite", None, _as("alice"))["conversations"]["choices"] == []
    assert page.search_conversations("", None, _as("bob"))["conversations"]["choices"] == []  # bob's own list

    listed = page.rename_conversation(cid, "Fondateurs", "", _as("alice"))["conversations"]
    assert _choices(listed)[0].startswith("Fondateurs · ") and listed["value"] == cid
    with pytest.raises(gr.Error):
        page.rename_conversation(cid, "Volé", "", _as("bob"))

    page.remember_scope(cid, ["mistral.md"], _as("alice"))
    o = page.open_conversation(cid, _as("alice"))
    chat, opened, panel, title, scope, md = (o["chat"], o["conversation"], o["sources"], o["title"], o["scope"],
                                             o["export_md"])
    assert opened == cid and title["value"] == "Fondateurs" and scope["value"] == ["mistral.md"]
    assert chat[0] == {"role": "user", "content": "Qui a fondé Mistral AI ?"}
    assert "Mistral AI a été fondée" in chat[1]["content"] and "(réponse arrêtée)" in chat[1]["content"]
    assert "Les passages cités" in panel  # nothing was cited
    assert Path(md["value"]).read_text(encoding="utf-8").startswith("# Fondateurs")
    with pytest.raises(gr.Error):
        page.open_conversation(cid, _as("bob"))

    fresh = page.delete_conversation(cid, "", _as("alice"))
    assert fresh["conversations"]["choices"] == [] and fresh["chat"] == [] and fresh["conversation"] is None
    assert fresh["export_md"]["interactive"] is False
    assert page.store.find("alice") == []


def test_exports_offered_again_and_again_leave_two_folders_a_user_and_none_when_done(settings_factory):
    app = App(settings_factory(speculate=False), embedder=WordHashEmbedder())
    page = Page(app)
    cid, mid = page.store.ask("alice", None, "Qui a fondé Mistral AI ?")
    page.store.stop(mid, "Mistral AI a été fondée")
    offered = [page.open_conversation(cid, _as("alice"))["export_md"]["value"] for _ in range(5)]
    assert [Path(p).exists() for p in offered] == [False, False, False, True, True]
    assert Path(offered[-1]).read_text(encoding="utf-8").startswith("# Qui a fondé")
    root = Path(page._exports.name)
    assert len(list(root.iterdir())) == 2
    page._exports.cleanup()  # what the process's end does
    assert not root.exists()
    app.close()


@pytest.mark.model  # building the page names the model it loaded
def test_every_event_gives_gradio_one_value_per_widget_it_is_wired_to(page):
    """Handlers name what they update; the wiring orders it for Gradio, one value per output:
    one too many and Gradio refuses the whole update (the conversation deleted, the page unchanged)."""
    demo = build(page.app)
    wired = {f.fn.__name__: f for f in demo.fns.values() if f.fn is not None}
    cid, _ = page.store.ask("alice", None, "Sous quelle licence ?")
    for name, args in (("delete_conversation", (cid, "", _as("alice"))), ("new_conversation", ())):
        values = wired[name].fn(*args)
        assert len(values) == len(wired[name].outputs), name
        assert [o is demo.widgets["chat"] for o in wired[name].outputs].index(True) == 0
    assert page.store.find("alice") == []
    # a handler that names a widget it is not wired to fails at once, and so does a name no widget has
    with pytest.raises(ValueError, match="not wired"):
        named(lambda: {"chat": [], "title": "x"}, ["chat"])()
    with pytest.raises(ValueError, match="no widget"):
        named(lambda: {}, ["chats"])


def test_a_model_that_fails_to_load_fails_the_question_with_its_reason(page, monkeypatch):
    def broken():
        raise ModelError("llama.cpp could not load broken.gguf: truncated. Is the file complete?")

    monkeypatch.setattr(page.app, "engine", broken)
    answering = page.respond("Qui a fondé Mistral AI ?", [], None, [], "", 0.0, 4, 64, _as("alice"))
    cid = next(answering)["conversation"]  # the question is stored and shown before the model is reached
    with pytest.raises(gr.Error, match="could not load broken.gguf"):
        next(answering)
    asked, failed = page.store.messages("alice", cid)
    assert failed.status == "error" and "broken.gguf" in failed.detail["error"]


def test_the_first_load_lists_the_users_conversations_and_the_documents(page):
    page.store.ask("alice", None, "Sous quelle licence ?")
    loaded = page.on_load(_as("alice"))
    conversations, scope, table = loaded["conversations"], loaded["scope"], loaded["library"]
    assert len(conversations["choices"]) == 1 and conversations["value"] is None
    assert scope["choices"] == ["mistral.md"] and [row[0] for row in table] == ["mistral.md — Mistral"]


def test_reading_ahead_switched_off_does_nothing(page):
    assert page.speculate("Qui a fondé", None, [], _as("alice")) is None
    assert len(page.typing) == 0


def test_a_question_is_read_ahead_after_a_word_or_inside_a_document_word_not_inside_another():
    from chatbot.ui import read_ahead_after

    inside, word, asked = (read_ahead_after(t, completes=False)
                           for t in ("Qui a fondé Mistx", "Qui a fondé Mistral ", "Qui a fondé Mistral ?"))
    assert asked < word < inside
    assert read_ahead_after("Qui a fondé Mist", completes=True) == word
    assert read_ahead_after("Qui a fondé Mistral,", completes=False) == word
    assert read_ahead_after("Qui ? ", completes=False) == asked


def test_a_tab_that_stops_typing_leaves_nothing_behind(settings_factory):
    from chatbot.remote import RemoteModel

    # a model served elsewhere keeps its own cache: the page waits for the pause, reads nothing
    model = RemoteModel("http://127.0.0.1:9/v1", model="absent")
    app = App(settings_factory(speculate=True), embedder=WordHashEmbedder(), model=model)
    try:
        page = Page(app)
        page.speculate("Qui a fondé Mistral ", None, [], _as("alice"))
        page.speculate("Qui a fondé Mist", None, [], _as("bob"))
        assert len(page.typing) == 0
    finally:
        app.close()


def test_the_page_counts_the_documents_words_after_start_up_not_at_the_first_key(settings_factory, tmp_path):
    import time

    from chatbot.remote import RemoteModel

    doc = tmp_path / "mistral.md"
    doc.write_text("Mistral AI, fondée à Paris en 2023, publie Mistral 7B.\n", encoding="utf-8")
    model = RemoteModel("http://127.0.0.1:9/v1", model="absent")  # loads nothing
    app = App(settings_factory(), embedder=WordHashEmbedder(), model=model)
    try:
        app.ingest([doc])
        app.warm_up()  # what `serve` does before the page opens
        retriever = app.retriever()
        deadline = time.monotonic() + 10
        while "_completer" not in retriever.__dict__ and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "_completer" in retriever.__dict__  # counted in the background, ready for the first key
        assert retriever.complete("Qui a fondé Mis") == "Qui a fondé Mistral"
    finally:
        app.close()


def test_a_thumb_on_an_answer_is_kept_with_it_for_the_users_own_test_set(page):
    cid, mid = page.store.ask("alice", None, "Qui a fondé Mistral AI ?")
    page.store.stop(mid, "Mistral AI a été fondée à Paris", status="answered")
    page.rate(cid, SimpleNamespace(index=1, liked=False, value=None), _as("alice"))  # the answer's bubble
    page.rate(cid, SimpleNamespace(index=0, liked=True, value=None), _as("alice"))  # the question's: nothing
    [(question, answer)] = page.store.rated("alice")
    assert question == "Qui a fondé Mistral AI ?" and answer.detail["feedback"]["liked"] is False
    assert page.store.rated("bob") == []


def test_a_thumb_down_opens_a_field_for_what_the_answer_should_have_said(page):
    from chatbot.evaluate import feedback_items

    cid, mid = page.store.ask("alice", None, "Qui a fondé Mistral AI ?")
    page.store.stop(mid, "Mistral AI a été fondée à Paris", status="answered")
    opened = page.rate(cid, SimpleNamespace(index=1, liked=False, value=None), _as("alice"))
    assert opened["correction"]["visible"] is True and opened["corrected"] == (cid, mid)
    closed = page.correct(opened["corrected"], "Arthur Mensch, Guillaume Lample et Timothée Lacroix", _as("alice"))
    assert closed["correction"]["visible"] is False and closed["corrected"] is None
    [item] = feedback_items(page.store, "alice")
    assert item.facts == [["Arthur Mensch, Guillaume Lample et Timothée Lacroix"]]  # expected when scored again
    # a 👍 closes the field; an answer deleted meanwhile is said, not raised
    assert page.rate(cid, SimpleNamespace(index=1, liked=True, value=None), _as("alice"))["correct"]["visible"] is False
    page.store.delete("alice", cid)
    with pytest.warns(UserWarning, match="n'existe plus"):
        page.correct((cid, mid), "Arthur Mensch", _as("alice"))


def test_a_source_opens_in_its_original_at_the_cited_sentence(page, tmp_path, monkeypatch):
    import base64
    import io

    from PIL import Image

    from chatbot.domain import Source
    from damaged import TWO_PAGES, pdf_pages

    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(pdf_pages(*TWO_PAGES))
    page.app.ingest([pdf])
    sentence = "Son modèle phare, Martinet, est publié sous licence Apache 2.0 depuis le printemps dernier par la coopérative"
    cited = [Source(n=1, doc="rapport.pdf", text=sentence, score=1.0, position=0, start=0, end=0, page=1,
                    part="pp. 1–2", sentence=sentence, at="p. 2").to_json(stored=True),
             Source(n=2, doc="mistral.md", text="Mistral AI, fondée à Paris en 2023", score=1.0, position=1,
                    start=0, end=0).to_json(stored=True)]
    assert page.shown([Source.from_json(d) for d in cited])["originals"]["choices"] == [
        ("[1] rapport.pdf — p. 2", "1"), ("[2] mistral.md — passage 2", "2")]
    # the passage opens on page 1: the sentence is found on page 2, drawn with the sentence marked
    shown = page.show_original("1", cited)["original"]
    assert "rapport.pdf</b> — p. 2 : la phrase citée est surlignée" in shown
    png = base64.b64decode(shown.split("base64,", 1)[1].split("'", 1)[0])
    image = Image.open(io.BytesIO(png)).convert("RGB")
    yellow = sum(1 for r, g, b in image.getdata() if r > 240 and 200 < g < 240 and b < 200)
    assert yellow > 1000, yellow  # the mark: a band the width of the sentence
    assert len(list((page.settings.data_dir / "previews").glob("*.png"))) == 1  # drawn once, then read back
    assert page.show_original("1", cited)["original"] == shown
    # a text document: its text, the sentence marked for the page to scroll to
    text = page.show_original("2", cited)["original"]
    assert "<mark id='original-mark'>Mistral AI, fondée à Paris en 2023</mark>" in text
    # a file its reader now fails on (changed since, damaged): the text as it was indexed
    import zlib

    import chatbot.ui.chat

    def damaged(*_):
        raise zlib.error("invalid stored block lengths")

    monkeypatch.setattr(chatbot.ui.chat, "read_document", damaged)
    assert "<mark id='original-mark'>Mistral AI, fondée à Paris en 2023</mark>" in page.show_original("2", cited)["original"]
    monkeypatch.undo()
    # a file gone since it was indexed: said, nothing else is shown
    pdf.unlink()
    assert "n'est plus là où il a été indexé" in page.show_original("1", cited)["original"]
    assert page.show_original("9", cited) == {"original": ""}
