"""Reading a question ahead while it is typed: its concurrency in one place.

While a person types, each pause long enough (`read_ahead_after`) has the question read as if
it were sent then (`rag.Engine.speculate`: its last word finished from the documents' words, its
search kept for when it is sent, its excerpts chosen, its prompt rendered), and that prompt read
into llama.cpp's cache batch by batch (`ReadsAhead.prefill`). When the question is sent, whatever
of its prompt was read is reused: nothing is left to read when the guess was right.

Three things can be in flight at once — a tab's typing, the reading of one guessed prompt, and an
answer being written — and they meet here:

- `Typing`: per browser tab, its latest key. A pause reads ahead only if no key came since.
- `Reading`: one guessed prompt being read. Its state only moves forward:
  READING -> FINISHING (stop after the batch in progress: the next prompt begins with that batch,
  so finishing it is not wasted) -> ABANDONED (stop at once, the batch in progress dropped), or
  READING -> ABANDONED directly. llama.cpp's own abort check reads `abandoned` between the steps
  of a batch.
- `ReadAhead`: one per loaded model. It holds the reading in progress; a newer guess, or a
  question sent, ends it (`begin`, `interrupt`), and `read` waits for the model, reads, gives up.

The locks, always taken in this order and never the other way (each is held briefly, except the
model's):

1. `Typing._lock` — a tab's latest key (a dict update);
2. `ReadAhead._guard` — which reading is current (a swap; never held while waiting or reading);
3. the model's `lock` — llama.cpp's one context: an answer, or one reading's batches.

`App`'s locks (the index, the engine, the two models' loading) are only ever taken before these
(`App.engine()`), never while one of them is held. A question sent ends the reading before it
takes the model's lock (`Engine.stream`), and a reading that gets the lock checks it was not ended
meanwhile: the question never waits for more than the batch in progress, and only when that batch
is the beginning of its own prompt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum

from chatbot.domain import Turn
from chatbot.protocols import ReadsAhead

# a reading waits this long at most for the model: a batch read ahead before it (the longest,
# 127 tokens, takes about 1.8 s on 2 cores), not an answer (a question sent ends it at once)
WAIT_S = 3.0
POLL_S = 0.05  # how often a reading waiting for the model looks whether it was ended meanwhile

# a pause in typing this long reads the question ahead: after a word (a space or a punctuation
# mark typed), or inside one that begins a document word (it is read finished: completion.py), a
# short one; inside another word, a long one (a key comes every 0.17 s at 6 a second: such a word
# is not guessed letter by letter); after a question mark, none
WORD_END = frozenset(" \n.,;:!?»)\"")
PAUSE_S = {"word": 0.15, "inside": 0.6, "?": 0.0}


def read_ahead_after(text: str, *, completes: bool) -> float:
    """How long a pause in typing `text` must last before the question is read ahead;
    `completes`: the word being typed begins a document word."""
    if text.rstrip().endswith("?"):
        return PAUSE_S["?"]
    return PAUSE_S["word" if text[-1:] in WORD_END or completes else "inside"]


class Typing:
    """Per browser tab, its latest key: a pause counts only if it is still the latest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, object] = {}

    @contextmanager
    def key(self, tab: str) -> Iterator[Callable[[], bool]]:
        """A key typed in `tab`: gives `latest()`, true while no key came after it. A tab's last
        key leaves nothing behind."""
        mark = object()
        with self._lock:
            self._latest[tab] = mark
        try:
            yield lambda: self._latest.get(tab) is mark
        finally:
            with self._lock:
                if self._latest.get(tab) is mark:
                    del self._latest[tab]

    def clear(self) -> None:
        """Every tab's question sent: no pause of any is read ahead any more."""
        with self._lock:
            self._latest.clear()

    def __len__(self) -> int:
        return len(self._latest)


class State(Enum):
    READING = "reading"
    FINISHING = "finishing"  # stop after the batch in progress
    ABANDONED = "abandoned"  # stop at once


class Reading:
    """One guessed prompt being read ahead (see the module's states)."""

    def __init__(self, messages: Sequence[Turn] = ()) -> None:
        self.messages = list(messages)
        self._state = State.READING
        self._lock = threading.Lock()

    @property
    def state(self) -> State:
        return self._state

    @property
    def stopping(self) -> bool:
        """No batch is to begin: the reading is finishing or abandoned."""
        return self._state is not State.READING

    @property
    def abandoned(self) -> bool:
        """Not even the batch in progress is to end."""
        return self._state is State.ABANDONED

    def finish(self) -> None:
        with self._lock:
            if self._state is State.READING:
                self._state = State.FINISHING

    def abandon(self) -> None:
        with self._lock:
            self._state = State.ABANDONED

    def end(self, *, keep: bool) -> None:
        """Finish (`keep`: the next prompt begins with the batch in progress) or abandon."""
        self.finish() if keep else self.abandon()


class ReadAhead:
    """The reading ahead of one loaded model: one prompt at a time. A newer one, or a question
    sent, ends the one before: after the batch in progress when that batch is the beginning of
    the newer prompt too (finishing it is not wasted), at once otherwise."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._current = Reading()
        self._current.abandon()  # nothing is being read

    def begin(self, messages: Sequence[Turn] = (), *, keep: bool = False) -> Reading | None:
        """End the reading in progress (`keep`: after its batch) and start one for the prompt of
        `messages`. None when that very prompt is being read (or was read) already."""
        with self._guard:
            current = self._current
            if messages and list(messages) == current.messages and not current.stopping:
                return None
            current.end(keep=keep)
            self._current = Reading(messages)
            return self._current

    def interrupt(self, *, keep: bool = False) -> None:
        """End the reading in progress (`keep`: after its batch): a question is being sent."""
        with self._guard:
            self._current.end(keep=keep)

    def read(self, model: ReadsAhead, messages: Sequence[Turn], prompt: str, *,
             reading: Reading | None = None) -> tuple[int, int] | None:
        """Read `prompt` (the rendering of `messages`) into the model's cache, as a reading of
        its own (`reading`: one made by the caller, not registered here): after the batch in
        progress when it is the beginning of this prompt, else at once. Waits for the model while
        that batch ends; gives up when ended meanwhile, or when the model stays busy WAIT_S.
        Returns (tokens reused, tokens read), or None when nothing was read."""
        if reading is None:
            reading = self.begin(messages, keep=model.reading_into(messages))
            if reading is None:
                return None  # this prompt is being read already
        waited = time.monotonic() + WAIT_S
        while not model.lock.acquire(timeout=POLL_S):
            if reading.stopping or time.monotonic() > waited:
                reading.abandon()  # given up: the same prompt may be tried again
                return None
        try:
            if reading.stopping:  # ended while the lock was on its way (a question sent)
                return None
            return model.prefill(prompt, reading)
        finally:
            model.lock.release()
