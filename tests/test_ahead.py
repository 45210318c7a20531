"""Reading ahead's states and its meeting with a question sent, without a model: a stand-in for
the ChatModel seam that reads "batches" as a real one does, checking the reading between them."""

from __future__ import annotations

import threading
import time

from chatbot.ahead import POLL_S, WAIT_S, ReadAhead, Reading, State, Typing
from chatbot.domain import Turn

ONE = [Turn("user", "Qui dirige Mistral AI ?")]
TWO = [Turn("user", "Qui a fondé Mistral AI ?")]


class Batches:
    """Reads a prompt in batches of `batch_s` seconds; an abandoned reading stops inside one."""

    name, path, on_gpu, warning = "batches", "batches", False, ""

    def __init__(self, batches: int = 3, batch_s: float = 0.2) -> None:
        self.lock = threading.Lock()
        self.batches, self.batch_s = batches, batch_s
        self.prefills: list[str] = []  # the prompts it began to read
        self.finished: list[int] = []  # batches read to their end, per prefill
        self.in_batch = threading.Event()

    def reading_into(self, messages):
        return False

    def prefill(self, prompt, reading, *, batch=64):
        self.prefills.append(prompt)
        done = 0
        while done < self.batches and not reading.stopping:
            self.in_batch.set()
            end = time.monotonic() + self.batch_s
            while time.monotonic() < end:
                if reading.abandoned:  # llama.cpp's abort check, between the steps of a batch
                    self.finished.append(done)
                    return 0, done
                time.sleep(0.005)
            done += 1
        self.finished.append(done)
        return 0, done


def test_a_reading_only_moves_forward():
    r = Reading(ONE)
    assert r.state is State.READING and not r.stopping and not r.abandoned
    r.finish()
    assert r.state is State.FINISHING and r.stopping and not r.abandoned
    r.abandon()
    assert r.state is State.ABANDONED
    r.finish()  # no way back
    assert r.state is State.ABANDONED


def test_a_newer_guess_ends_the_one_before_and_the_same_one_is_not_read_twice():
    ahead = ReadAhead()
    first = ahead.begin(ONE)
    assert first is not None and ahead.begin(ONE) is None  # this very prompt is being read
    second = ahead.begin(TWO, keep=True)  # the batch in flight begins the newer prompt: finished
    assert second is not None and first.state is State.FINISHING
    third = ahead.begin(ONE)  # otherwise: at once
    assert third is not None and second.state is State.ABANDONED
    ahead.interrupt(keep=True)  # a question sent
    assert third.state is State.FINISHING
    assert ahead.begin(ONE) is not None  # ended: the same prompt may be read again


def test_a_question_sent_never_waits_for_more_than_the_batch_in_progress():
    model, ahead = Batches(batches=50, batch_s=0.3), ReadAhead()
    t = threading.Thread(target=ahead.read, args=(model, ONE, "un"))
    t.start()
    assert model.in_batch.wait(5)
    t0 = time.monotonic()
    ahead.interrupt()  # what Engine.stream does before it takes the model
    with model.lock:
        waited = time.monotonic() - t0
    t.join(5)
    assert waited < 0.1 and model.finished == [0]  # the batch in progress abandoned at once


def test_a_reading_that_gets_the_model_after_a_question_ended_it_reads_nothing():
    """The race the order of the locks guards: a reading waiting for the model, a question that
    ends it then takes the model. The reading may win the lock in between; it must then see that
    it was ended and let go, not read its prompt while the question waits."""
    model, ahead = Batches(), ReadAhead()
    for _ in range(20):
        model.lock.acquire()  # an answer being written
        out: list = []
        t = threading.Thread(target=lambda out=out: out.append(ahead.read(model, ONE, "un")))
        t.start()
        time.sleep(2 * POLL_S)  # the reading waits for the model
        ahead.interrupt()  # a question sent: it ends the reading…
        model.lock.release()  # …the answer before it ends, and the reading may get the lock first
        with model.lock:  # the question takes the model
            pass
        t.join(5)
        assert out == [None]
    assert model.prefills == []


def test_a_reading_gives_up_on_a_model_that_stays_busy():
    model, ahead = Batches(), ReadAhead()
    with model.lock:
        t0 = time.monotonic()
        assert ahead.read(model, ONE, "un") is None
        assert WAIT_S <= time.monotonic() - t0 < WAIT_S + 1
    assert model.prefills == []
    assert ahead.read(model, ONE, "un") == (0, 3)  # given up, then tried again: read


def test_a_tab_that_stops_typing_leaves_nothing_behind():
    typing = Typing()
    with typing.key("a") as first:
        assert first()
        with typing.key("a") as second:  # a key after it, in the same tab
            assert second() and not first()
            with typing.key("b") as other:  # another tab's key changes nothing here
                assert other() and second()
        assert len(typing) == 0
