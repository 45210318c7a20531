"""The sentence-transformers adapter: the only module that imports it.

Models are loaded from a local folder only (offline: no hub look-up). Where the model defines
retrieval prompts (EmbeddingGemma: `task: search result | query: ` and `title: none | text: `),
queries and documents get their own, with the document's title in place of `none`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from chatbot.domain import Passage
from chatbot.errors import ConfigError


class SentenceEmbedder:
    """Embeds passages and queries into unit vectors (cosine similarity is a dot product)."""

    def __init__(self, path: Path, *, max_seq_length: int = 256, device: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ConfigError(
                f"{path} is not a sentence-transformers model folder. "
                "Run `chatbot models pull` or set CHATBOT_EMBED_MODEL to a local model folder."
            )
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
        self.dim = int(self._model.get_embedding_dimension())
        _read_token_rows_from_file(self._model, path)
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", "")

    def _doc_text(self, p: Passage) -> str:
        prompt = self._doc_prompt
        if "title: none" in prompt and p.title:
            prompt = prompt.replace("title: none", f"title: {p.title}")
        return prompt + p.text

    def embed_documents(self, passages: Sequence[Passage], *, progress: bool = False) -> np.ndarray:
        if not passages:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            [self._doc_text(p) for p in passages],
            batch_size=16,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vec = self._model.encode(
            [self._query_prompt + text], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vec[0], dtype=np.float32)

    def encode_raw(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Plain encoding with no prompt: the benchmark's reference throughput."""
        return np.asarray(self._model.encode(list(texts), batch_size=batch_size), dtype=np.float32)


def _read_token_rows_from_file(model, folder: Path) -> None:
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
    rows = _FileRows.open(folder / "model.safetensors", tuple(weight.shape))
    if rows is None or not all(
        np.array_equal(rows.read([i])[0], weight[i].detach().numpy()) for i in (0, weight.shape[0] - 1)
    ):
        return
    auto.set_input_embeddings(_row_lookup(rows, getattr(table, "embed_scale", None)))


class _FileRows:
    """Rows of a float32 matrix stored at a known offset of a file, cached once read."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, int]) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._offset = offset
        self.shape = shape
        self._row_bytes = shape[1] * 4
        self._cache: dict[int, np.ndarray] = {}

    @classmethod
    def open(cls, path: Path, shape: tuple[int, int]) -> _FileRows | None:
        """Find the tensor of this shape in a safetensors file (header: u64 length, JSON)."""
        import json
        import struct

        try:
            with open(path, "rb") as f:
                (n,) = struct.unpack("<Q", f.read(8))
                header = json.loads(f.read(n))
        except (OSError, ValueError, struct.error):
            return None
        found = [
            v for k, v in header.items()
            if k != "__metadata__" and v.get("dtype") == "F32" and tuple(v.get("shape", ())) == shape
        ]
        if len(found) != 1:
            return None
        start, end = found[0]["data_offsets"]
        if end - start != shape[0] * shape[1] * 4:
            return None
        return cls(path, 8 + n + start, shape)

    def read(self, ids) -> np.ndarray:
        out = np.empty((len(ids), self.shape[1]), dtype=np.float32)
        for j, i in enumerate(ids):
            row = self._cache.get(i)
            if row is None:
                data = os.pread(self._fd, self._row_bytes, self._offset + i * self._row_bytes)
                row = self._cache[i] = np.frombuffer(data, dtype=np.float32)
            out[j] = row
        return out


def _row_lookup(rows: _FileRows, scale):
    """The embedding layer over those rows (defined here: torch is imported only when needed)."""
    import torch

    class RowLookup(torch.nn.Module):
        def __init__(self, rows: _FileRows, scale) -> None:
            super().__init__()
            self.rows = rows
            self.num_embeddings, self.embedding_dim = rows.shape
            self.scale = None if scale is None else float(scale)

        def forward(self, input_ids):
            uniq, inverse = torch.unique(input_ids, return_inverse=True)
            table = torch.from_numpy(self.rows.read(uniq.tolist()))
            out = table[inverse]
            return out * self.scale if self.scale is not None else out

    return RowLookup(rows, scale)
