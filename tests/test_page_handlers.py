"""The page's handlers called as plain methods, without a browser: the real conversation store,
Chroma on disk and indexing; the embedder is the word-hash stand-in and no chat model is loaded."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from chatbot.app import App
from chatbot.errors import ModelError
from chatbot.ui import LIBRARY_COLUMNS, Page, build
from tests.fakes import WordHashEmbedder


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
        table, message, cancel = list(page.upload([str(good), str(bad)]))[-1]
    assert "✅ granite.txt indexé" in message
    assert "❌ tableau.bin : type non pris en charge" in message
    assert [row[0] for row in table] == ["granite.txt", "mistral.md — Mistral"]  # the latest first
    assert len(table[0]) == len(LIBRARY_COLUMNS) and cancel["visible"] is False
    assert (page.uploads / "granite.txt").is_file() and not (page.uploads / "tableau.bin").exists()
    # the question's scope picker offers the new document at once, and keeps what was chosen
    scope = page.documents_changed(["mistral.md"])
    assert scope["choices"] == ["granite.txt", "mistral.md"] and scope["value"] == ["mistral.md"]


def test_a_row_clicked_is_chosen_then_removed(page):
    rows = page.library()
    name, button = page.pick(rows, SimpleNamespace(index=[0, 3]))
    assert name == "mistral.md" and button["interactive"] is True
    table, message, chosen, button = page.remove(name)
    assert table == [] and "mistral.md retiré" in message and chosen is None
    assert page.app.store().documents() == {}
    assert page.documents_changed(["mistral.md"]) == gr.update(choices=[], value=[])  # gone from the picker too
    assert page.remove(None)[1] == "Cliquez d'abord sur un document du tableau."


def test_cancel_without_an_indexing_run_changes_nothing(page):
    assert page.cancel_ingest() == gr.update()


def test_an_empty_question_is_refused_before_anything_is_stored(page):
    with pytest.raises(gr.Error, match="La question est vide"):
        next(page.respond("   ", [], None, [], "", 0.0, 4, 64, _as("alice")))
    assert page.store.find("alice") == []


def test_conversations_are_searched_renamed_reopened_scoped_and_deleted_per_user(page):
    cid, mid = page.store.ask("alice", None, "Qui a fondé Mistral AI ?")
    page.store.stop(mid, "Mistral AI a été fondée")
    assert _choices(page.search_conversations("fondé", None, _as("alice")))[0].startswith("Qui a fondé Mistral AI ?")
    assert page.search_conversations("Granite", None, _as("alice"))["choices"] == []
    assert page.search_conversations("", None, _as("bob"))["choices"] == []  # bob's list is his own

    listed = page.rename_conversation(cid, "Fondateurs", "", _as("alice"))
    assert _choices(listed)[0].startswith("Fondateurs · ") and listed["value"] == cid
    with pytest.raises(gr.Error):
        page.rename_conversation(cid, "Volé", "", _as("bob"))

    page.remember_scope(cid, ["mistral.md"], _as("alice"))
    chat, opened, panel, title, scope, md, js = page.open_conversation(cid, _as("alice"))
    assert opened == cid and title["value"] == "Fondateurs" and scope["value"] == ["mistral.md"]
    assert chat[0] == {"role": "user", "content": "Qui a fondé Mistral AI ?"}
    assert "Mistral AI a été fondée" in chat[1]["content"] and "(réponse arrêtée)" in chat[1]["content"]
    assert "Les passages cités" in panel  # nothing was cited
    assert Path(md["value"]).read_text(encoding="utf-8").startswith("# Fondateurs")
    with pytest.raises(gr.Error):
        page.open_conversation(cid, _as("bob"))

    listed, *fresh = page.delete_conversation(cid, "", _as("alice"))
    assert listed["choices"] == [] and fresh[0] == [] and fresh[1] is None
    assert page.store.find("alice") == []


def test_deleting_a_conversation_answers_every_part_of_the_page_its_button_updates(page):
    """The button's handler gives one value per component it is wired to: one too many and
    Gradio refuses the whole update (the conversation is deleted, the page does not change)."""
    wired = {f.fn.__name__: f for f in build(page.app).fns.values() if hasattr(f.fn, "__self__")}
    cid, _ = page.store.ask("alice", None, "Sous quelle licence ?")
    for name, args in (("delete_conversation", (cid, "", _as("alice"))), ("new_conversation", ())):
        assert len(getattr(page, name)(*args)) == len(wired[name].outputs), name
    assert page.store.find("alice") == []


def test_a_model_that_fails_to_load_fails_the_question_with_its_reason(page, monkeypatch):
    def broken():
        raise ModelError("llama.cpp could not load broken.gguf: truncated. Is the file complete?")

    monkeypatch.setattr(page.app, "engine", broken)
    answering = page.respond("Qui a fondé Mistral AI ?", [], None, [], "", 0.0, 4, 64, _as("alice"))
    _, cid, *_ = next(answering)  # the question is stored and shown before the model is reached
    with pytest.raises(gr.Error, match="could not load broken.gguf"):
        next(answering)
    asked, failed = page.store.messages("alice", cid)
    assert failed.status == "error" and "broken.gguf" in failed.detail["error"]


def test_the_first_load_lists_the_users_conversations_and_the_documents(page):
    page.store.ask("alice", None, "Sous quelle licence ?")
    conversations, scope, table = page.on_load(_as("alice"))
    assert len(conversations["choices"]) == 1 and conversations["value"] is None
    assert scope["choices"] == ["mistral.md"] and [row[0] for row in table] == ["mistral.md — Mistral"]


def test_reading_ahead_switched_off_does_nothing(page):
    assert page.speculate("Qui a fondé", None, [], _as("alice")) is None
    assert page.typing == {}


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
        assert page.typing == {}
    finally:
        app.close()
