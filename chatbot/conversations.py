"""Conversations that last: every question and answer written to SQLite the moment it happens.

One file in the data folder (`conversations.sqlite3`, standard library `sqlite3`, write-ahead
log): a question is stored when it is sent, its answer when it is complete (or stopped, or
withdrawn), each in its own transaction, so a crash, a reload, a restart or another browser loses
nothing already said. An answer is stored with everything needed to show it again without the
index: its sources' passages, timings, the model, the embedder and the documents it was limited
to; a document removed later leaves past answers readable.

Each conversation belongs to a user: the name given at login when the page asks for credentials
(`CHATBOT_AUTH`), else the one local user.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.domain import Answer, Source, Turn
from chatbot.errors import ChatbotError, InputError

LOCAL_USER = "local"
FILE = "conversations.sqlite3"
TITLE_CHARS = 80

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    title TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '[]',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user, updated);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation, id);
"""

# what an assistant message's status says, shown with it
STATUS = {"pending": "réponse interrompue", "stopped": "réponse arrêtée", "retracted": "réponse retirée",
          "refused": "", "answered": "", "error": "erreur"}


@dataclass
class Conversation:
    id: str
    user: str
    title: str
    scope: list[str]
    created: float
    updated: float


@dataclass
class Message:
    id: int
    role: str  # "user" or "assistant"
    content: str
    status: str  # "sent" (a question); "pending", "answered", "refused", "retracted", "stopped", "error"
    created: float
    detail: dict = field(default_factory=dict)  # an answer's sources, timings, model, embedder, scope…

    @property
    def said(self) -> str:
        """What became of an answer that was not simply given (« réponse retirée : why »); "" else."""
        status = STATUS.get(self.status, "")
        reason = self.detail.get("reason")
        return f"{status} : {reason}" if status and reason else status


