"""Reading a question's excerpts while it is typed: fewer tokens after Enter, the same answers,
never in the way."""

import json
from dataclasses import replace

import pytest

from chatbot.ahead import Reading
from chatbot.domain import Turn
from chatbot.llm import MIN_BATCH
from conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _questions(n: int) -> list[str]:
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]
    return [x["question"] for x in items if x["type"] in ("factual", "paraphrase", "english")][:n]


def _messages(engine, q):
    """The prompt's turns for question q asked alone, as Engine.stream makes them."""
    o = engine.options
    return engine.messages(q, [], engine.excerpts(*engine.retrieve(q)[:2], o)[1], o)


def test_what_was_read_ahead_is_not_read_again_and_the_answers_are_the_same(seeded_app):
    engine = seeded_app.engine()
    opts = replace(engine.options, temperature=0.0)
    questions = _questions(10)
    plain = [engine.ask(q, options=opts) for q in questions]
    for i, (q, before) in enumerate(zip(questions, plain, strict=True)):
        words = q.split()
        # a pause after each word as typing goes, up to the last one (the question as sent once
        # its question mark is added: the whole prompt is read) or only up to the one before
        last = len(words) - 1 if i % 2 else len(words) - 2
        for n in range(2, last + 1):
            done = engine.speculate(" ".join(words[:n]), options=opts)
        assert done is not None and (done["question"] == q) == bool(i % 2), (q, done)
        if i % 2:  # the question mark typed: the same prompt, which is not read again
            assert engine.speculate(q, options=opts) is None
        a = engine.ask(q, options=opts)
        if i % 2:
            assert a.timings.evaluated_tokens == 0 < before.timings.evaluated_tokens, (q, a.timings)
        else:  # the last word was not read ahead: from where it changed the prompt on
            assert a.timings.evaluated_tokens >= MIN_BATCH, (q, a.timings)
        # word for word, with the same sources, as without reading ahead
        assert (a.answer, a.refused, [s.doc for s in a.sources]) == \
            (before.answer, before.refused, [s.doc for s in before.sources]), q


def test_the_last_word_half_typed_is_read_ahead_finished_from_the_documents(seeded_app):
    engine = seeded_app.engine()
    opts = replace(engine.options, temperature=0.0)
    for q, typed in (("Quel poste occupe Amit Sangani chez Meta ?", "Quel poste occupe Amit Sangani chez M"),
                     ("Qui est Dave Bergmann ?", "Qui est Dave Be")):
        before = engine.ask(q, options=opts)
        done = engine.speculate(typed, options=opts)
        assert done is not None and done["question"] == q, done
        a = engine.ask(q, options=opts)  # nothing left to read, and the same answer
        assert a.timings.evaluated_tokens == 0 < before.timings.evaluated_tokens, (q, a.timings)
        assert (a.answer, [s.doc for s in a.sources]) == (before.answer, [s.doc for s in before.sources])


def test_a_question_is_guessed_as_it_would_be_sent():
    from chatbot.phrasing import guess

    assert guess("Qui dirige  Mistral AI") == "Qui dirige Mistral AI ?"
    assert guess("Who leads Mistral AI?") == "Who leads Mistral AI?"


def test_reading_ahead_stops_in_the_middle_of_a_batch_and_loses_nothing(seeded_app):
    import threading
    import time

    engine = seeded_app.engine()
    opts = replace(engine.options, temperature=0.0)
    q = "Quelle est la fonction de Kate Soule chez IBM ?"
    before = engine.ask(q, options=opts)
    model = engine.model
    prompt = model.render(_messages(engine, "Où est basée la start-up Mistral AI ?"))[0]  # not read yet
    reading = Reading()
    threading.Timer(0.2, reading.abandon).start()
    t0 = time.perf_counter()
    with model.lock:
        reused, read = model.prefill(prompt, reading, batch=4096)
    # one batch of the whole prompt (seconds of work) given up at once, and nothing of it kept
    assert read == 0 and model.count(prompt) - reused > 100, (reused, read)
    assert time.perf_counter() - t0 < 1.0
    a = engine.ask(q, options=opts)
    assert a.answer == before.answer


def test_a_question_sent_stops_the_reading_ahead_at_once(seeded_app):
    import threading
    import time

    from chatbot.ahead import WAIT_S

    engine = seeded_app.engine()
    reading = engine.speculator.begin()
    assert reading is not None
    engine.speculator.interrupt()  # what sending another question does to the one in progress
    assert reading.abandoned
    assert engine.speculate("Qui est le directeur technologique d'Alibaba Cloud ?", reading=reading) is None
    # a reading ahead waiting for the model gives up at once when a question is sent
    with engine.model.lock:
        result = []
        t = threading.Thread(target=lambda: result.append(engine.speculate("Qui dirige Mistral AI ?")))
        t.start()
        time.sleep(0.5)
        assert t.is_alive()  # waiting: the batch before it may be the beginning of its prompt
        t0 = time.perf_counter()
        engine.speculator.interrupt()
        t.join(timeout=10)
        assert result == [None] and time.perf_counter() - t0 < 0.5
        # and a model that stays busy is not waited for long
        t = threading.Thread(target=lambda: result.append(engine.speculate("Qui a fondé Mistral AI ?")))
        t.start()
        t.join(timeout=WAIT_S + 5)
    assert result == [None, None]


def test_a_batch_read_ahead_is_finished_when_the_next_prompt_begins_with_it(seeded_app):
    import threading
    import time

    engine = seeded_app.engine()
    model = engine.model
    messages = _messages(engine, "Quelles entreprises gardent leurs solutions d'IA fermées ?")
    other = _messages(engine, "Où est basée la start-up Mistral AI ?")
    prompt = model.render(messages)[0]
    reading, out = Reading(), []

    def read() -> None:
        with model.lock:
            out.append(model.prefill(prompt, reading, batch=4096))  # one batch: seconds

    t = threading.Thread(target=read)
    t.start()
    deadline = time.monotonic() + 30
    while not model.reading_into(messages) and time.monotonic() < deadline:
        time.sleep(0.01)
    # the batch in flight is the beginning of the same prompt and of a longer one, not of another
    longer = [*messages, Turn("assistant", "suite")]
    assert model.reading_into(messages) and model.reading_into(longer) and not model.reading_into(other)
    reading.finish()  # a newer prompt that begins with it: the batch is finished, not thrown away
    t.join(timeout=60)
    (reused, read), = out
    assert reused + read == len(model.tokenize(prompt)) and read > 100
    assert not model.reading_into(messages)  # nothing in flight any more


def test_a_newer_guess_waits_for_the_batch_it_begins_with_then_reads_on(seeded_app):
    import threading
    import time

    engine = seeded_app.engine()
    engine.ask("Qui est Dave Bergmann ?")  # another prompt in the cache
    typed = "Quel ministre français a dit que personne ne devrait"
    first = _messages(engine, f"{typed} ?")
    out = []
    t = threading.Thread(target=lambda: out.append(engine.speculate(typed)))
    t.start()
    deadline = time.monotonic() + 30
    while not engine.model.reading_into(first) and time.monotonic() < deadline:
        time.sleep(0.01)
    newer = f"{typed} écarter"  # its excerpts begin as the batch in flight does, then differ
    assert engine.model.reading_into(_messages(engine, f"{newer} ?"))
    done = engine.speculate(newer)  # the batch takes most of a second: waited for, not given up
    t.join(timeout=30)
    assert done is not None and done["question"] == f"{newer} ?" and done["read"] > 0, done
    assert out[0]["read"] >= MIN_BATCH and done["reused"] >= out[0]["reused"] + out[0]["read"], (out, done)
