"""Keep the index in step with a set of files: idempotent, and safe to kill at any point.

Each passage stores its document's fingerprint (text + chunking parameters) and passage count.
A document is skipped when every one of its passages is stored with the current fingerprint;
otherwise its passages are deleted and written again. A run killed half-way leaves a document
with missing or mixed passages, which the next run sees and rewrites, so every document ends up
stored exactly once. A file that cannot be read is reported and changes nothing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chatbot.domain import Passage
from chatbot.errors import ChatbotError, IngestError
from chatbot.ingest import Document, chunk, find_files, fingerprint, read_document
from chatbot.protocols import Embedder, Store
from chatbot.provision import sha256_file
from chatbot.text import sentences

log = logging.getLogger(__name__)


@dataclass
class Report:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, message)
    encodings: dict[str, str] = field(default_factory=dict)  # text files that were not UTF-8: how they were read
    ocr: dict[str, tuple[int, ...]] = field(default_factory=dict)  # pages read by OCR, per document
    empty: dict[str, tuple[int, ...]] = field(default_factory=dict)  # pages, slides, sheets with no text
    cancelled: list[str] = field(default_factory=list)  # documents left as they were by a cancel
    unfollowed: list[str] = field(default_factory=list)  # links to folders not followed (loops), and why
    cut: dict[str, int] = field(default_factory=dict)  # files over MAX_PASSAGES: how many passages they held
    garbled: dict[str, int] = field(default_factory=dict)  # parts of a file left out as unreadable, per file
    passages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def to_json(self) -> dict:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, d: dict) -> Report:
        r = cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})
        r.failed = [(str(name), str(why)) for name, why in r.failed]
        r.ocr = {k: tuple(v) for k, v in r.ocr.items()}
        r.empty = {k: tuple(v) for k, v in r.empty.items()}
        return r

    def fail(self, name: str, why: str) -> None:
        """A file that failed, and why: nothing of it is indexed, so nothing of how it was read is told."""
        self.failed.append((name, why))
        for notes in (self.encodings, self.ocr, self.empty, self.cut, self.garbled):
            notes.pop(name, None)

    def notes(self) -> list[str]:
        """What the user should know about the files that were read: encodings, OCR, empty pages."""
        out = [f"{name} was read as {enc}" + ("" if enc.startswith("UTF-8") else ", not UTF-8")
               for name, enc in self.encodings.items()]
        out += self.unfollowed
        out += [f"{name}: {_pages(p)} read by OCR" for name, p in self.ocr.items()]
        out += [f"{name}: {_pages(p)} held no text (nothing indexed from {'it' if len(p) == 1 else 'them'})"
                for name, p in self.empty.items()]
        out += [f"{name}: {n} part{'s' if n > 1 else ''} left out: {'they hold' if n > 1 else 'it holds'} "
                "bytes that read as replacement characters, not text (damaged?)" for name, n in self.garbled.items()]
        out += [f"{name}: only its first {MAX_PASSAGES:,} passages of {n:,} were indexed (the most one file "
                "gives); split it to index the rest" for name, n in self.cut.items()]
        return out

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.cancelled:
            parts.append(f"{len(self.cancelled)} cancelled")
        return f"{', '.join(parts)}; {self.passages} passages written"


def _pages(pages: tuple[int, ...]) -> str:
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(map(str, pages))


@dataclass
class Progress:
    """Where an indexing run is: passages embedded of the total, and the time left at this pace."""

    done: int  # passages embedded, of all the run's
    total: int
    doc: str  # the document at hand
    elapsed_s: float
    doc_done: int = 0  # its passages embedded, of its own
    doc_total: int = 0
    reading: bool = False  # still reading the files (OCR can take a while): no passage counts yet
    file: int = 0  # the file being read, from 1, of `files`
    files: int = 0
    skipped: str = ""  # the file just read could not be: why (told as it happens, not only at the end)

    @property
    def left_s(self) -> float | None:
        return self.elapsed_s / self.done * (self.total - self.done) if self.done else None

    @property
    def left(self) -> str:
        """The time left, said as « 40 s » or « 3 min »; "" before it can be told or once done."""
        s = self.left_s
        if s is None or self.done >= self.total:
            return ""
        return f"{s:.0f} s" if s < 90 else f"{s / 60:.0f} min"


class Cancelled(Exception):
    """Raised inside an indexing run when its cancel event is set; nothing half-written stays."""


SLICE = 32  # passages embedded between two progress reports and cancel checks
MAX_PASSAGES = 10_000  # passages indexed of one file (about 8 MB of distinct text): its time stays bounded


def embed(embedder: Embedder, passages: Sequence[Passage], *, with_sentences: bool = True
          ) -> tuple[np.ndarray, list[np.ndarray]]:
    """The passages' vectors, and each one's sentences' vectors (one row per sentence, in the
    order `text.sentences` gives them: what the prompt's excerpts are chosen by when
    CHATBOT_EXCERPTS_BY_MEANING is on; none without `with_sentences`). A sentence is embedded as
    a passage of its document: by the embedder's `embed_sentences` where it has one (the ONNX
    export's int8 graph: 2.7× faster, the excerpts of 566 of 595 questions the same, and the
    same evidence in them for all but one), else in the same call as the passages."""
    if not with_sentences:
        return embedder.embed_documents(passages), []
    parts = [sentences(p.text) for p in passages]
    flat = [Passage(id="", doc=p.doc, text=s, position=p.position, start=p.start, end=p.end,
                    title=p.title) for p, ss in zip(passages, parts, strict=True) for s in ss]
    own = getattr(embedder, "embed_sentences", None)  # a faster graph of their own, where there is one
    if own is not None:
        vectors, rows = embedder.embed_documents(passages), own(flat)
    else:
        both = embedder.embed_documents([*passages, *flat])
        vectors, rows = both[:len(passages)], both[len(passages):]
    out, at = [], 0
    for ss in parts:
        out.append(rows[at:at + len(ss)])
        at += len(ss)
    return vectors, out


def index_files(
    store: Store,
    embedder: Callable[[], Embedder],
    paths: Sequence[Path],
    *,
    size: int,
    overlap: int,
    progress: bool = False,
    names: dict[Path, str] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    failures: Path | None = None,
    with_sentences: bool = True,
    originals: Path | None = None,
) -> Report:
    """Bring the documents under `paths` into the store. `embedder` is loaded only if needed.

    A document is written whole, after all its passages are embedded: a cancel (the event set)
    or a kill leaves every document either as it was or fully new. `on_progress` hears after
    every few passages. `failures`: a file where the files that failed are remembered by their
    content, so that a file unchanged since it failed is not read again (a decompression bomb
    costs its minutes once, not at every run). `with_sentences`: each passage's sentences are
    embedded too (for CHATBOT_EXCERPTS_BY_MEANING; the encoder's work about doubles).
    `originals`: a JSON file where each document read is tied to its file, for the page to show
    the original at the cited place (`Originals`).
    """
    report = Report()
    failed_before = Failures(failures)
    existing = store.documents()
    skipped: list[tuple[str, str]] = []
    files = find_files(paths, skipped)
    for name, why in skipped:
        if why.startswith("a link to nothing"):
            report.fail(name, f"{name}: {why}. Mend or remove the link.")
        else:
            report.unfollowed.append(f"{name}: {why}")
    if names:
        files = [(f, names.get(f, n)) for f, n in files]
    todo = []  # read and chunked first, so the progress bar knows the whole job
    found: dict[str, Path] = {}  # the documents read, and their files
    t0 = time.perf_counter()
    for k, (path, name) in enumerate(files, 1):
        if cancel is not None and cancel.is_set():
            report.cancelled.extend(n for _, n in files[k - 1:])
            return report
        if on_progress is not None:
            on_progress(Progress(0, 0, name, time.perf_counter() - t0, reading=True, file=k, files=len(files)))
        known = failed_before.unchanged(path, name)
        if known:
            report.fail(name, known)
            if on_progress is not None:
                on_progress(Progress(0, 0, name, time.perf_counter() - t0, reading=True, file=k,
                                     files=len(files), skipped=known))
            continue
        try:
            doc = read_document(path, name)
            if doc.encoding:
                report.encodings[name] = doc.encoding
            if doc.ocr_pages:
                report.ocr[name] = doc.ocr_pages
            if doc.empty_pages:
                report.empty[name] = doc.empty_pages
            if doc.garbled:
                report.garbled[name] = doc.garbled
            fp = fingerprint(doc, size=size, overlap=overlap)
            held = existing.get(name)
            found[name] = path
            if held and held["fingerprint"] == fp and held["stored"] == held["expected"]:
                report.unchanged.append(name)
                continue
            passages = chunk(doc, size=size, overlap=overlap)
            if len(passages) > MAX_PASSAGES:
                report.cut[name] = len(passages)
                passages = passages[:MAX_PASSAGES]
        except Exception as e:  # noqa: BLE001 - a reader's failure is this file's, never the run's
            if not isinstance(e, IngestError):
                log.debug("reading %s failed", name, exc_info=True)  # the traceback, for whoever logs debug
            why = str(e) if isinstance(e, IngestError) else unreadable(name, e)
            report.fail(name, why)
            failed_before.remember(path, name, why)
            if on_progress is not None:
                on_progress(Progress(0, 0, name, time.perf_counter() - t0, reading=True, file=k,
                                     files=len(files), skipped=why))
            continue
        failed_before.forget(name)
        todo.append((name, passages, fp, held, _info(doc, path)))
    failed_before.save()
    Originals(originals).remember(found)
    if not todo:
        return report
    loaded: Embedder = embedder()
    total = sum(len(p) for _, p, _, _, _ in todo)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="passage", desc="Indexing")
    t0, done = time.perf_counter(), 0
    try:
        for k, (name, passages, fp, held, info) in enumerate(todo):
            parts, per_sentence = [], []
            try:
                for i in range(0, len(passages), SLICE):
                    if cancel is not None and cancel.is_set():
                        report.cancelled.extend(n for n, *_ in todo[k:])
                        raise Cancelled
                    vectors, by_sentence = embed(loaded, passages[i : i + SLICE], with_sentences=with_sentences)
                    parts.append(vectors)
                    per_sentence += by_sentence
                    done += len(parts[-1])
                    if bar is not None:
                        bar.update(len(parts[-1]))
                    if on_progress is not None:
                        on_progress(Progress(done, total, name, time.perf_counter() - t0,
                                             doc_done=min(i + SLICE, len(passages)), doc_total=len(passages)))
            except (Cancelled, ChatbotError):
                raise  # the run's: a cancel, a model that cannot load
            except Exception as e:  # noqa: BLE001 - one document the encoder cannot take costs that document only
                log.debug("embedding %s failed", name, exc_info=True)
                why = (f"{name}: cannot be indexed: the embedding model failed on it ({type(e).__name__}: "
                       f"{(str(e).splitlines() or [''])[0][:160]}). Leave it out, or report it with the file.")
                report.fail(name, why)
                done += len(passages) - sum(map(len, parts))  # the progress counts it as done
                if on_progress is not None:
                    on_progress(Progress(done, total, name, time.perf_counter() - t0, skipped=why))
                continue
            vectors = np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)
            store.check_room(passages, vectors.shape[1] if vectors.ndim == 2 else 0)
            if held:
                store.delete_doc(name)
            store.add(passages, vectors, fingerprint=fp, info=info, sentences=per_sentence)
            (report.updated if held else report.added).append(name)
            report.passages += len(passages)
    except Cancelled:
        pass
    finally:
        if bar is not None:
            bar.close()
    return report


class Failures:
    """The files that could not be read, by name, with a digest of their bytes and why: kept in a
    JSON file of the data folder between runs (none: nothing is kept)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.changed = False
        self.known: dict[str, dict] = {}
        if path is not None and path.is_file():
            try:
                self.known = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.known = {}  # unreadable: nothing remembered, every file read again

    def unchanged(self, path: Path, name: str) -> str:
        """Why the file failed before, said again, when its bytes are the same; "" otherwise."""
        known = self.known.get(name)
        if self.path is None or not known:
            return ""
        try:
            same = sha256_file(path) == known.get("sha256")
        except OSError:
            return ""
        return f"{known['why']} (Unchanged since it failed: not read again.)" if same else ""

    def remember(self, path: Path, name: str, why: str) -> None:
        if self.path is None:
            return
        try:
            self.known[name] = {"sha256": sha256_file(path), "why": why}
            self.changed = True
        except OSError:
            pass

    def forget(self, name: str) -> None:
        if self.known.pop(name, None) is not None:
            self.changed = True

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        try:
            tmp = self.path.with_suffix(".tmp")  # ASCII: a name that is not UTF-8 is kept escaped
            tmp.write_text(json.dumps(self.known, indent=1), encoding="ascii")
            tmp.replace(self.path)
        except OSError:
            log.debug("could not keep the failed files in %s", self.path, exc_info=True)


class Originals:
    """Each document's file, by the document's name: kept in a JSON file of the data folder (none:
    nothing is kept). Only files indexed are named there: the page shows no other file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            known = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # unreadable: the originals are not shown until the next run writes it again
        return known if isinstance(known, dict) else {}

    def of(self, name: str) -> Path | None:
        """The file a document was read from, if it is still there."""
        where = self._read().get(name)
        return Path(where) if isinstance(where, str) and Path(where).is_file() else None

    def remember(self, found: dict[str, Path]) -> None:
        if self.path is None or not found:
            return
        known = self._read()
        known.update({name: str(path.resolve()) for name, path in found.items()})
        try:  # ASCII: a file name that is not UTF-8 (« caf\udce9 ») is kept escaped, as the system gave it
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(known, indent=1), encoding="ascii")
            tmp.replace(self.path)
        except OSError:
            log.debug("could not keep the documents' files in %s", self.path, exc_info=True)


def unreadable(name: str, e: BaseException) -> str:
    """What a file that no reader's own message covers is reported with: the problem in a line."""
    what = {"RecursionError": "nested too deeply to be read", "MemoryError": "too large to read in memory",
            "error": "compressed data in it is corrupt", "BadZipFile": "a damaged archive",
            "LimitReachedError": "compressed data in it inflates past the reader's limit"}
    kind = type(e).__name__
    module = type(e).__module__
    named = kind if module in ("builtins", "") else f"{module.split('.')[0]}.{kind}"
    first = (str(e).splitlines() or [""])[0][:160]
    return (f"{name}: cannot be read: {what.get(kind, 'the reader failed')} ({named}{': ' + first if first else ''}). "
            "Open it and save it again, or leave it out.")


def _info(doc: Document, path: Path) -> dict:
    """What the library table shows of a document, stored with each of its passages."""
    return {"kind": path.suffix.lower().lstrip("."), "parts": len(doc.marks),
            "ocr": ",".join(map(str, doc.ocr_pages)), "added": time.strftime("%Y-%m-%d %H:%M")}
