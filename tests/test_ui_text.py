"""What the page writes in an answer's bubble, without a browser."""

from chatbot.domain import Answer, Timings
from chatbot.phrasing import DECLINE
from chatbot.ui import answer_html


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
