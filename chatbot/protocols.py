"""The parts the app is built from, as the rest of the code sees them.

Each is a Protocol: whatever has these members will do, and each adapter below satisfies its one
(checked by `tests/test_protocols.py`):

- `ChatModel`: `llm.LlamaModel` (a GGUF through llama.cpp) and `remote.RemoteModel` (an
  OpenAI-compatible server);
- `Embedder`: `embed.OnnxEmbedder` and `embed.SentenceEmbedder` (their ONNX export is made by
  `export.py`, the weights file read by `weights.py`); one may also have `embed_sentences`, a
  faster way to embed the sentences that excerpts are chosen by (`indexing.embed`);
- `Searcher`: `retrieve.Retriever` (BM25 and dense search fused);
- `Store`: `store.ChromaStore` (embedded or a server).

The text they pass around has five shapes (`domain.py`): a `Passage` is a chunk of a document
as stored; a `Hit` is a passage retrieved, with its scores; an `Excerpt` (`context.py`) is the
sentences of a hit chosen for the prompt; a `Source` is an excerpt numbered as the model read it
and as the answer cites it. An `Answer` keeps every source the model was given (`passages`) and
the ones it cited (`sources`).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from chatbot.domain import GenStats, Hit, Passage, Turn


@runtime_checkable
class ChatModel(Protocol):
    on_gpu: bool
    warning: str  # a problem the user should see (e.g. a GPU build that could not use the GPU)
    lock: threading.Lock  # held while generating: one answer at a time per model

    @property
    def name(self) -> str:
        """What the page and the answers show."""
        ...

    @property
    def path(self) -> Path | str:
        """The GGUF file, or the server and model."""
        ...

    def stream(self, messages: Sequence[Turn], *, max_tokens: int, temperature: float = 0.0,
               seed: int = 0, stats: GenStats | None = None, prefix: str = "", alt: str = "") -> Iterator[str]:
        """The answer's text as it comes; `stats` (a GenStats) is filled in, `alt`'s probability
        at the first token recorded where the model can tell."""
        ...

    def complete(self, messages: Sequence[Turn], *, max_tokens: int, temperature: float = 0.0) -> str: ...

    def prime(self, system: str) -> int:
        """Read the prompt's fixed opening ahead of the first question; the tokens read."""
        ...

    def close(self) -> None: ...


class Stoppable(Protocol):
    """How a reading ahead is told to end (`ahead.Reading`)."""

    @property
    def stopping(self) -> bool:
        """No batch is to begin."""
        ...

    @property
    def abandoned(self) -> bool:
        """Not even the batch in progress is to end."""
        ...


@runtime_checkable
class ReadsAhead(ChatModel, Protocol):
    """A model whose prompt cache this process holds (`llm.LlamaModel`), so that a question's
    prompt can be read while it is typed."""

    def render(self, messages: Sequence[Turn]) -> tuple[str, list[str]]:
        """The prompt text per the model's chat template, and its stop strings."""
        ...

    def prefill(self, prompt: str, reading: Stoppable, *, batch: int = 64) -> tuple[int, int]:
        """Read `prompt` into the cache until `reading` is stopping (after the batch in progress)
        or abandoned (at once): tokens reused, tokens read."""
        ...

    def reading_into(self, messages: Sequence[Turn]) -> bool:
        """Whether the batch being read ahead now is the beginning of the prompt of `messages`."""
        ...


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_documents(self, passages: Sequence[Passage]) -> np.ndarray: ...


@runtime_checkable
class Searcher(Protocol):
    last_ms: float  # how long the last search took

    def search(self, query: str, k: int = 5, docs: Collection[str] = ()) -> list[Hit]: ...

    def coverage(self, query: str, hits: Sequence[Hit]) -> float: ...

    def idf(self, term: str) -> float: ...

    def knows(self, word: str) -> bool: ...

    def lead(self, passage: Passage) -> str: ...

    def document(self, doc: str) -> str:
        """The whole text of an indexed document, its passages in order."""
        ...

    def meaning(self, query: str, passage: Passage) -> list[float] | None:
        """How close each of the passage's sentences is to the query; None where unknown."""
        ...

    def near(self, query: str, texts: Sequence[tuple[str, str]]) -> list[float] | None:
        """How close each (title, text) is to the query in meaning, embedded now; None without an embedder."""
        ...

    def complete(self, text: str) -> str | None:
        """`text` with its last word finished from the documents' words; None when none begins
        with it."""
        ...

    def spell(self, text: str) -> str:
        """`text` with the words no document holds spelled as the document word they stand for."""
        ...


@runtime_checkable
class Store(Protocol):
    def documents(self) -> dict[str, dict]: ...

    def check_room(self, passages: Sequence[Passage], dim: int) -> None: ...

    def add(self, passages: Sequence[Passage], embeddings: np.ndarray, *, fingerprint: str,
            info: dict | None = None, sentences: Sequence[np.ndarray] = ()) -> None: ...

    def delete_doc(self, doc: str) -> None: ...

    def load(self) -> tuple[list[Passage], np.ndarray, dict[str, np.ndarray]]: ...

    def count(self) -> int: ...
