"""What the page writes — an answer's bubble, its sources, the indexing messages — without a browser."""

import re

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


def test_every_indexing_message_of_the_damaged_folder_is_said_in_french_in_the_page(tmp_path):
    from chatbot.indexing import index_files
    from chatbot.store import ChromaStore
    from chatbot.ui.french import en_francais
    from damaged import make
    from fakes import WordHashEmbedder

    make(tmp_path / "docs")
    (tmp_path / "docs" / "mort.md").symlink_to(tmp_path / "absent.md")
    store, memory = ChromaStore(tmp_path / "db", embedder="word-hash", dim=32), tmp_path / "failed.json"
    first = index_files(store, WordHashEmbedder, [tmp_path / "docs"], size=500, overlap=1, failures=memory)
    again = index_files(store, WordHashEmbedder, [tmp_path / "docs"], size=500, overlap=1, failures=memory)
    for name, msg in first.failed + again.failed:
        said = en_francais(msg)
        assert said.startswith(f"{name} : ") and said != msg, msg
        plain = re.sub(r"\(.*\)", "", said)  # the reader's own words, in parentheses, stay as it wrote them
        assert not any(w in plain for w in ("Open it", "not read", "cannot", "holds", "file")), said
    assert en_francais("x.md: something no reader says.") == "x.md: something no reader says."  # kept as written
