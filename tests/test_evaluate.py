"""`chatbot eval`'s scoring: confident wrong answers are counted and listed on their own."""

from chatbot.domain import Answer, Source, Timings
from chatbot.evaluate import Item, answer_figures
from chatbot.phrasing import DECLINE

SOURCE = Source(n=1, doc="d.txt", text="Le modèle Martinet prend en charge 42 langues.", score=1.0,
                position=0, start=0, end=10)


class Replay:
    """Answers each question with a fixed Answer, as the engine would have."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def ask(self, question, history=()):
        return self.answers[question]


def test_confident_wrong_answers_are_their_own_figure():
    items = [Item("a", "Combien de langues ?", "factual", [["42"]], "42 langues"),
             Item("b", "Combien de pays ?", "factual", [["7"]], None),
             Item("c", "Qui dirige Pinson ?", "offtopic", [], None),
             Item("d", "Où est Pinson ?", "offtopic", [], None)]
    engine = Replay({
        "Combien de langues ?": Answer("q", "Martinet parle 42 langues [1].", False, "m", [SOURCE]),
        "Combien de pays ?": Answer("q", "Martinet parle 42 langues [1].", False, "m", [SOURCE]),
        "Qui dirige Pinson ?": Answer("q", "Claire Fontaine dirige Pinson [1].", False, "m", [SOURCE]),
        "Où est Pinson ?": Answer("q", DECLINE, True, "m", [], retracted="Pinson est à Lyon [1].",
                                  reason="« Lyon » ne figure pas dans le passage cité."),
    })
    f, rows = answer_figures(engine, items)
    assert f["confident_wrong"] == 2 and f["confident_wrong_on_topic"] == 1 and f["confident_wrong_off_topic"] == 1
    assert [r["id"] for r in rows if r["confident_wrong"]] == ["b", "c"]
    assert f["retracted"] == 1 and rows[3]["reason"].startswith("« Lyon »")
    assert f["right"] == 0.5 and f["declined_off_topic"] == 0.5


def test_each_declined_answer_says_which_step_declined_it():
    items = [Item("a", "Combien de langues ?", "factual", [["42"]], "42 langues"),
             Item("b", "Combien de pays ?", "factual", [["7"]], None),
             Item("c", "Où est Martinet ?", "factual", [["Lyon"]], None),
             Item("d", "Quand est né Martinet ?", "factual", [["1962"]], None)]
    read = Timings(prompt_tokens=120)
    engine = Replay({
        "Combien de langues ?": Answer("q", DECLINE, True, "m", [], Timings(), [SOURCE]),
        "Combien de pays ?": Answer("q", DECLINE, True, "m", [], read, [SOURCE]),
        "Où est Martinet ?": Answer("q", DECLINE, True, "m", [], read, [SOURCE], retracted="À Lyon [1].",
                                    reason="« Lyon » ne figure pas dans le passage cité."),
        "Quand est né Martinet ?": Answer("q", DECLINE, True, "m", [], read, [SOURCE], retracted="En 1962 [1].",
                                          reason="le modèle hésitait à répondre d'après ces extraits.",
                                          decline_p=0.2),
    })
    f, rows = answer_figures(engine, items)
    assert [r["declined_by"] for r in rows] == [
        "gate", "model", "rule: « Lyon » ne figure pas dans le passage cité.", "hesitation (p=0.200)"]
    assert f["wrongly_declined_by"] == {"gate": 1, "model": 1, "rule": 1, "hesitation": 1}
    assert rows[0]["evidence_in_prompt"] is True and rows[1]["evidence_in_prompt"] is False


def test_a_false_premise_corrected_with_the_documents_fact_is_not_a_wrong_answer():
    items = [Item("a", "Pourquoi Martinet parle-t-il 7 langues ?", "offtopic", [], None, correction=["42"]),
             Item("b", "Pourquoi Martinet parle-t-il 9 langues ?", "offtopic", [], None, correction=["42"])]
    engine = Replay({
        "Pourquoi Martinet parle-t-il 7 langues ?": Answer("q", "Martinet parle 42 langues [1].", False, "m",
                                                          [SOURCE]),
        "Pourquoi Martinet parle-t-il 9 langues ?": Answer("q", "Parce qu'il est polyglotte [1].", False, "m",
                                                          [SOURCE]),
    })
    f, rows = answer_figures(engine, items)
    assert [r["corrected"] for r in rows] == [True, False]
    assert [r["confident_wrong"] for r in rows] == [False, True]
    assert f["declined_off_topic"] == 0.5 and f["corrected_premises"] == 1


def test_an_answer_taken_from_the_cited_documents_title_is_cited():
    byline = Source(n=1, doc="d.txt", text="Notre coopérative publie ses modèles à Lyon.", score=1.0,
                    position=0, start=0, end=10, title="Capucine Morel, présidente de Hirondelle")
    items = [Item("a", "Qui préside Hirondelle ?", "factual", [["Morel"]], "Capucine Morel")]
    engine = Replay({"Qui préside Hirondelle ?": Answer("q", "Capucine Morel [1]", False, "m", [byline])})
    f, rows = answer_figures(engine, items)
    assert rows[0]["right"] and rows[0]["cited"] and f["cited_right"] == 1.0


def test_a_yes_or_no_answer_opening_on_the_other_verdict_is_wrong_though_the_fact_is_in_it():
    source = Source(n=1, doc="d.txt", text="La lettre a été publiée la veille du sommet.", score=1.0,
                    position=0, start=0, end=10)
    items = [Item(k, f"{k} : la lettre a-t-elle été publiée après le sommet ?", "yesno", [["non", "la veille"]], None)
             for k in ("oui", "non", "cite")]
    engine = Replay({
        items[0].question: Answer("q", "Oui, la lettre a été publiée la veille du sommet [1].", False, "m", [source]),
        items[1].question: Answer("q", "Non, elle a été publiée la veille du sommet [1].", False, "m", [source]),
        items[2].question: Answer("q", "Voici ce qu'en dit le document : « La lettre a été publiée la veille "
                                       "du sommet. » [1]", False, "m", [source]),
    })
    f, rows = answer_figures(engine, items)
    assert [r["right"] for r in rows] == [False, True, True]
    assert [r["confident_wrong"] for r in rows] == [True, False, False]
