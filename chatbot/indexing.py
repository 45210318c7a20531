"""Keep the index in step with a set of files: idempotent, and safe to kill at any point.

Each passage stores its document's fingerprint (text + chunking parameters) and passage count.
A document is skipped when every one of its passages is stored with the current fingerprint;
otherwise its passages are deleted and written again. A run killed half-way leaves a document
with missing or mixed passages, which the next run sees and rewrites, so every document ends up
stored exactly once. A file that cannot be read is reported and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from chatbot.domain import Passage
from chatbot.errors import IngestError
from chatbot.ingest import chunk, find_files, fingerprint, read_document


class Store(Protocol):
    def documents(self) -> dict[str, dict]: ...
    def check_room(self, passages: Sequence[Passage], dim: int) -> None: ...
    def add(self, passages: Sequence[Passage], embeddings: np.ndarray, *, fingerprint: str) -> None: ...
    def delete_doc(self, doc: str) -> None: ...


class DocEmbedder(Protocol):
    def embed_documents(self, passages: Sequence[Passage]) -> np.ndarray: ...


@dataclass
class Report:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, message)
    encodings: dict[str, str] = field(default_factory=dict)  # text files that were not UTF-8: how they were read
    ocr: dict[str, tuple[int, ...]] = field(default_factory=dict)  # pages read by OCR, per document
    empty: dict[str, tuple[int, ...]] = field(default_factory=dict)  # pages, slides, sheets with no text
    passages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def notes(self) -> list[str]:
        """What the user should know about the files that were read: encodings, OCR, empty pages."""
        out = [f"{name} was read as {enc}, not UTF-8" for name, enc in self.encodings.items()]
        out += [f"{name}: {_pages(p)} read by OCR" for name, p in self.ocr.items()]
        out += [f"{name}: {_pages(p)} held no text (nothing indexed from {'it' if len(p) == 1 else 'them'})"
                for name, p in self.empty.items()]
        return out

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return f"{', '.join(parts)}; {self.passages} passages written"


def _pages(pages: tuple[int, ...]) -> str:
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(map(str, pages))


def index_files(
    store: Store,
    embedder: Callable[[], DocEmbedder],
    paths: Sequence[Path],
    *,
    size: int,
    overlap: int,
    progress: bool = False,
    names: dict[Path, str] | None = None,
) -> Report:
    """Bring the documents under `paths` into the store. `embedder` is loaded only if needed."""
    report = Report()
    existing = store.documents()
    files = find_files(paths)
    if names:
        files = [(f, names.get(f, n)) for f, n in files]
    todo = []  # read and chunked first, so the progress bar knows the whole job
    for path, name in files:
        try:
            doc = read_document(path, name)
        except IngestError as e:
            report.failed.append((name, str(e)))
            continue
        if doc.encoding:
            report.encodings[name] = doc.encoding
        if doc.ocr_pages:
            report.ocr[name] = doc.ocr_pages
        if doc.empty_pages:
            report.empty[name] = doc.empty_pages
        fp = fingerprint(doc, size=size, overlap=overlap)
        held = existing.get(name)
        if held and held["fingerprint"] == fp and held["stored"] == held["expected"]:
            report.unchanged.append(name)
            continue
        todo.append((name, chunk(doc, size=size, overlap=overlap), fp, held))
    if not todo:
        return report
    loaded: DocEmbedder = embedder()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=sum(len(p) for _, p, _, _ in todo), unit="passage", desc="Indexing")
    try:
        for name, passages, fp, held in todo:
            vectors = loaded.embed_documents(passages)
            store.check_room(passages, vectors.shape[1] if vectors.ndim == 2 else 0)
            if held:
                store.delete_doc(name)
            store.add(passages, vectors, fingerprint=fp)
            (report.updated if held else report.added).append(name)
            report.passages += len(passages)
            if bar is not None:
                bar.update(len(passages))
    finally:
        if bar is not None:
            bar.close()
    return report
