"""Shared fixtures: the real seeds, the real embedder, the small real model, Chroma on disk.

Expensive things are built once per session. `make test` provisions the models first; a run
without them fails with a message that says so, rather than skipping silently.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MODELS = ROOT / "models"
SMALL_LLM = MODELS / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
EMBEDDER = MODELS / "embeddinggemma-300m"
MINILM = MODELS / "all-minilm-l6-v2"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make test` (it provisions the models) first.")
    return path


@pytest.fixture(scope="session")
def tesseract() -> str:
    """Tesseract with French, which `make test` installs (`make ocr`)."""
    from chatbot import ocr

    if not ocr.languages():
        pytest.fail("Tesseract with French is missing: run `make test` (it installs it) or `make ocr`.")
    return ocr.languages()


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from chatbot.config import Settings

    def make(**overrides):
        base = dict(
            model=str(SMALL_LLM),
            embed_model=str(EMBEDDER),
            data_dir=tmp_path_factory.mktemp("data"),
            temperature=0.0,
            seed=0,
        )
        base.update(overrides)
        return Settings(**base)

    return make


@pytest.fixture(scope="session")
def embedder():
    from chatbot.embed import load_embedder

    return load_embedder(_require(EMBEDDER))


@pytest.fixture(scope="session")
def seeded_app(settings_factory, embedder):
    """An App whose index holds the five seeds, embedded once for the whole session."""
    from chatbot.app import App

    _require(SMALL_LLM)
    app = App(settings_factory(), embedder=embedder)  # the loaded model is shared between fixtures
    report = app.ingest([SEEDS])
    assert len(report.added) == 5, report
    yield app
    app.close()


@pytest.fixture(scope="session")
def seeded_data_dir(seeded_app, tmp_path_factory) -> Path:
    """A copy of the seeded index, for processes of their own (CLI, server)."""
    dest = tmp_path_factory.mktemp("seeded") / "data"
    shutil.copytree(seeded_app.settings.data_dir, dest)
    return dest


@pytest.fixture
def engine(seeded_app):
    """The app's current engine (a test may have swapped the model in between)."""
    return seeded_app.engine()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_page(data: Path, port: int, log: Path, **env: str):
    """`chatbot serve` on a data folder, with the small model; returns once the page answers
    (a login page, 401, counts). Its output goes to `log`."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    full = dict(os.environ, CHATBOT_DATA_DIR=str(data), CHATBOT_MODEL=str(SMALL_LLM),
                CHATBOT_EMBED_MODEL=str(EMBEDDER))
    full.update(env)
    with log.open("a") as out:
        proc = subprocess.Popen([sys.executable, "-m", "chatbot", "serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=full)
    deadline = time.time() + 240
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("the page stopped: " + log.read_text())
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except urllib.error.HTTPError:
            return proc
        except OSError:
            time.sleep(1)
    proc.kill()
    pytest.fail("the page did not come up: " + log.read_text())


@contextlib.contextmanager
def fresh_browser():
    """Debian's Chromium, headless, in a new profile with background networking off; its
    language is English, so that the page must make itself French."""
    import tempfile

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="chromium-"), executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
            viewport={"width": 1400, "height": 1000}, locale="en-US", accept_downloads=True,
        )
        try:
            yield ctx
        finally:
            ctx.close()

