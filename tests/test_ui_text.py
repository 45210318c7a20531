"""What the page writes in an answer's bubble, without a browser."""

from chatbot.domain import Answer, Source, Timings
from chatbot.phrasing import DECLINE
from chatbot.ui import answer_html
from chatbot.ui.sources import sources_html


def test_a_retracted_answer_is_shown_struck_through_with_its_reason():
    a = Answer("Combien de langues parle Pinson ?", DECLINE, True, "m.gguf", timings=Timings(prompt_tokens=9),
               retracted="Pinson parle 116 <langues> [1].", reason="« Pinson » ne figure pas dans le passage cité.")
    out = answer_html(a)
    assert out.startswith(DECLINE)
    assert "Réponse retirée : « Pinson » ne figure pas dans le passage cité." in out
    assert "<s>Pinson parle 116 &lt;langues&gt; &#91;1]." in out  # escaped, and its [1] is no longer a link
    assert "class='cite'" not in out


def test_a_standing_answer_links_its_citations():
    a = Answer("q", "Pinson parle 42 langues [1].", False, "m.gguf", timings=Timings(prompt_tokens=9))
    out = answer_html(a)
    assert "<a class='cite' href='#source-1'>[1]</a>" in out and "retirée" not in out


def test_a_source_shows_its_passage_once_between_its_neighbours():
    """Passages overlap by a sentence: the neighbour's copy of it is not shown under the highlight."""
    cited = Source(n=1, doc="coop.txt", text="Son modèle s'appelle Martinet. Il est publié sous licence libre.",
                   score=1.0, position=1, start=0, end=0)
    neighbours = {0: "Hirondelle est à Lyon. Son modèle s'appelle Martinet.",
                  2: "Il est publié sous licence libre. Il parle 42 langues."}
    out = sources_html(Answer("q", "a [1]", False, "m", [cited]),
                       lambda doc, pos: (neighbours.get(pos - 1, ""), neighbours.get(pos + 1, "")))
    assert out.count("Martinet") == 1 and out.count("licence libre") == 1
    assert "Hirondelle est à Lyon." in out and "Il parle 42 langues." in out
