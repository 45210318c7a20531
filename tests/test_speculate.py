"""Reading a question's excerpts while it is typed: fewer tokens after Enter, the same answers,
never in the way."""

import json
from dataclasses import replace

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _questions(n: int) -> list[str]:
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]
    return [x["question"] for x in items if x["type"] in ("factual", "paraphrase", "english")][:n]


def test_what_was_read_ahead_is_not_read_again_and_the_answers_are_the_same(seeded_app):
    engine = seeded_app.engine()
    opts = replace(engine.options, temperature=0.0)
    questions = _questions(10)
    plain = [engine.ask(q, options=opts) for q in questions]
    for q, before in zip(questions, plain, strict=True):
        words = q.split()
        for n in range(2, len(words)):  # a pause after each word, as typing goes
            engine.speculate(" ".join(words[:n]), options=opts)
        done = engine.speculate(q, options=opts)  # and one just before Enter
        assert done is not None, q
        a = engine.ask(q, options=opts)
        # only the question's last tokens and the template's closing are left to read
        assert a.timings.evaluated_tokens <= 16 < before.timings.evaluated_tokens, (q, a.timings)
        # word for word, with the same sources, as without reading ahead
        assert (a.answer, a.refused, [s.doc for s in a.sources]) == \
            (before.answer, before.refused, [s.doc for s in before.sources]), q


def test_a_question_sent_stops_the_reading_ahead_at_once(seeded_app):
    import threading

    engine = seeded_app.engine()
    stop = engine.speculator.begin()
    stop.set()  # what sending a question does to the one in progress
    assert engine.speculate("Qui est le directeur technologique d'Alibaba Cloud ?", stop=stop) is None
    # and a busy model is never waited for: the reading ahead gives up
    with engine.model.lock:
        result = []
        t = threading.Thread(target=lambda: result.append(engine.speculate("Qui dirige Mistral AI ?")))
        t.start()
        t.join(timeout=10)
    assert result == [None]
