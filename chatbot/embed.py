"""Running the embedding model: sentence-transformers on torch, or its ONNX export on ONNX Runtime
(this module and `export.py` are the only ones that import those libraries).

Models are loaded from a local folder only (offline: no hub look-up). Where the model defines
retrieval prompts (EmbeddingGemma: `task: search result | query: ` and `title: none | text: `),
queries and documents get their own, with the document's title in place of `none`.

Two back ends give the same vectors (cosine > 0.9999, checked when exporting):
- sentence-transformers on torch, for any model folder;
- ONNX Runtime over a graph that `chatbot models pull` exports from sentence-transformers into
  the model's `onnx/` folder (transformer, mean pooling, dense layers, normalisation; the token
  table stays in model.safetensors, read row by row). Measured here with EmbeddingGemma on
  2 cores: a query in 50 ms instead of 141, passages 1.4x faster, and no torch in the process.
`load_embedder` takes the export when it matches the weights, sentence-transformers otherwise.

Making the export and the int8 query graph is `export.py`'s; reading the weights file,
`weights.py`'s.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.domain import Passage
from chatbot.errors import ConfigError
from chatbot.weights import FileRows, weights_id

ONNX_DIR = "onnx"
ONNX_GRAPH = "chatbot-encoder.onnx"
ONNX_STAMP = "chatbot-encoder.json"
QUERY_GRAPH = "chatbot-query-int8.onnx"
QUERY_STAMP = "chatbot-query-int8.json"
EXPORT_VERSION = 1
DOC_BATCH = 4  # ONNX Runtime, 2 cores, 800-character passages: 3.4 passages/s at 4, 2.7 at 16


def load_embedder(path: Path, *, max_seq_length: int = 256) -> OnnxEmbedder | SentenceEmbedder:
    """The ONNX Runtime encoder where an export matches the weights, else sentence-transformers."""
    check_folder(path)
    stamp = export_stamp(path)
    if stamp is not None:
        return OnnxEmbedder(path, stamp, max_seq_length=max_seq_length)
    return SentenceEmbedder(path, max_seq_length=max_seq_length)


def check_folder(path: Path) -> None:
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ConfigError(
            f"{path} is not a sentence-transformers model folder. "
            "Run `chatbot models pull` or set CHATBOT_EMBED_MODEL to a local model folder."
        )


class SentenceEmbedder:
    """Embeds passages and queries into unit vectors (cosine similarity is a dot product)."""

    def __init__(self, path: Path, *, max_seq_length: int = 256, device: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        check_folder(path)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars on every start
        hf_logging.set_verbosity_error()

        try:
            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot load the embedding model in {path}: {e}") from e
        self._model.max_seq_length = min(max_seq_length, self._model.max_seq_length or max_seq_length)
        self.name = path.name
        self.backend = "sentence-transformers"
        self.dim = int(self._model.get_embedding_dimension())
        _read_token_rows_from_file(self._model, path)
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", "")

    def embed_documents(self, passages: Sequence[Passage]) -> np.ndarray:
        if not passages:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            [doc_text(self._doc_prompt, p) for p in passages],
            batch_size=16,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vec = self._model.encode(
            [self._query_prompt + text], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vec[0], dtype=np.float32)


def doc_text(prompt: str, p: Passage) -> str:
    if "title: none" in prompt and p.title:
        prompt = prompt.replace("title: none", f"title: {p.title}")
    return prompt + p.text


class OnnxEmbedder:
    """The exported encoder on ONNX Runtime: tokenizer, token rows from the file, one graph for
    passages and, where `quantize_queries` made it, a smaller one for queries and for the
    sentences that excerpts are chosen by.

    The passage graph loads at the first passage to encode: a chat that only asks questions never
    holds it (EmbeddingGemma: 426 MB, about a second of start-up)."""

    def __init__(self, path: Path, stamp: dict, *, max_seq_length: int = 256,
                 folder: Path | None = None, int8_queries: bool = True) -> None:
        from tokenizers import Tokenizer

        folder = folder or path / ONNX_DIR  # another folder: an export being checked
        self._folder = folder
        self._path = path
        try:
            self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as e:  # tokenizers raises its own exception types
            raise self._broken(e) from e
        self._tok.no_padding()
        self._tok.enable_truncation(min(max_seq_length, stamp["max_seq_length"]))
        rows = FileRows.open(path / "model.safetensors", tuple(stamp["table_shape"]))
        if rows is None:
            raise ConfigError(f"{path / 'model.safetensors'} does not hold the token table it did.")
        self._rows, self._scale = rows, stamp["table_scale"]
        self._pad = stamp["pad_id"]
        self.name = path.name
        self.dim = int(stamp["dim"])
        self._query_prompt = stamp["prompts"].get("query", "")
        self._doc_prompt = stamp["prompts"].get("document", "")
        self._docs = None
        quantized = int8_queries and query_stamp(folder, stamp) is not None
        self._queries = self._session(folder / (QUERY_GRAPH if quantized else ONNX_GRAPH))
        if not quantized:
            self._docs = self._queries
        self.backend = "onnxruntime, int8 queries" if quantized else "onnxruntime"

    def _broken(self, e: Exception) -> ConfigError:
        return ConfigError(
            f"cannot load the exported encoder in {self._folder}: {e}. "
            f"Delete {self._folder} and run `chatbot models pull {self._path.name}` again."
        )

    def _session(self, graph: Path) -> Any:
        ort = _onnxruntime()
        try:
            options = ort.SessionOptions()
            options.log_severity_level = 3
            # threads busy-wait between the graph's steps (a query: 35 -> 30 ms p50) but stop as
            # each call returns: llama.cpp needs those cores next (measured: 0 ms of CPU in the
            # 50 ms after a call; 40 ms when spinning is simply allowed)
            options.add_session_config_entry("session.intra_op.allow_spinning", "1")
            options.add_session_config_entry("session.force_spinning_stop", "1")
            return ort.InferenceSession(
                str(graph), options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own exception types
            raise self._broken(e) from e

    def _encode(self, texts: Sequence[str], session: Any) -> np.ndarray:
        encs = self._tok.encode_batch(list(texts))
        width = max(len(e.ids) for e in encs)
        ids = np.full((len(encs), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(encs), width), dtype=np.int64)
        for i, e in enumerate(encs):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        x = self._rows.read(ids.reshape(-1).tolist()).reshape(*ids.shape, -1)
        if self._scale is not None:
            x = x * np.float32(self._scale)
        return session.run(None, {"inputs_embeds": x, "attention_mask": mask})[0]

    def _encode_passages(self, passages: Sequence[Passage], session: Any) -> np.ndarray:
        """Passages with the document prompt, in batches of similar length (padding costs as
        much as text), through `session`."""
        if not passages:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [doc_text(self._doc_prompt, p) for p in passages]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for s in range(0, len(texts), DOC_BATCH):
            idx = order[s : s + DOC_BATCH]
            out[idx] = self._encode([texts[i] for i in idx], session)
        return out

    def embed_documents(self, passages: Sequence[Passage]) -> np.ndarray:
        if passages and self._docs is None:
            self._docs = self._session(self._folder / ONNX_GRAPH)
        return self._encode_passages(passages, self._docs)

    def embed_sentences(self, passages: Sequence[Passage]) -> np.ndarray:
        """Passages' sentences, each as a passage of its document, by the query graph (int8
        where `quantize_queries` made it): what choosing excerpts reads, not what is searched."""
        return self._encode_passages(passages, self._queries)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prompt + text], self._queries)[0]


def _onnxruntime() -> Any:
    """ONNX Runtime with its telemetry off (1.29+ reports to Microsoft from Linux too, unless told
    before its first session; found by the offline test's connection trace)."""
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import onnxruntime

    return onnxruntime


def export_stamp(path: Path) -> dict | None:
    """The export's description when it exists and was made from these weights."""
    import json

    try:
        stamp = json.loads((path / ONNX_DIR / ONNX_STAMP).read_text())
    except (OSError, ValueError):
        return None
    ok = (
        isinstance(stamp, dict)
        and stamp.get("version") == EXPORT_VERSION
        and stamp.get("weights") == weights_id(path)
        and (path / ONNX_DIR / ONNX_GRAPH).is_file()
    )
    return stamp if ok else None


def query_stamp(folder: Path, stamp: dict) -> dict | None:
    """The int8 query graph's description when it was made from this export."""
    import json

    try:
        q = json.loads((folder / QUERY_STAMP).read_text())
    except (OSError, ValueError):
        return None
    ok = isinstance(q, dict) and q.get("weights") == stamp.get("weights") and (folder / QUERY_GRAPH).is_file()
    return q if ok else None


def _read_token_rows_from_file(model: Any, folder: Path) -> None:
    """Serve the token-embedding table from the weights file, row by row, as tokens occur.

    EmbeddingGemma's table is 262,144 x 768 float32 (805 MB) and a French corpus uses a few
    thousand rows of it. Memory-mapped, each touched row faults in a large folio of neighbours
    (measured here: +235 MiB resident after the seeds' 1,538 distinct tokens, +620 MiB in the
    whole app); read with pread, the rows in use cost 3 KiB each. Same numbers, same vectors.
    Any model whose table is not a plain float32 tensor in model.safetensors is left as it is.
    """
    import torch

    try:
        auto = model[0].auto_model
        table = auto.get_input_embeddings()
    except (AttributeError, IndexError, TypeError, NotImplementedError):
        return
    weight = getattr(table, "weight", None)
    if not isinstance(table, torch.nn.Embedding) or weight is None or weight.dtype != torch.float32:
        return
    rows = FileRows.open(folder / "model.safetensors", tuple(weight.shape))
    if rows is None or not all(
        np.array_equal(rows.read([i])[0], weight[i].detach().numpy()) for i in (0, weight.shape[0] - 1)
    ):
        return
    auto.set_input_embeddings(_row_lookup(rows, getattr(table, "embed_scale", None)))


def _row_lookup(rows: FileRows, scale: Any) -> Any:
    """The embedding layer over those rows (defined here: torch is imported only when needed)."""
    import torch

    class RowLookup(torch.nn.Module):
        def __init__(self, rows: FileRows, scale: Any) -> None:
            super().__init__()
            self.rows = rows
            self.num_embeddings, self.embedding_dim = rows.shape
            self.scale = None if scale is None else float(scale)

        def forward(self, input_ids: Any) -> Any:
            uniq, inverse = torch.unique(input_ids, return_inverse=True)
            table = torch.from_numpy(self.rows.read(uniq.tolist()))
            out = table[inverse]
            return out * self.scale if self.scale is not None else out

    return RowLookup(rows, scale)
