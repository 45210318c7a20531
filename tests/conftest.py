"""Shared fixtures: the real seeds, the real embedder, the small real model, Chroma on disk.

Expensive things are built once per session. `make test` provisions the models first; a run
without them fails with a message that says so, rather than skipping silently.
"""

from __future__ import annotations

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
