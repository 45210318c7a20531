"""Quality floor on the project's own question set: fails if the figures fall more than a few points.

Measured with the small model the tests use (0.5B, temperature 0); the figures for the default
1.5B model are in MEASUREMENTS.md and `chatbot eval` reports. Floors sit a few points under the
measured values so that a regression shows, not noise.
"""

from pathlib import Path

import pytest

from chatbot.evaluate import answer_figures, load_questions, retrieval_figures

QUESTIONS = Path(__file__).resolve().parent / "eval" / "questions.jsonl"


@pytest.fixture(scope="module")
def items():
    return load_questions(QUESTIONS)


def test_the_question_set_covers_every_kind_of_question(items):
    kinds = [i.kind for i in items]
    assert len(items) >= 60
    assert kinds.count("offtopic") >= 12
    assert {"factual", "paraphrase", "multi", "followup", "english"} <= set(kinds)
    assert all(i.history for i in items if i.kind == "followup")


@pytest.mark.model
def test_retrieval_floor(seeded_app, items):
    f = retrieval_figures(seeded_app.engine_for_retrieval(), items)
    assert f["hit@5"] >= 0.95, f
    assert f["hit@1"] >= 0.74, f


@pytest.mark.model
@pytest.mark.slow
def test_answer_floor(engine, items):
    f, rows = answer_figures(engine, items)
    wrong = [(r["id"], r["answer"][:80]) for r in rows if not (r["right"] or (r["type"] == "offtopic" and r["refused"]))]
    assert f["declined_off_topic"] >= FLOOR["declined_off_topic"], wrong
    assert f["right"] >= FLOOR["right"], wrong
    assert f["cited_right"] >= FLOOR["cited_right"], wrong
    assert f["wrongly_declined"] <= FLOOR["wrongly_declined"], wrong
    assert f["french"] >= FLOOR["french"], wrong
    assert f["confident_wrong_on_topic"] <= FLOOR["confident_wrong_on_topic"], wrong


# Measured with the 0.5B model on 2026-12-01 (answers whose sentences do not stand on what they
# cite are withdrawn, and so are answers whose first token leaned 0.08 or more to declining):
# right 0.667 (36 of 54), cited 1.000, off-topic declined 1.000, declined on-topic 0.148 (8 of 54,
# wrong or half-wrong answers now withdrawn in view), confident wrong on-topic 10, French 1.000.
# Before the checks: right 0.704, declined on-topic 0.019. The floors leave 2 answers of slack.
# Since the excerpts are chosen by meaning too (2026-12-06, Intel Xeon): right 0.667 (36), declined
# on-topic 5, confident wrong on-topic 13 (11 just before: par40 and eng50 turned wrong with the
# 0.5B, while the default 1.5B kept 49 right and 5 wrong on this set; MEASUREMENTS.md).
FLOOR = {"right": 0.62, "cited_right": 0.92, "declined_off_topic": 0.85, "wrongly_declined": 0.19,
         "french": 0.95, "confident_wrong_on_topic": 15}
