"""One owner for the index, with real processes: ingests take turns; the running page takes them over."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chatbot.owner import IndexLock
from conftest import EMBEDDER, SMALL_LLM, free_port, start_page


def _env(data: Path) -> dict:
    return dict(os.environ, CHATBOT_DATA_DIR=str(data), CHATBOT_MODEL=str(SMALL_LLM),
                CHATBOT_EMBED_MODEL=str(EMBEDDER))


def _ingest(data: Path, *paths: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chatbot", "ingest", *map(str, paths)], env=_env(data),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _long_doc(folder: Path, name: str, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(f"Le paragraphe {i} décrit l'étape {i} du projet Sterne, "
                                         f"menée à Brest par l'équipe numéro {i}." * 4 for i in range(n)),
                               encoding="utf-8")
    return folder / name


def test_an_ingest_waits_for_the_one_writing_then_runs(tmp_path):
    data = tmp_path / "data"
    held = IndexLock(data)
    assert held.acquire("ingest")  # another `chatbot ingest`, as far as the command can tell
    note = tmp_path / "docs" / "note.md"
    note.parent.mkdir()
    note.write_text("Le projet Fou de Bassan est mené à Lorient.", encoding="utf-8")
    proc = _ingest(data, note.parent)
    try:
        line = proc.stderr.readline()
        assert f"waiting: another process ({os.getpid()} ingest) is writing the index" in line
        time.sleep(1.0)
        assert proc.poll() is None  # it waits as long as the lock is held
    finally:
        held.release()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "1 added" in out and "the index holds 1 passages" in out
    assert IndexLock(data).acquire("test")  # and the lock is free again


@pytest.fixture(scope="module")
def page_server(seeded_data_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("owner") / "data"
    shutil.copytree(seeded_data_dir, data)
    port = free_port()
    proc = start_page(data, port, tmp_path_factory.mktemp("log") / "serve.log")
    yield f"http://127.0.0.1:{port}/", data
    proc.terminate()
    proc.wait(timeout=30)


def _ask(url: str, question: str) -> dict:
    from gradio_client import Client

    return Client(url, verbose=False).predict(question, None, api_name="/ask")


@pytest.mark.model
@pytest.mark.slow
def test_ingest_while_the_page_runs_is_done_by_the_page_which_answers_from_it(page_server, tmp_path):
    url, data = page_server
    before = _ask(url, "Quel est le code du projet Albatros ?")
    assert before["refused"] and not before["sources"]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "albatros.md").write_text("Le code du projet Albatros est 4471, selon la note interne de Héron.",
                                      encoding="utf-8")
    out, err = _ingest(data, docs).communicate(timeout=300)
    assert "the running page indexed them and answers from them now" in err, err
    assert "1 added" in out
    after = _ask(url, "Quel est le code du projet Albatros ?")  # no restart
    assert [s["doc"] for s in after["sources"]] == ["albatros.md"]
    assert "4471" in after["answer"]


@pytest.mark.model
@pytest.mark.slow
def test_an_ingest_killed_while_the_page_indexes_leaves_nothing_half_written(page_server, tmp_path):
    url, data = page_server
    doc = _long_doc(tmp_path / "docs", "sterne.txt", 150)
    proc = _ingest(data, doc.parent)
    for line in proc.stderr:  # the page is indexing, and has a long way to go
        if line.startswith("indexing: 32/"):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the page stops at its next step, writes nothing of the document, and keeps answering
    assert "answer" in _ask(url, "Où l'étape 12 du projet Sterne est-elle menée ?")
    out, err = _ingest(data, doc.parent).communicate(timeout=600)
    assert "1 added, 0 updated" in out, out + err  # "added", not "updated": nothing was stored before
    answer = _ask(url, "Quelle équipe mène l'étape 12 du projet Sterne ?")
    assert any(s["doc"] == "sterne.txt" for s in answer["sources"])
