"""`chatbot eval`'s scoring: confident wrong answers are counted and listed on their own."""

from chatbot.domain import Answer, Source
from chatbot.evaluate import Item, answer_figures
from chatbot.rag import DECLINE

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
