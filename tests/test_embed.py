"""The two embedding back ends: the ONNX Runtime export and sentence-transformers agree."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from chatbot import export
from chatbot.domain import Passage
from chatbot.embed import (
    ONNX_DIR,
    ONNX_STAMP,
    QUERY_GRAPH,
    QUERY_STAMP,
    SentenceEmbedder,
    load_embedder,
)
from chatbot.export import export_onnx, quantize_queries
from conftest import EMBEDDER, MINILM, ROOT, _require

QUESTIONS = ["Qui a fondé Mistral AI ?", "Under which licence is Granite released?"]
PASSAGES = [
    Passage(id="a", doc="a.md", text="Mistral AI, fondée à Paris en 2023, publie ses modèles.",
            position=0, start=0, end=55, title="Mistral"),
    Passage(id="b", doc="b.md", text="IBM publie Granite 3.0 sous licence Apache 2.0. " * 40,
            position=0, start=0, end=1960),
]


@pytest.mark.slow
def test_embeddinggemma_export_gives_sentence_transformers_vectors(embedder):
    assert embedder.backend == "onnxruntime, int8 queries", "make test exports it when it pulls it"
    reference = SentenceEmbedder(_require(EMBEDDER))
    for q in QUESTIONS:  # queries through the int8 graph: close, not equal
        assert 0.97 < float(embedder.embed_query(q) @ reference.embed_query(q)) < 0.9999
    got, want = embedder.embed_documents(PASSAGES), reference.embed_documents(PASSAGES)
    assert np.all(np.sum(got * want, axis=1) > 0.9999)  # titles in the prompt, long text truncated
    # sentences, for choosing excerpts, through the int8 graph with the passages' own prompt
    close = np.sum(embedder.embed_sentences(PASSAGES) * want, axis=1)
    assert np.all((close > 0.95) & (close < 0.9999))


@pytest.fixture()
def minilm_copy(tmp_path):
    dest = tmp_path / "all-minilm-l6-v2"
    shutil.copytree(_require(MINILM), dest, ignore=shutil.ignore_patterns(ONNX_DIR))
    return dest


@pytest.mark.slow
def test_export_is_used_only_while_it_matches_the_weights(minilm_copy):
    assert load_embedder(minilm_copy).backend == "sentence-transformers"  # nothing exported yet
    assert export_onnx(minilm_copy)
    fast = load_embedder(minilm_copy)
    assert fast.backend == "onnxruntime"
    stamp_file = minilm_copy / ONNX_DIR / ONNX_STAMP
    stamp = json.loads(stamp_file.read_text())
    stamp["weights"] = "1:other-weights"
    stamp_file.write_text(json.dumps(stamp))
    slow = load_embedder(minilm_copy)
    assert slow.backend == "sentence-transformers"
    assert float(fast.embed_query(QUESTIONS[0]) @ slow.embed_query(QUESTIONS[0])) > 0.9999


@pytest.mark.slow
def test_int8_query_graph_is_kept_only_while_it_stays_close_to_float32(minilm_copy, monkeypatch):
    assert export_onnx(minilm_copy)
    exact = load_embedder(minilm_copy)
    assert exact.backend == "onnxruntime"
    monkeypatch.setattr(export, "QUERY_MIN_COSINE", 1.0)  # no int8 graph is that close
    assert quantize_queries(minilm_copy) is None
    assert sorted(f.name for f in (minilm_copy / ONNX_DIR).iterdir()) == sorted(
        ["chatbot-encoder.onnx", "tokenizer.json", ONNX_STAMP])  # nothing half-made left behind
    monkeypatch.undo()
    worst = quantize_queries(minilm_copy)
    assert worst is not None and 0.97 <= worst < 1.0
    assert (minilm_copy / ONNX_DIR / QUERY_GRAPH).is_file()
    assert json.loads((minilm_copy / ONNX_DIR / QUERY_STAMP).read_text())["min_cosine"] == round(worst, 5)
    assert quantize_queries(minilm_copy) == round(worst, 5)  # a no-op now
    fast = load_embedder(minilm_copy)
    assert fast.backend == "onnxruntime, int8 queries"
    assert fast._docs is None  # the passage graph waits for passages
    for q in QUESTIONS:
        assert 0.97 < float(fast.embed_query(q) @ exact.embed_query(q)) < 0.9999
    assert np.allclose(fast.embed_documents(PASSAGES), exact.embed_documents(PASSAGES), atol=1e-6)
    stamp = json.loads((minilm_copy / ONNX_DIR / ONNX_STAMP).read_text())
    stamp["weights"] = "1:other-weights"
    (minilm_copy / ONNX_DIR / ONNX_STAMP).write_text(json.dumps(stamp))
    assert load_embedder(minilm_copy).backend == "sentence-transformers"  # stale: neither graph


@pytest.mark.slow
def test_a_model_we_cannot_export_runs_on_sentence_transformers(minilm_copy):
    pooling = minilm_copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    assert not export_onnx(minilm_copy)
    assert not (minilm_copy / ONNX_DIR / ONNX_STAMP).exists()
    assert load_embedder(minilm_copy).backend == "sentence-transformers"


def test_the_exported_encoder_does_not_load_torch():
    """Start-up and memory: the app's process never imports torch when the export is there."""
    _require(EMBEDDER / ONNX_DIR / ONNX_STAMP)
    code = (
        "import sys; from pathlib import Path; from chatbot.embed import load_embedder; "
        f"e = load_embedder(Path({str(EMBEDDER)!r})); e.embed_query('Bonjour'); "
        "print(e.backend, 'torch' in sys.modules, sep='|')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "onnxruntime, int8 queries|False", out.stderr


def test_only_the_embedder_measured_for_it_gets_int8_queries():
    """`models pull` quantizes EmbeddingGemma's query graph, not all-MiniLM's (it lost a dense hit@1)."""
    from chatbot.provision import ARTIFACTS

    assert ARTIFACTS["embeddinggemma-300m"].int8_queries and not ARTIFACTS["all-minilm-l6-v2"].int8_queries
    _require(MINILM / ONNX_DIR / ONNX_STAMP)
    assert not (MINILM / ONNX_DIR / QUERY_GRAPH).exists()
    assert load_embedder(MINILM).backend == "onnxruntime"
