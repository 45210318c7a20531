"""Scaling out: a real `chroma run` server and a real `python -m llama_cpp.server` on loopback.

The product talks to them through CHATBOT_CHROMA_URL and CHATBOT_LLM_URL with no change of code;
the embedded store and the in-process model stay the defaults.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import EMBEDDER, SEEDS, SMALL_LLM

pytestmark = pytest.mark.model


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer in {timeout} s: {log.read_text()[-2000:]}")


def _start(cmd: list[str], url: str, log: Path):
    out = log.open("w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    _wait(url, proc, log)
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        chroma = Path(shutil.which("chroma") or "chroma")
    d = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start([str(chroma), "run", "--path", str(d / "db"), "--host", "127.0.0.1",
                   "--port", str(port)], f"{url}/api/v2/heartbeat", d / "log")
    yield url
    _stop(proc)


@pytest.fixture(scope="module")
def llm_url(tmp_path_factory):
    d = tmp_path_factory.mktemp("llm-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/v1"
    proc = _start([sys.executable, "-m", "llama_cpp.server", "--model", str(SMALL_LLM),
                   "--model_alias", "small", "--host", "127.0.0.1", "--port", str(port),
                   "--n_ctx", "4096", "--verbose", "False"], f"{url}/models", d / "log")
    yield url
    _stop(proc)


@pytest.fixture(scope="module")
def server_app(chroma_url, settings_factory, embedder):
    from chatbot.app import App

    app = App(settings_factory(chroma_url=chroma_url), embedder=embedder)
    report = app.ingest([SEEDS / "002_252018651c2d012b.txt", SEEDS / "000_4937d34f26cd696d.txt"])
    assert len(report.added) == 2, report
    yield app
    app.close()


def test_ingest_and_search_against_a_chroma_server(server_app, chroma_url):
    from chatbot.store import ChromaStore

    # the passages live on the server: another client sees them, and nothing was written locally
    other = ChromaStore(None, embedder=server_app.embedder_name, url=chroma_url)
    assert other.count() == len(server_app.retriever()) > 10
    assert not (server_app.settings.data_dir / "chroma").exists()
    hits = server_app.engine_for_retrieval().searcher.search("Où est basée la start-up Mistral AI ?", 3)
    assert "Paris" in hits[0].passage.text
    # a re-run changes nothing
    assert server_app.ingest([SEEDS / "002_252018651c2d012b.txt"]).unchanged == ["002_252018651c2d012b.txt"]


def test_another_clients_writes_are_searched_at_once(server_app, chroma_url, settings_factory, embedder):
    """The lexical index follows the server: rebuilt from its passages when any client writes."""
    from chatbot.app import App

    before = len(server_app.retriever())
    other = App(settings_factory(chroma_url=chroma_url), embedder=embedder)
    other.ingest([SEEDS / "004_4aa242230e059d09.txt"])
    try:
        engine = server_app.engine_for_retrieval() if server_app._model is None else server_app.engine()
        assert len(server_app.retriever()) > before
        hits = engine.searcher.search("Quel modèle de Meta est cité comme exemple de modèle open source ?", 5)
        assert any(h.passage.doc == "004_4aa242230e059d09.txt" for h in hits)
    finally:
        other.remove_document("004_4aa242230e059d09.txt")
    assert len(server_app.retriever()) == before


def test_ask_through_a_llama_cpp_server_and_a_chroma_server(chroma_url, llm_url, tmp_path):
    env = dict(os.environ, CHATBOT_CHROMA_URL=chroma_url, CHATBOT_LLM_URL=llm_url,
               CHATBOT_EMBED_MODEL=str(EMBEDDER), CHATBOT_DATA_DIR=str(tmp_path / "unused"),
               CHATBOT_MODEL=str(tmp_path / "no-local-model.gguf"))
    done = subprocess.run([sys.executable, "-m", "chatbot", "ask", "--json",
                           "Où est basée la start-up Mistral AI ?"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    a = json.loads(done.stdout)
    assert not a["refused"] and "Paris" in a["answer"], a
    assert a["sources"] and re.search(r"\[\d\]", a["answer"]), a
    assert a["model"].startswith(llm_url)
    assert a["timings"]["ttft_ms"] > 0 and a["timings"]["gen_tokens"] > 0
    # off-topic questions are still declined before any server is asked
    done = subprocess.run([sys.executable, "-m", "chatbot", "ask", "--json",
                           "Quelle est la capitale de l'Australie ?"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert json.loads(done.stdout)["refused"] is True


def test_remote_model_streams_and_answers_in_french_to_english(llm_url):
    from chatbot.domain import GenStats, Turn
    from chatbot.remote import RemoteModel

    m = RemoteModel(llm_url)
    assert m.name == "small"
    stats = GenStats()
    pieces = list(m.stream([Turn("user", "Count from one to ten in words.")], max_tokens=40,
                           stats=stats))
    assert len(pieces) > 5, pieces  # streamed, not delivered in one block
    assert stats.ttft_ms > 0 and stats.gen_tokens > 0
    pieces = list(m.stream([Turn("user", "Say hello.")], max_tokens=12, prefix="D'après les documents, "))
    assert pieces[0] == "D'après les documents, " and len(pieces) >= 2
    m.close()


@pytest.mark.parametrize("var", ["CHATBOT_CHROMA_URL", "CHATBOT_LLM_URL"])
def test_a_server_that_is_not_there_gets_a_clear_message(var, seeded_data_dir, tmp_path):
    dead = f"http://127.0.0.1:{_free_port()}" + ("/v1" if var == "CHATBOT_LLM_URL" else "")
    env = dict(os.environ, CHATBOT_EMBED_MODEL=str(EMBEDDER), CHATBOT_MODEL=str(SMALL_LLM),
               CHATBOT_DATA_DIR=str(seeded_data_dir), **{var: dead})
    done = subprocess.run([sys.executable, "-m", "chatbot", "ask", "Où est basée Mistral AI ?"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert dead in done.stderr and ("Chroma" in done.stderr or "model server" in done.stderr), done.stderr
