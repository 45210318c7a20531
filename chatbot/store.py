"""The Chroma adapter: the only module that imports chromadb.

Chroma is the store of record for passages, their metadata and their vectors. Search does not
use Chroma's HNSW index: it is approximate and rebuilt differently each time (measured: 8 of 41
top-5 lists differed from exact search on 185 vectors), so the retriever loads the vectors once
and searches them exactly. The collection records which embedding model built it.
Each passage also keeps its sentences' vectors (float16, base64, in its metadata): the prompt's
excerpts are chosen by them, and a server holds them like everything else.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.domain import Passage
from chatbot.errors import ChatbotError, IndexMismatchError, IngestError, StoreError
from chatbot.text import sentences

COLLECTION = "passages"
BATCH = 512
MIN_FREE = 64 << 20


@contextlib.contextmanager
def _storage(where: str) -> Iterator[None]:
    """Chroma's storage failures as messages that say what to do; the index is left as it was
    (Chroma writes each batch in one SQLite transaction; indexing rewrites an incomplete
    document on the next run)."""
    try:
        yield
    except ChatbotError:
        raise
    except Exception as e:
        import chromadb.errors

        if not isinstance(e, chromadb.errors.ChromaError | OSError):
            raise
        text = str(e)
        low = text.lower()
        free = None if "://" in where else _free_bytes(where)  # a server's disk is not ours to see
        full = free is not None and free < 1 << 20
        if "readonly" in low or "read-only" in low or "permission denied" in low:
            hint = (f"the index in {where} cannot be written: the folder is read-only. Point "
                    "CHATBOT_DATA_DIR at a writable folder (or fix its permissions).")
        elif full or "full" in low or "no space" in low or "quota" in low:
            hint = (f"the disk holding {where} is full. Free some space and run the same command "
                    "again; nothing already indexed was lost.")
        else:
            hint = f"the index in {where} failed: {text}"
        raise StoreError(hint) from e


def _free_bytes(where: str) -> int | None:
    import shutil

    p = Path(where)
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return shutil.disk_usage(p).free
    except OSError:
        return None


def _client(path: Path | None, url: str, token: str = "") -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        from urllib.parse import urlparse

        u = urlparse(url)
        try:
            return chromadb.HttpClient(
                host=u.hostname or "127.0.0.1",
                port=u.port or (443 if u.scheme == "https" else 8000),
                ssl=u.scheme == "https",
                headers={"Authorization": f"Bearer {token}"} if token else None,
                settings=settings,
            )
        except Exception as e:  # chromadb raises bare Exception/ValueError for a dead server
            raise StoreError(
                f"no Chroma server answers at {url} ({e}). Start one (`chroma run --path DIR "
                "--port 8000`), or unset CHATBOT_CHROMA_URL to use the embedded store."
            ) from e
    assert path is not None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise IngestError(f"cannot create the data directory {path}: {e.strerror}.") from e
    with _storage(str(path)):
        return chromadb.PersistentClient(path=str(path), settings=settings)


class ChromaStore:
    """Passages with their embeddings, one collection per data directory."""

    def __init__(self, path: Path | None, *, embedder: str, dim: int | None = None, url: str = "",
                 token: str = "") -> None:
        """Open (or create) the index; `dim` None defers the dimension check to the first write."""
        self.embedder = embedder
        self.remote = bool(url)
        self._client = _client(path, url, token)
        meta = {"embedder": embedder} | ({"dim": dim} if dim else {})
        self._where = url or str(path)
        try:
            with _storage(self._where):
                self._col = self._client.get_or_create_collection(
                    COLLECTION,
                    metadata=meta,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,
                )
        except Exception as e:
            if not url or isinstance(e, ChatbotError):
                raise
            raise StoreError(f"the Chroma server at {url} refused the collection: {e}") from e
        meta = self._col.metadata or {}
        if (meta.get("embedder") != embedder or (dim and meta.get("dim") not in (None, dim))) \
                and self._col.count() == 0:
            # an index that holds nothing yet (a first run that failed before writing) takes this embedder
            meta = {"embedder": embedder} | ({"dim": dim} if dim else {})
            with _storage(self._where):
                self._col.modify(metadata=meta)
        self.dim = int(meta.get("dim") or dim or 0)
        if meta.get("embedder") != embedder or (dim and self.dim != dim):
            raise IndexMismatchError(
                f"the index was built with the embedding model '{meta.get('embedder')}' "
                f"({meta.get('dim')} dimensions), not '{embedder}' ({dim}). Rebuild it with "
                "`chatbot ingest --rebuild`, or set CHATBOT_EMBED_MODEL back to that model."
            )

    @classmethod
    def rebuild(cls, path: Path | None, *, embedder: str, dim: int | None = None, url: str = "",
                token: str = "") -> ChromaStore:
        """Drop the collection and start an empty one for this embedder."""
        client = _client(path, url, token)
        with _storage(url or str(path)):
            if COLLECTION in [c if isinstance(c, str) else c.name for c in client.list_collections()]:
                client.delete_collection(COLLECTION)
        return cls(path, embedder=embedder, dim=dim, url=url, token=token)

    def generation(self) -> str:
        """Changes whenever any client writes: a Chroma server may have other writers."""
        return str((self._client.get_collection(COLLECTION).metadata or {}).get("generation", ""))

    def _touch(self) -> None:
        import uuid

        self._col.modify(metadata={"embedder": self.embedder, "dim": self.dim,
                                   "generation": uuid.uuid4().hex})

    def count(self) -> int:
        return self._col.count()

    def documents(self) -> dict[str, dict]:
        """doc name -> {"fingerprint", "expected", "stored", and the library's "title", "kind",
        "parts", "ocr", "added"}: what each document's passages say."""
        docs: dict[str, dict] = {}
        for meta in self._get(include=["metadatas"])["metadatas"]:
            d = docs.setdefault(
                meta["doc"], {"fingerprint": meta["fingerprint"], "expected": meta["count"], "stored": 0,
                              "title": meta.get("title", ""), "kind": meta.get("kind", ""),
                              "parts": meta.get("parts", 0), "ocr": meta.get("ocr", ""),
                              "added": meta.get("added", "")}
            )
            if d["fingerprint"] != meta["fingerprint"]:
                d["fingerprint"] = None  # mixed versions: a crashed update
            d["stored"] += 1
        return docs

    def add(self, passages: Sequence[Passage], embeddings: np.ndarray, *, fingerprint: str,
            info: dict | None = None, sentences: Sequence[np.ndarray] = ()) -> None:
        """Store one document's passages (upsert: a retried write is harmless)."""
        if embeddings.shape[1] != (self.dim or embeddings.shape[1]):
            raise IndexMismatchError(
                f"vectors of {embeddings.shape[1]} dimensions do not fit this index ({self.dim}). "
                "Rebuild it with `chatbot ingest --rebuild`."
            )
        if not self.dim:
            self.dim = embeddings.shape[1]
        with _storage(self._where):
            self._write(passages, embeddings, fingerprint, info or {}, sentences)
            self._touch()

    def _write(self, passages: Sequence[Passage], embeddings: np.ndarray, fingerprint: str,
               info: dict, sentences: Sequence[np.ndarray]) -> None:
        count = len(passages)
        packed = [_pack(v) for v in sentences] if len(sentences) == count else [""] * count
        for i in range(0, count, BATCH):
            batch = passages[i : i + BATCH]
            self._col.upsert(
                ids=[p.id for p in batch],
                embeddings=embeddings[i : i + BATCH],
                documents=[p.text for p in batch],
                metadatas=[
                    {
                        "doc": p.doc,
                        "position": p.position,
                        "start": p.start,
                        "end": p.end,
                        "title": p.title,
                        "page": p.page,
                        "part": p.part,
                        "section": p.section,
                        "turns": json.dumps(p.turns) if p.turns else "",
                        "fingerprint": fingerprint,
                        "count": count,
                        "sentences": packed[i + k],
                        **info,
                    }
                    for k, p in enumerate(batch)
                ],
            )

    def check_room(self, passages: Sequence[Passage], dim: int) -> None:
        """Refuse a write the disk cannot hold, before anything of it is written.

        Chroma must not meet a full disk: its writes then fail half-way or hang (seen here in
        collection.modify). Asked for: twice about 3 x (vector) + 4 x (text) + 1 KiB per passage
        (SQLite rows, full-text index, HNSW, write-ahead log), its sentences' vectors, plus 64 MiB of
        headroom.
        """
        if self.remote:
            return
        need = MIN_FREE + 2 * sum(3 * dim * 4 + 4 * len(p.text.encode()) + 1024
                                  + 3 * dim * len(sentences(p.text)) for p in passages)
        free = _free_bytes(self._where)
        if free is not None and free < need:
            raise StoreError(
                f"the disk holding {self._where} is full: {free / 2**20:.1f} MiB free, about "
                f"{need / 2**20:.1f} MiB needed. Free some space and run the same command again."
            )

    def delete_doc(self, doc: str) -> None:
        with _storage(self._where):
            self._col.delete(where={"doc": doc})
            self._touch()

    def load(self) -> tuple[list[Passage], np.ndarray, dict[str, np.ndarray]]:
        """Every passage of every whole document with its vector, in a stable order (document,
        position), and its sentences' vectors by passage id (none for a passage indexed before
        they were kept)."""
        got = self._get(include=["documents", "metadatas", "embeddings"])
        rows = sorted(
            zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True),
            key=lambda r: (r[2]["doc"], r[2]["position"]),
        )
        # a document written part way (a run killed between two batches) is not searched until
        # the next ingest completes it: every passage of one version, as many as it has
        held: dict[str, list[tuple[str, int]]] = {}
        for _, _, m, _ in rows:
            held.setdefault(m["doc"], []).append((m["fingerprint"], m["count"]))
        whole = {d for d, v in held.items() if len(set(v)) == 1 and len(v) == v[0][1]}
        rows = [r for r in rows if r[2]["doc"] in whole]
        passages = [
            Passage(
                id=i, doc=m["doc"], text=t, position=m["position"], start=m["start"],
                end=m["end"], title=m.get("title", ""), page=m.get("page", 0),  # none before pages were kept
                part=m.get("part", ""), section=m.get("section", ""),
                turns=tuple((int(o), str(w)) for o, w in json.loads(m.get("turns") or "[]")),
            )
            for i, t, m, _ in rows
        ]
        vecs = np.array([r[3] for r in rows], dtype=np.float32).reshape(len(rows), self.dim or 0)
        sentences = {i: _unpack(m["sentences"], self.dim or 0) for i, _, m, _ in rows if m.get("sentences")}
        return passages, vecs, sentences

    def _get(self, include: list[str]) -> dict:
        """Collection.get in pages (servers cap the page size)."""
        out: dict[str, list] = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
        offset, page = 0, 5000
        while True:
            got = self._col.get(include=include, limit=page, offset=offset)
            n = len(got["ids"])
            out["ids"].extend(got["ids"])
            for key in include:
                vals = got.get(key)
                out[key].extend(list(vals) if vals is not None else [])
            if n < page:
                return out
            offset += n


def _pack(vectors: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vectors, dtype="<f2").tobytes()).decode("ascii")


def _unpack(text: str, dim: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32).reshape(-1, dim)
