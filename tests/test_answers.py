"""End to end with the real pieces: EmbeddingGemma retrieval, Chroma on disk, the 0.5B model at
temperature 0, the real seeds and prompts."""

import pytest

from chatbot.domain import Turn
from chatbot.errors import InputError
from chatbot.phrasing import DECLINE

pytestmark = pytest.mark.model


def test_retrieval_finds_the_passage_that_holds_the_fact(seeded_app):
    hits = seeded_app.retriever().search("Qui est le directeur technologique d'Alibaba Cloud ?", 3)
    assert "Jingren Zhou" in hits[0].passage.text
    assert hits[0].passage.doc.startswith("003_")


def test_a_seed_fact_is_answered_with_its_citation(engine):
    a = engine.ask("Qui est le directeur technologique d'Alibaba Cloud Intelligence ?")
    assert not a.refused
    assert "Jingren Zhou" in a.answer
    assert "[1]" in a.answer or "[2]" in a.answer or "[3]" in a.answer
    cited = {s.n: s for s in a.sources}
    assert any("Jingren Zhou" in s.text for s in cited.values())
    for n in cited:
        assert f"[{n}]" in a.answer  # every listed source is cited, every citation listed
    assert a.timings.prompt_tokens > 0 and a.timings.ttft_ms > 0


@pytest.mark.parametrize("question", [
    "Quelle est la capitale de l'Australie ?",
    "Quelle est la recette de la tarte Tatin ?",
    "Who won the 2018 football World Cup?",
])
def test_off_topic_questions_are_declined(engine, question):
    a = engine.ask(question)
    assert a.refused
    assert a.answer == DECLINE
    assert a.sources == []


def test_an_english_question_gets_a_french_answer(engine):
    a = engine.ask("Under which licence does IBM release its Granite models?")
    assert not a.refused and "Apache" in a.answer
    words = a.answer.lower().split()
    assert not any(w in words for w in ("the", "is", "of", "under", "its"))
    assert any(w in words for w in ("les", "est", "de", "sous", "la", "ses"))


def test_a_follow_up_uses_the_conversation(engine):
    history = [Turn("user", "Qu'a publié Mozilla la veille du sommet de Bletchley Park ?"),
               Turn("assistant", "Mozilla a publié une lettre ouverte [1].")]
    query, hits, _ = engine.retrieve("Et que préconise-t-elle ?", history)
    assert "Mozilla" in query
    assert any("Mozilla préconise" in h.passage.text for h in hits)


def test_the_fixed_instructions_are_evaluated_once(engine):
    engine.ask("Sous quelle licence IBM publie-t-il ses modèles Granite ?")
    second = engine.ask("Qu'a publié Mozilla la veille du sommet de Bletchley Park ?")
    system_tokens = engine.model.count(engine.system)
    assert second.timings.evaluated_tokens <= second.timings.prompt_tokens - system_tokens


@pytest.mark.parametrize("question", ["", "   \n\t ", "x" * 50_000])
def test_bad_questions_get_a_clear_message(engine, question):
    with pytest.raises(InputError, match="empty|limit"):
        engine.ask(question)


def test_control_characters_are_cleaned(engine):
    a = engine.ask("Qui est le directeur\x00 technologique\x1b d'Alibaba Cloud ?")
    assert "Jingren Zhou" in a.answer
