"""BM25 over French-analysed passages, with an inverted index so a query touches only its terms."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from chatbot.text import analyze


class BM25:
    """Okapi BM25 (k1=1.2, b=0.75) over the analysed texts, built in memory."""

    def __init__(self, texts: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.n = len(texts)
        self.k1, self.b = k1, b
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(self.n, dtype=np.float32)
        for i, text in enumerate(texts):
            terms = analyze(text)
            lengths[i] = len(terms)
            for term, tf in Counter(terms).items():
                postings[term].append((i, tf))
        avgdl = float(lengths.mean()) if self.n else 1.0
        self._norm = k1 * (1 - b + b * lengths / max(avgdl, 1e-9))
        self._postings = {
            t: (np.array([d for d, _ in p], dtype=np.int64), np.array([f for _, f in p], dtype=np.float32))
            for t, p in postings.items()
        }

    def has(self, term: str) -> bool:
        return term in self._postings

    def idf(self, term: str) -> float:
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros where no term matches)."""
        out = np.zeros(self.n, dtype=np.float32)
        for term in set(analyze(query)):
            if term not in self._postings:
                continue
            docs, tf = self._postings[term]
            out[docs] += self.idf(term) * tf * (self.k1 + 1) / (tf + self._norm[docs])
        return out

    def coverage(self, query: str, text: str) -> float:
        """Share of the query's informative terms (idf-weighted) that occur in text."""
        q = set(analyze(query))
        if not q:
            return 0.0
        present = set(analyze(text))
        total = sum(self.idf(t) for t in q)
        return sum(self.idf(t) for t in q if t in present) / total if total else 0.0