class Conversations:
    """The conversation store of one data folder. Safe to use from several threads and processes."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE
        try:
            with self._db() as db:
                db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as e:
            raise ChatbotError(f"{self.path} cannot be read as the conversation store ({e}). "
                               "Move it aside and start again: the documents are not affected.") from e

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row
            with db:  # one transaction, committed on leaving
                yield db
        finally:
            db.close()

    # -- conversations -----------------------------------------------------------------------
    def create(self, user: str, title: str = "", scope: list[str] | tuple[str, ...] = ()) -> str:
        cid = uuid.uuid4().hex[:12]
        now = time.time()
        with self._db() as db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?)",
                       (cid, user, _title(title), json.dumps(list(scope), ensure_ascii=False), now, now))
        return cid

    def get(self, user: str, cid: str) -> Conversation:
        with self._db() as db:
            row = db.execute("SELECT * FROM conversations WHERE id = ? AND user = ?", (cid, user)).fetchone()
        if row is None:
            raise InputError(f"no conversation {cid!r}: `chatbot conversations list` shows them.")
        return _conversation(row)

    def find(self, user: str, search: str = "") -> list[Conversation]:
        """The user's conversations, the latest active first; `search` looks in titles and messages."""
        with self._db() as db:
            if search.strip():
                like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                rows = db.execute(
                    "SELECT * FROM conversations c WHERE user = ? AND (title LIKE ? ESCAPE '\\' OR EXISTS "
                    "(SELECT 1 FROM messages m WHERE m.conversation = c.id AND m.content LIKE ? ESCAPE '\\')) "
                    "ORDER BY updated DESC", (user, like, like)).fetchall()
            else:
                rows = db.execute("SELECT * FROM conversations WHERE user = ? ORDER BY updated DESC",
                                  (user,)).fetchall()
        return [_conversation(r) for r in rows]

    def users(self) -> list[str]:
        with self._db() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT user FROM conversations ORDER BY user")]

    def rename(self, user: str, cid: str, title: str) -> None:
        if not title.strip():
            raise InputError("the new title is empty.")
        self.get(user, cid)
        with self._db() as db:
            db.execute("UPDATE conversations SET title = ? WHERE id = ? AND user = ?", (_title(title), cid, user))

    def set_scope(self, user: str, cid: str, scope: list[str] | tuple[str, ...]) -> None:
        with self._db() as db:
            db.execute("UPDATE conversations SET scope = ? WHERE id = ? AND user = ?",
                       (json.dumps(list(scope), ensure_ascii=False), cid, user))

    def delete(self, user: str, cid: str) -> None:
        self.get(user, cid)
        with self._db() as db:
            db.execute("DELETE FROM messages WHERE conversation = ?", (cid,))
            db.execute("DELETE FROM conversations WHERE id = ? AND user = ?", (cid, user))

    # -- messages ----------------------------------------------------------------------------
    def ask(self, user: str, cid: str | None, question: str, scope: list[str] | tuple[str, ...] = ()
            ) -> tuple[str, int]:
        """Store a question the moment it is sent, with an answer pending; a new conversation
        (titled by it) when `cid` is None. Returns the conversation and the pending answer's id."""
        if cid is None:
            cid = self.create(user, question, scope)
        else:
            self.get(user, cid)
        now = time.time()
        with self._db() as db:
            db.execute("INSERT INTO messages (conversation, role, content, status, detail, created) "
                       "VALUES (?, 'user', ?, 'sent', ?, ?)",
                       (cid, question, json.dumps({"scope": list(scope)}, ensure_ascii=False), now))
            pending = db.execute("INSERT INTO messages (conversation, role, content, status, detail, created) "
                                 "VALUES (?, 'assistant', '', 'pending', '{}', ?)", (cid, now)).lastrowid
            db.execute("UPDATE conversations SET updated = ?, scope = ? WHERE id = ?",
                       (now, json.dumps(list(scope), ensure_ascii=False), cid))
        assert pending is not None
        return cid, pending

    def answer(self, mid: int, answer: Answer, *, embedder: str = "", scope: list[str] | tuple[str, ...] = ()
               ) -> None:
        """The complete answer, with what is needed to show it again without the index."""
        status = "retracted" if answer.retracted else "refused" if answer.refused else "answered"
        self._finish(mid, answer.answer, status, answer_detail(answer, embedder=embedder, scope=scope))

    def stop(self, mid: int, partial: str, *, status: str = "stopped", error: str = "") -> None:
        """An answer cut short: stopped by the reader, or failed."""
        self._finish(mid, partial, status, {"error": error} if error else {})

    def _finish(self, mid: int, content: str, status: str, detail: dict) -> None:
        now = time.time()
        with self._db() as db:
            db.execute("UPDATE messages SET content = ?, status = ?, detail = ? WHERE id = ?",
                       (content, status, json.dumps(detail, ensure_ascii=False), mid))
            db.execute("UPDATE conversations SET updated = ? WHERE id = "
                       "(SELECT conversation FROM messages WHERE id = ?)", (now, mid))

    def rate(self, user: str, cid: str, mid: int, liked: bool | None, correction: str = "") -> None:
        """The reader's 👍 (`liked`) or 👎 on an answer, with what it should have said; None takes it back."""
        self.get(user, cid)
        with self._db() as db:
            row = db.execute("SELECT detail FROM messages WHERE id = ? AND conversation = ? AND role = 'assistant'",
                             (mid, cid)).fetchone()
            if row is None:
                raise InputError(f"no answer {mid} in this conversation.")
            detail = json.loads(row["detail"])
            if liked is None:
                detail.pop("feedback", None)
            else:
                detail["feedback"] = {"liked": liked, "correction": correction.strip(), "at": time.time()}
            db.execute("UPDATE messages SET detail = ? WHERE id = ?", (json.dumps(detail, ensure_ascii=False), mid))

    def rated(self, user: str) -> list[tuple[str, Message]]:
        """Every answer this user rated, with the question it answered, oldest first."""
        out = []
        for c in sorted(self.find(user), key=lambda c: c.created):
            question = ""
            for m in self.messages(user, c.id):
                if m.role == "user":
                    question = m.content
                elif "feedback" in m.detail:
                    out.append((question, m))
        return out

    def messages(self, user: str, cid: str) -> list[Message]:
        self.get(user, cid)
        with self._db() as db:
            rows = db.execute("SELECT * FROM messages WHERE conversation = ? ORDER BY id", (cid,)).fetchall()
        return [Message(r["id"], r["role"], r["content"], r["status"], r["created"], json.loads(r["detail"]))
                for r in rows]

    def history(self, user: str, cid: str) -> list[Turn]:
        """What the model sees of the conversation: questions and the answers that were given."""
        turns: list[Turn] = []
        for m in self.messages(user, cid):
            if m.role == "user":
                turns.append(Turn("user", m.content))
            elif m.content and m.status in ("answered", "refused", "retracted"):
                turns.append(Turn("assistant", m.content))  # a withdrawn answer reads as the decline
            elif turns and turns[-1].role == "user":
                turns.pop()  # a question left without an answer is not part of what the model sees
        return turns

    # -- export ------------------------------------------------------------------------------
    def export_json(self, user: str, cid: str) -> dict:
        c = self.get(user, cid)
        return {"id": c.id, "title": c.title, "user": c.user, "scope": c.scope,
                "created": _iso(c.created), "updated": _iso(c.updated),
                "messages": [{"role": m.role, "content": m.content, "status": m.status,
                              "created": _iso(m.created), **m.detail} for m in self.messages(user, cid)]}

    def export_markdown(self, user: str, cid: str) -> str:
        """Each answer with its [n], and below it the cited passages: document, page, position."""
        c = self.get(user, cid)
        out = [f"# {c.title}", "", f"*{_iso(c.created)[:16].replace('T', ' ')}*"
               + (f" — documents : {', '.join(c.scope)}" if c.scope else ""), ""]
        for m in self.messages(user, cid):
            if m.role == "user":
                out += [f"## {m.content}", ""]
                continue
            out += [m.content or "*(pas de réponse)*", ""]
            if m.said:
                out += [f"*({m.said})*", ""]
            if m.detail.get("retracted"):
                out += [f"> ~~{m.detail['retracted']}~~", ""]
            for stored in m.detail.get("sources", []):
                s = Source.from_json(stored)
                where = (s.where if s.where.startswith("passage") or "position" not in stored
                         else f"{s.where}, passage {s.position + 1}")
                section = f" — {s.section}" if s.section else ""
                out += [f"- [{s.n}] **{s.title or s.doc}** ({s.doc}, {where}{section}) :", f"  > {s.text}"]
            if m.detail.get("sources"):
                out.append("")
        return "\n".join(out).rstrip() + "\n"


def answer_detail(answer: Answer, *, embedder: str = "", scope: Sequence[str] = ()) -> dict:
    """What a conversation keeps of an answer besides its text: its sources (`Source.to_json`,
    read back by `Source.from_json`), timings, model and checks."""
    d = answer.to_json()
    return {"sources": [s.to_json(stored=True) for s in answer.sources], "timings": d["timings"], "model": answer.model, "embedder": embedder,
            "scope": list(scope), "retracted": answer.retracted, "reason": answer.reason,
            "question": answer.question}


def _title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t))


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(row["id"], row["user"], row["title"], json.loads(row["scope"]), row["created"],
                        row["updated"])
