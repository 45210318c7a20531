"""BM25, the fusion of the two rankings, and the choice of excerpts, each on its own."""

import math

import numpy as np

from chatbot.context import select
from chatbot.domain import Hit, Passage
from chatbot.lexical import BM25
from chatbot.retrieve import Retriever


def _p(i: int, text: str, doc: str = "") -> Passage:
    return Passage(id=str(i), doc=doc or f"d{i}.txt", text=text, position=0, start=0, end=len(text))


def test_bm25_rewards_rare_terms_and_french_forms():
    bm = BM25(["Le modèle Martinet est publié à Lyon.", "Le modèle Pinson est publié à Brest.",
               "Les modèles sont publiés."])
    assert bm.idf("martinet") > bm.idf("model")  # in one text, against all three (stemmed, folded)
    s = bm.scores("Où les modèles Martinet sont-ils publiés ?")
    assert int(np.argmax(s)) == 0 and s[0] > s[1] > 0 and s[2] > 0
    assert bm.scores("rien de commun").tolist() == [0.0, 0.0, 0.0]
    assert math.isclose(bm.coverage("modèle Martinet", "le modele martinet"), 1.0)
    assert bm.coverage("modèle Martinet", "le modèle Pinson") < 0.5


class _Fixed:
    """Query vectors chosen by hand, so the dense ranking is known."""

    name, dim = "fixed", 2

    def __init__(self, q):
        self.q = np.array(q, dtype=np.float32)

    def embed_query(self, text):
        return self.q


def test_fusion_puts_first_what_both_rankings_rank_high_and_ranks_decide_not_scores():
    texts = ["Héron publie Martinet à Lyon.", "Pinson vient de Brest.", "Une note sur Martinet et Pinson."]
    vectors = np.array([[0.0, 1.0], [1.0, 0.0], [0.8, 0.6]], dtype=np.float32)
    r = Retriever([_p(i, t) for i, t in enumerate(texts)], vectors, _Fixed([1.0, 0.0]), rrf_k=5)
    hits = r.search("Martinet", 3)
    # dense ranks 1, 2, 0; only 0 and 2 hold the word: 2, high in both, comes first, and 1, first
    # by meaning alone, comes last
    assert [h.passage.id for h in hits] == ["2", "0", "1"]
    assert hits[0].dense_rank == 2 and hits[2].lexical_rank is None and hits[2].dense_rank == 1
    for h in hits:  # a score is the ranks' reciprocal sum, never the raw similarities
        want = sum(1 / (5 + rank) for rank in (h.lexical_rank, h.dense_rank) if rank)
        assert math.isclose(h.score, want)
    r.lexical_weight = 0.0  # dense alone
    assert [h.passage.id for h in r.search("Martinet", 3)] == ["1", "2", "0"]


def test_identical_passages_are_returned_once_and_scope_keeps_to_its_documents():
    texts = ["Pinson vient de Brest.", "Pinson vient de Brest.", "Martinet vient de Lyon."]
    r = Retriever([_p(i, t, doc=f"{'ab'[i % 2]}.txt") for i, t in enumerate(texts)],
                  np.eye(3, 2, dtype=np.float32), _Fixed([1.0, 0.0]))
    assert [h.passage.text for h in r.search("Pinson Brest", 5)].count("Pinson vient de Brest.") == 1
    assert {h.passage.doc for h in r.search("Pinson Brest", 5, docs=["a.txt"])} == {"a.txt"}


def test_excerpts_keep_the_sentences_that_answer_within_the_budget():
    passage = ("Héron est une société lyonnaise. Elle emploie quarante personnes. Son modèle Martinet "
               "compte 7 milliards de paramètres. Il a été publié en 2024. La météo de Lyon est douce.")
    other = "Pinson est un modèle de Brest. Il compte 13 milliards de paramètres."
    hits = [Hit(_p(0, passage), 1.0), Hit(_p(1, other), 0.5)]
    bm = BM25([passage, other])
    [first, second] = select("Combien de paramètres compte le modèle Martinet ?", hits, budget=160, idf=bm.idf)
    assert "Martinet compte 7 milliards de paramètres" in first.text
    assert "météo" not in first.text  # beyond the budget, and far from the answer
    assert len(first.text) + len(second.text) <= 160 + 2 * len(" … ")
    # a chosen sentence that opens with a pronoun brings the one it leans on
    [only] = select("Quand a-t-il été publié en 2024 ?", hits[:1], budget=120, idf=bm.idf)
    assert "Il a été publié en 2024." in only.text and "Martinet" in only.text


def test_bm25_gives_the_scores_of_an_independent_implementation():
    """bm25s (Lucene's BM25) over the same analysed terms: the same scores, up to Lucene leaving
    out the constant factor k1 + 1."""
    import bm25s

    from chatbot.text import analyze

    texts = ["Mistral AI, fondée à Paris en 2023, publie Mistral 7B sous licence Apache 2.0.",
             "IBM publie les modèles Granite 3.0 sous licence Apache 2.0 ; Granite compte 8 milliards "
             "de paramètres.",
             "Meta publie Llama sous une licence communautaire, plus restrictive.",
             "Les modèles ouverts sont publiés sur Hugging Face et GitHub.",
             "La licence Apache 2.0 permet l'usage commercial des modèles publiés.",
             "Le sommet de Bletchley Park a réuni les gouvernements sur la sécurité de l'IA."]
    ours = BM25(texts, k1=1.2, b=0.75)
    ref = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    ref.index([analyze(t) for t in texts], show_progress=False)
    for q in ["Sous quelle licence les modèles Granite sont-ils publiés ?", "Où Mistral AI a-t-elle été fondée ?",
              "licence licence Apache", "Qui a organisé le sommet sur la sécurité ?"]:
        terms = sorted(set(analyze(q)) & set(ref.vocab_dict))
        want = ref.get_scores(terms) * (1.2 + 1)
        assert np.allclose(ours.scores(q), want, rtol=1e-5, atol=1e-6), q
        assert want.max() > 0, q
