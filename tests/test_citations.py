import pytest

from chatbot.citations import CitationStream

PASSAGES = [
    "Mozilla a publié une lettre ouverte la veille du sommet de Bletchley Park.",
    "Jingren Zhou est directeur technologique d'Alibaba Cloud Intelligence.",
    "Llama est un modèle de langage publié par Meta.",
]


def run(answer: str, step: int) -> tuple[str, list[int]]:
    cs = CitationStream(PASSAGES, no_cite=["Je ne trouve pas cette information"])
    out = "".join(cs.feed(answer[i:i + step]) for i in range(0, len(answer), step)) + cs.finish()
    return out, cs.cited


@pytest.mark.parametrize("step", [1, 2, 7, 1000])
@pytest.mark.parametrize(
    ("answer", "expected", "cited"),
    [
        # the model's own valid citations are kept
        ("Mozilla a publié une lettre ouverte [1]. Zhou dirige la technique d'Alibaba [2].",
         "Mozilla a publié une lettre ouverte [1]. Zhou dirige la technique d'Alibaba [2].", [1, 2]),
        # a citation after the full stop moves before it; a missing one is attributed
        ("Mozilla a publié une lettre ouverte. [1] Llama est un modèle publié par Meta.",
         "Mozilla a publié une lettre ouverte [1]. Llama est un modèle publié par Meta [3].", [1, 3]),
        # a citation of a passage that was not given is dropped, then the sentence is attributed
        ("Mozilla a publié une lettre ouverte [7].", "Mozilla a publié une lettre ouverte [1].", [1]),
        # grouped citations are normalised
        ("Llama est un modèle de Meta [1, 3].", "Llama est un modèle de Meta [1][3].", [1, 3]),
        # decimals are not sentence ends; an unsupported sentence gets no citation
        ("La version 3.5 est sortie hier.", "La version 3.5 est sortie hier.", []),
        # the declining sentence is never cited
        ("Je ne trouve pas cette information dans les documents.",
         "Je ne trouve pas cette information dans les documents.", []),
    ],
)
def test_stream_output_is_the_final_cited_answer(answer, expected, cited, step):
    assert run(answer, step) == (expected, cited)


def test_an_answer_citing_nothing_is_attached_to_the_passage_it_shares_most_with():
    c = CitationStream(["Le modèle Martinet est publié sous licence Apache 2.0.", "Pinson est basé à Grenoble."])
    assert c.attach("Il est sous licence Apache 2.0.") == "Il est sous licence Apache 2.0 [1]."
    assert c.cited == [1]
    far = CitationStream(["Le modèle Martinet est publié sous licence Apache 2.0."])
    assert far.attach("La météo est pluvieuse à Lyon.") == "La météo est pluvieuse à Lyon."
    assert far.cited == []


def test_a_documents_title_attributes_only_what_no_passage_text_holds():
    titles = ["", "", "Marc Durand, rédacteur en chef : les modèles de langage ouverts"]
    cs = CitationStream(PASSAGES, titles=titles)
    # the first passage's text holds enough of the sentence: the third's title does not take it away
    assert cs.attribute("Mozilla publie des modèles de langage ouverts.") == 1
    assert cs.attribute("Marc Durand") == 3  # a byline: only the title holds it
    assert CitationStream(PASSAGES).attribute("Marc Durand") is None
    cs = CitationStream(PASSAGES, titles=titles)
    assert cs.attach("Marc Durand, rédacteur en chef.") == "Marc Durand, rédacteur en chef [3]."
