"""Reading a question's excerpts while it is typed: the same answers, fewer tokens after Enter."""

import json
from dataclasses import replace

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _questions(n: int) -> list[str]:
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]
    return [x["question"] for x in items if x["type"] in ("factual", "paraphrase", "english")][:n]


def test_answers_are_the_same_with_and_without_reading_ahead(seeded_app):
    engine = seeded_app.engine()
    opts = replace(engine.options, temperature=0.0)
    questions = _questions(12)
    plain = [engine.ask(q, options=opts) for q in questions]
    ahead, saved = [], 0
    for q, before in zip(questions, plain, strict=True):
        half = q[: q.rfind(" ", 0, len(q) // 2)]
        engine.speculate(half, options=opts)  # a pause half-way through typing
        done = engine.speculate(q, options=opts)  # and one just before Enter
        a = engine.ask(q, options=opts)
        ahead.append(a)
        if done is not None:
            saved += before.timings.evaluated_tokens - a.timings.evaluated_tokens
            assert a.timings.evaluated_tokens < before.timings.evaluated_tokens, q
    assert [a.answer for a in ahead] == [a.answer for a in plain]
    assert [[s.doc for s in a.sources] for a in ahead] == [[s.doc for s in a.sources] for a in plain]
    assert saved > 0


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
