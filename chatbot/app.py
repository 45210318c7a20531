"""Builds the working objects from the settings, each at most once, only when first needed."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from chatbot.ahead import ReadAhead
from chatbot.config import Settings, project_root
from chatbot.domain import Options
from chatbot.errors import ChatbotError
from chatbot.indexing import Report, index_files
from chatbot.phrasing import DECLINE
from chatbot.prompts import Prompts
from chatbot.rag import Engine

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np

    from chatbot.domain import Passage
    from chatbot.indexing import Progress
    from chatbot.llm import LlamaModel
    from chatbot.protocols import ChatModel, Embedder
    from chatbot.retrieve import Retriever
    from chatbot.store import ChromaStore


class App:
    """The embedder, store, retriever, model and engine for one set of settings."""

    def __init__(self, settings: Settings, *, model: ChatModel | None = None, embedder: Embedder | None = None,
                 store: ChromaStore | None = None) -> None:
        """Parts given here are used as they are (tests and benchmarks share loaded models);
        the others are built from the settings when first needed."""
        self.settings = settings
        self._embedder = embedder
        self._store = store
        self._retriever: Retriever | None = None
        self._model = model
        self._engine: Engine | None = None
        self._generation = ""
        self._lock = threading.RLock()  # guards the index, the engine and swapping
        self._ingest_lock = threading.Lock()  # one indexing run at a time; questions go on meanwhile
        self._embed_lock = threading.Lock()  # the two models load under locks of their own,
        self._model_lock = threading.Lock()  # so that they can load at the same time
        self.primed = threading.Event()  # the prompt's opening evaluated (see warm_up)
        self.speculator = ReadAhead()  # shared by every engine of this app: one model (ahead.py)

    def warm_up(self) -> None:
        """Load the chat model while the embedder and the index load: start-up is the longer one.

        The prompt's fixed opening is then evaluated in the background (`primed` is set when it
        is done; ~2 s on a CPU): a question asked meanwhile waits for the model, as it would have
        waited for those tokens anyway, and one asked later finds them cached. The priming thread
        is not a daemon (the loading one is): a process that ends sooner waits for the priming
        rather than free the model under it.
        """
        loader = threading.Thread(target=self._try_model, daemon=True)
        loader.start()
        try:
            retriever = self.retriever()
        finally:
            loader.join()
        self.engine()
        # the words the page finishes and spells counted while no one types yet (5 s at 100,000 passages)
        threading.Thread(target=retriever.prepare, name="word-counts", daemon=True).start()

    def _prime(self, model: ChatModel) -> None:
        """Evaluate the prompt's fixed opening now, not during the first question (~2 s on a CPU)."""
        system = Prompts(project_root() / "prompts").system(DECLINE)
        with model.lock:
            model.prime(system)

    def _prime_then_signal(self, model: ChatModel) -> None:
        try:
            with contextlib.suppress(ChatbotError):
                self._prime(model)
        finally:
            self.primed.set()

    def _try_model(self) -> None:
        # engine() calls model() again and reports any error in the caller's thread
        try:
            model = self.model()
        except ChatbotError:
            self.primed.set()
            return
        threading.Thread(target=self._prime_then_signal, args=(model,), name="prime").start()

    # -- parts -------------------------------------------------------------------------------
    @property
    def embedder_name(self) -> str:
        return self.settings.embed_path().name

    def embedder(self) -> Embedder:
        with self._embed_lock:
            if self._embedder is None:
                from chatbot.embed import load_embedder

                # cap the sequence at what the chunker produces (~3 characters a token, plus prompt)
                self._embedder = load_embedder(
                    self.settings.embed_path(), max_seq_length=self.settings.chunk_size // 3 + 48
                )
            return self._embedder

    def store(self, *, rebuild: bool = False) -> ChromaStore:
        from chatbot.store import ChromaStore

        with self._lock:
            dim = self._embedder.dim if self._embedder is not None else None
            where = None if self.settings.chroma_url else self.settings.data_dir / "chroma"
            if rebuild:
                self._store = ChromaStore.rebuild(
                    where, embedder=self.embedder_name, dim=dim, url=self.settings.chroma_url,
                    token=self.settings.chroma_token,
                )
                self._retriever = self._engine = None
            elif self._store is None:
                self._store = ChromaStore(
                    where, embedder=self.embedder_name, dim=dim, url=self.settings.chroma_url,
                    token=self.settings.chroma_token,
                )
            return self._store

    def retriever(self) -> Retriever:
        with self._lock:
            self._follow_server()
            if self._retriever is None:
                store = self.store()
                self._generation = store.generation() if store.remote else ""
                self._retriever = self.build_retriever(*store.load())
            return self._retriever

    def build_retriever(self, passages: Sequence[Passage], vectors: np.ndarray,
                        sentences: dict[str, np.ndarray] | None = None) -> Retriever:
        """A retriever over these passages with this app's embedder and fusion settings."""
        from chatbot.retrieve import Retriever

        return Retriever(
            passages,
            vectors,
            self.embedder(),
            sentences,
            lexical_weight=self.settings.lexical_weight,
            dense_weight=self.settings.dense_weight,
            rrf_k=self.settings.rrf_k,
        )

    def model(self) -> ChatModel:
        with self._model_lock:
            if self._model is None:
                if self.settings.llm_url:
                    from chatbot.remote import RemoteModel

                    s = self.settings
                    self._model = RemoteModel(s.llm_url, model=s.llm_model, api_key=s.llm_api_key)
                else:
                    self._model = self._load_model(self.settings.model_path())
            return self._model

    def _load_model(self, path: Path) -> LlamaModel:
        from chatbot.llm import LlamaModel

        threads, threads_batch = self.settings.threads()
        return LlamaModel(
            path,
            n_ctx=self.settings.n_ctx,
            n_threads=threads,
            n_threads_batch=threads_batch,
            n_batch=self.settings.n_batch,
            flash_attn=self.settings.flash_attn,
            n_gpu_layers=self.settings.n_gpu_layers,
            seed=self.settings.seed,
            repack=self.settings.cpu_repack,
        )

    def options(self) -> Options:
        s = self.settings
        return Options(top_k=s.top_k, max_tokens=s.max_tokens, temperature=s.temperature, seed=s.seed,
                       context_chars=s.context_chars, min_dense=s.min_dense, grounding=s.check_claims,
                       max_decline_p=s.max_decline_p, by_meaning=s.excerpts_by_meaning)

    def _follow_server(self) -> None:
        """A Chroma server may have other writers: reload the passages when they changed.

        The lexical index and the vectors searched are rebuilt from the server's passages, so
        they cannot disagree with it (one metadata read per question, ~2 ms on loopback).
        """
        stale = (self._retriever is not None and self.settings.chroma_url
                 and self.store().generation() != self._generation)
        if stale:
            self._retriever = self._engine = None

    def engine(self) -> Engine:
        with self._lock:
            self._follow_server()
            if self._engine is None:
                prompts = Prompts(project_root() / "prompts")
                self._engine = Engine(self.retriever(), self.model(), prompts, self.options(),
                                      speculator=self.speculator)
            return self._engine

    def engine_for_retrieval(self) -> Engine:
        """An engine that retrieves but cannot answer: no model is loaded (eval, search)."""
        if self._engine is not None:
            return self._engine
        no_model = cast("ChatModel", None)  # answering with this engine is a programming error
        return Engine(self.retriever(), no_model, Prompts(project_root() / "prompts"), self.options())

    @property
    def originals(self) -> Path:
        """Where each document's file is remembered (indexing.Originals)."""
        return self.settings.data_dir / "originals.json"

    def original(self, name: str) -> Path | None:
        """The file a document was indexed from, while it is there."""
        from chatbot.indexing import Originals

        return Originals(self.originals).of(name)

    @property
    def failures(self) -> Path:
        """Where the files that could not be read are remembered (indexing.Failures)."""
        return self.settings.data_dir / "failed-files.json"

    # -- actions -----------------------------------------------------------------------------
    def ingest(self, paths: list[Path], *, rebuild: bool = False, progress: bool = False,
               names: dict[Path, str] | None = None, on_progress: Callable[[Progress], None] | None = None,
               cancel: threading.Event | None = None) -> Report:
        """Index files. Questions are answered meanwhile from the passages held until it ends:
        the index is searched from a copy in memory, which is replaced once the run is done."""
        with self._ingest_lock:
            with self._lock:
                store = self.store(rebuild=rebuild)
            if rebuild:  # a rebuild reads every file again, those that failed before too
                self.failures.unlink(missing_ok=True)
            changed = True
            try:
                report = index_files(
                    store, self.embedder, paths, size=self.settings.chunk_size,
                    overlap=self.settings.chunk_overlap, progress=progress, names=names,
                    on_progress=on_progress, cancel=cancel, failures=self.failures, originals=self.originals,
                    with_sentences=self.settings.excerpts_by_meaning,
                )
                changed = report.changed or rebuild
            finally:
                if changed:  # whatever was written, even by a run that failed, is searched next
                    with self._lock:
                        self._retriever = self._engine = None
            return report

    def remove_document(self, name: str) -> None:
        with self._lock:
            self.store().delete_doc(name)
            self._retriever = self._engine = None

    def switch_model(self, path: Path) -> None:
        """Load another GGUF; the old one stays in service if the new one fails."""
        with self._lock, self._model_lock:
            new = self._load_model(path)
            old, self._model, self._engine = self._model, new, None
            self.settings = self.settings.model_copy(update={"model": str(path)})
        if old is not None:
            with old.lock:
                old.close()
        self._prime(new)

    def close(self) -> None:
        if self._model is not None:
            with self._model.lock:  # not under a priming still running
                self._model.close()

