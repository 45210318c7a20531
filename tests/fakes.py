"""Tiny honest stand-ins for unit tests: they run through the real storage and retrieval code."""

from __future__ import annotations

import hashlib
import time

import numpy as np

from chatbot.text import analyze

DIM = 32


class WordHashEmbedder:
    """Bag of stemmed words hashed into 32 dimensions: similar texts get similar vectors."""

    name = "word-hash"
    dim = DIM

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(DIM, dtype=np.float32)
        for w in analyze(text):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % DIM] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, passages):
        self.calls += 1
        time.sleep(self.delay)
        return np.stack([self._vec(p.text) for p in passages]) if passages else np.zeros((0, DIM))

    def embed_query(self, text):
        return self._vec(text)
