"""One owner for the index: the running page, or one `chatbot ingest` at a time.

An embedded Chroma folder must have one writer: a second process writing it leaves the first
searching stale passages (and Chroma may report ids it cannot find). So the process that writes
holds a lock on the data folder (`index.lock`). `chatbot serve` holds it while it runs and
listens on a Unix socket beside it; `chatbot ingest` then hands its files to the page, which
indexes them, answers from them at once, and streams the progress back. Without a page, ingests
take turns on the lock. A killed process releases the lock with it; a half-written document is
rewritten by the next run (see `indexing`).

The socket is a file of the data folder, readable by its owner only: nothing listens on the
network, and only the user who runs the page can hand it files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import socket
import socketserver
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from chatbot.errors import ChatbotError, ConfigError
from chatbot.indexing import Progress, Report

if TYPE_CHECKING:
    from chatbot.config import Settings
    from chatbot.protocols import Store

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one process at a time is the user's to keep
    fcntl = None  # type: ignore[assignment]

LOCK = "index.lock"


class Indexer(Protocol):
    """What indexing asks of the app (`app.App`): its settings, a run, and the store after it."""

    settings: Settings

    def ingest(self, paths: list[Path], *, rebuild: bool = False,
               on_progress: Callable[[Progress], None] | None = None,
               cancel: threading.Event | None = None) -> Report: ...

    def store(self) -> Store: ...


def socket_path(data_dir: Path) -> Path:
    """The page's socket: in the data folder, or a private temporary folder when that path is too
    long for a Unix socket (about 100 bytes)."""
    path = data_dir / "serve.sock"
    if len(os.fsencode(path)) < 100:
        return path
    short = Path(tempfile.gettempdir()) / f"chatbot-{os.getuid()}"
    short.mkdir(mode=0o700, exist_ok=True)
    return short / (hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:16] + ".sock")


class IndexLock:
    """The data folder's write lock, with the holder's pid and role written in the lock file."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / LOCK
        self._file: IO[str] | None = None

    def acquire(self, role: str) -> bool:
        """Take the lock if it is free; False if another process holds it."""
        f = open(self.path, "a+")  # noqa: SIM115 (held open while the lock is held)
        if fcntl is not None:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.close()
                return False
        f.truncate(0)
        f.write(f"{os.getpid()} {role}\n")
        f.flush()
        self._file = f
        return True

    def holder(self) -> str:
        """« pid role » of the process holding the lock, as it wrote it."""
        with contextlib.suppress(OSError):
            return self.path.read_text().strip()
        return ""

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the lock
            self._file = None


def ingest(app: Indexer, paths: list[Path], *, rebuild: bool = False,
           on_progress: Callable[[Progress | None], None] | None = None,
           waiting: Callable[[str], None] = lambda holder: None) -> tuple[Report, int, bool]:
    """Index files as `chatbot ingest` does: itself when it can take the lock, by the running page
    when one owns the data folder, else after waiting its turn (`waiting` hears once, with the
    holder). Returns the report, the passages the index holds, and whether the page did it."""
    lock = IndexLock(app.settings.data_dir)
    told = False
    while True:
        if lock.acquire("ingest"):
            try:
                report = app.ingest(paths, rebuild=rebuild, on_progress=on_progress)
                return report, app.store().count(), False
            finally:
                lock.release()
        handed = hand_off(app.settings.data_dir, paths, rebuild=rebuild, on_progress=on_progress)
        if handed is not None:
            return (*handed, True)
        if not told:
            waiting(lock.holder())
            told = True
        time.sleep(0.5)


def hand_off(data_dir: Path, paths: list[Path], *, rebuild: bool = False,
             on_progress: Callable[[Progress], None] | None = None) -> tuple[Report, int] | None:
    """Have the running page index these files: its report and passage count, or None when no
    page owns this data folder."""
    conn = _connect(data_dir)
    if conn is None:
        return None
    request = {"op": "ingest", "paths": [str(p.resolve()) for p in paths], "rebuild": rebuild}
    with conn, conn.makefile("rwb") as stream:
        stream.write(json.dumps(request).encode() + b"\n")
        stream.flush()
        for line in stream:
            msg = json.loads(line)
            if "progress" in msg and on_progress is not None:
                on_progress(Progress(*msg["progress"]))
            elif "error" in msg:
                raise ChatbotError(msg["error"])
            elif "report" in msg:
                return Report.from_json(msg["report"]), msg["count"]
    raise ChatbotError("the running page closed the connection before the end of indexing; "
                       "run the same command again (what was done is kept).")


class Owner:
    """What `serve` runs: the lock, and a socket that takes indexing jobs for the page's app."""

    def __init__(self, app: Indexer, data_dir: Path) -> None:
        self.app, self.data_dir = app, data_dir
        self.lock = IndexLock(data_dir)
        self._server: socketserver.UnixStreamServer | None = None

    def start(self) -> None:
        if not self.lock.acquire("serve"):
            holder = self.lock.holder()
            if hand_off_alive(self.data_dir):
                raise ConfigError(f"another page ({holder}) already serves {self.data_dir}: stop it, "
                                  "or set another CHATBOT_DATA_DIR.")
            print(f"Waiting for `chatbot ingest` ({holder}) to finish writing the index…", flush=True)
            while not self.lock.acquire("serve"):
                time.sleep(0.5)
        if not hasattr(socket, "AF_UNIX"):
            return
        where = socket_path(self.data_dir)
        where.unlink(missing_ok=True)  # left by a page that was killed: the lock says it is gone
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                owner._handle(self.rfile, self.wfile)

        old = os.umask(0o177)
        try:
            self._server = socketserver.ThreadingUnixStreamServer(str(where), Handler)
        finally:
            os.umask(old)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="index-owner", daemon=True).start()

    def _handle(self, rfile: io.BufferedIOBase, wfile: io.BufferedIOBase) -> None:
        cancel = threading.Event()

        def send(msg: dict) -> None:
            try:
                wfile.write(json.dumps(msg, ensure_ascii=False).encode() + b"\n")
                wfile.flush()
            except OSError:
                cancel.set()  # the command was interrupted (Ctrl-C): the job stops where it is

        try:
            request = json.loads(rfile.readline() or b"{}")
            if request.get("op") != "ingest":
                send({"error": f"unknown request {request.get('op')!r}"})
                return
            report = self.app.ingest(
                [Path(p) for p in request["paths"]], rebuild=bool(request.get("rebuild")),
                on_progress=lambda p: send({"progress": dataclasses.astuple(p)}),
                cancel=cancel,
            )
            send({"report": report.to_json(), "count": self.app.store().count()})
        except ChatbotError as e:
            send({"error": str(e)})
        except (ValueError, KeyError) as e:
            send({"error": f"a malformed request ({e})"})

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            socket_path(self.data_dir).unlink(missing_ok=True)
        self.lock.release()


def hand_off_alive(data_dir: Path) -> bool:
    """Whether a page answers on this data folder's socket."""
    conn = _connect(data_dir)
    if conn is None:
        return False
    conn.close()
    return True


def _connect(data_dir: Path) -> socket.socket | None:
    """A connection to the page owning this data folder, or None when none listens (no socket,
    or one left by a page that was killed)."""
    where = socket_path(data_dir)
    if not hasattr(socket, "AF_UNIX") or not where.exists():
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(where))
    except OSError:
        conn.close()
        return None
    return conn
