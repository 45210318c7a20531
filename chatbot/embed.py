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
