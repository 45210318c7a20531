"""Reading a question's excerpts while it is typed: fewer tokens after Enter, never in the way.

The answers are not compared word for word: llama.cpp's results depend on how the prompt is split
into batches, so a near-tie at temperature 0 can go the other way (README, CHATBOT_SPECULATE).
"""

import json
from dataclasses import replace

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _questions(n: int) -> list[str]:
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]
    return [x["question"] for x in items if x["type"] in ("factual", "paraphrase", "english")][:n]


def test_what_was_read_ahead_is_not_read_again_after_enter(seeded_app):
    engine = seeded_app.engine()
    opts = replace(engine.options, temperature=0.0)
    questions = _questions(6)
    plain = [engine.ask(q, options=opts) for q in questions]
    for q, before in zip(questions, plain, strict=True):
        half = q[: q.rfind(" ", 0, len(q) // 2)]
        engine.speculate(half, options=opts)  # a pause half-way through typing
        done = engine.speculate(q, options=opts)  # and one just before Enter
        assert done is not None and done["read"] > 0, q
        a = engine.ask(q, options=opts)
        # the whole question was read ahead: only the template's closing is left, and the answer
        assert a.timings.evaluated_tokens <= 12 < before.timings.evaluated_tokens, (q, a.timings)


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
