"""The answering logic with a scripted model: each declining layer and the citation filter.

The model is a tiny stand-in that replays a fixed answer and records that it was called; the
retriever, context selection, prompts and citation code are the real ones.
"""

import threading
from pathlib import Path

import numpy as np
import pytest

from chatbot.context import select
from chatbot.domain import Hit, Options, Passage, Turn
from chatbot.phrasing import DECLINE, looks_english, standalone, unsupported
from chatbot.prompts import Prompts
from chatbot.rag import Engine
from chatbot.retrieve import Retriever
from fakes import WordHashEmbedder

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Le projet Hirondelle est une coopérative de logiciel libre fondée à Lyon. "
    "Elle compte dix-sept membres. Son modèle phare s'appelle Martinet.",
    "Le modèle Martinet est publié sous licence Apache 2.0. Il a été entraîné sur 12 000 documents.",
    "La météo de Lyon est souvent pluvieuse en novembre.",
]


class ScriptedModel:
    name = "scripted.gguf"
    n_ctx = 4096

    def __init__(self, answer: str, decline_p: float | None = None) -> None:
        self.answer = answer
        self.decline_p = decline_p  # what a real model's first token would have given to declining
        self.calls: list[list[Turn]] = []
        self.lock = threading.Lock()

    def stream(self, messages, *, max_tokens, temperature=0.0, seed=0, stats=None, prefix="", alt=""):
        self.calls.append(list(messages))
        if stats is not None and alt and not prefix:
            stats.alt_p = self.decline_p
        if prefix:
            yield prefix
        for i in range(0, len(self.answer), 3):
            yield self.answer[i:i + 3]

    def count(self, text):
        return len(text.split())


def engine(answer: str) -> tuple[Engine, ScriptedModel]:
    passages = [Passage(id=str(i), doc=f"d{i}.txt", text=t, position=0, start=0, end=len(t))
                for i, t in enumerate(TEXTS)]
    emb = WordHashEmbedder()
    vectors = np.stack([emb.embed_query(t) for t in TEXTS])
    model = ScriptedModel(answer)
    return Engine(Retriever(passages, vectors, emb), model, Prompts(ROOT / "prompts"),
                  Options(top_k=2, min_dense=0.99)), model


def test_a_supported_answer_gets_its_citation_and_source():
    e, model = engine("La coopérative Hirondelle compte dix-sept membres.")
    a = e.ask("Combien de membres compte le projet Hirondelle ?")
    assert not a.refused and a.answer == "La coopérative Hirondelle compte dix-sept membres [1]."
    assert [s.doc for s in a.sources] == ["d0.txt"]
    # passages are quoted in the user turn, after the fixed instructions
    system, user = model.calls[0][0], model.calls[0][-1]
    assert system.role == "system" and "Je ne trouve pas" in system.content
    assert "dix-sept membres" in user.content and "Combien de membres" in user.content


def test_a_refusal_in_other_words_becomes_the_fixed_sentence():
    e, _ = engine("Les extraits ne mentionnent pas cette information.")
    a = e.ask("Combien de membres compte le projet Hirondelle ?")
    assert a.refused and a.answer == DECLINE and a.sources == []


def test_an_invented_number_or_name_is_declined():
    for invented in ("Le projet Hirondelle compte 42 membres.",
                     "Le projet Hirondelle est dirigé par Jeanne Moreau."):
        e, _ = engine(invented)
        assert e.ask("Combien de membres compte le projet Hirondelle ?").refused


def test_a_neighbours_fact_streams_then_is_retracted_with_its_reason():
    # Apache 2.0 is Martinet's licence; the documents give none for the Hirondelle project
    e, _ = engine("Le projet Hirondelle est publié sous licence Apache 2.0.")
    events = list(e.stream("Sous quelle licence est publié le projet Hirondelle ?"))
    shown, a = "".join(x for x in events if isinstance(x, str)), events[-1]
    assert "Apache 2.0" in shown  # the person saw it ...
    assert a.refused and a.answer == DECLINE and a.sources == []
    assert a.retracted.startswith("Le projet Hirondelle est publié sous licence Apache 2.0")
    assert "Hirondelle" in a.reason or "Apache" in a.reason  # ... and is told what was wrong
    assert a.to_json()["retracted"] == {"answer": a.retracted, "reason": a.reason}


def test_a_how_many_question_answered_without_a_number_is_retracted():
    e, _ = engine("Le modèle Martinet est publié sous une licence libre.")
    a = e.ask("Combien de licences le modèle Martinet a-t-il ?")
    assert a.refused and "nombre" in a.reason
    e, _ = engine("Le modèle Martinet a été entraîné sur 12 000 documents.")
    assert not e.ask("Sur combien de documents le modèle Martinet a-t-il été entraîné ?").refused


def test_an_answer_the_model_nearly_declined_is_withdrawn():
    e, model = engine("La coopérative Hirondelle compte dix-sept membres.")
    model.decline_p = 0.3
    a = e.ask("Combien de membres compte le projet Hirondelle ?")
    assert a.refused and a.decline_p == 0.3 and "hésitait" in a.reason
    model.decline_p = 0.01
    a = e.ask("Combien de membres compte le projet Hirondelle ?")
    assert not a.refused and a.decline_p == 0.01


def test_a_declining_model_is_not_a_retraction():
    e, _ = engine(DECLINE)
    a = e.ask("Combien de membres compte le projet Hirondelle ?")
    assert a.refused and a.retracted == "" and a.to_json()["retracted"] is None


def test_a_question_naming_something_unknown_never_reaches_the_model():
    e, model = engine("Le projet Hirondelle compte dix-sept membres.")
    a = e.ask("Combien de membres compte le projet Quetzalcoatl ?")
    assert a.refused and a.answer == DECLINE and model.calls == []
    assert a.timings.prompt_tokens == 0


def test_a_size_written_as_the_documents_write_it_is_known():
    text = "La version inclut les modèles Martinet 8B et 2B."
    emb = WordHashEmbedder()
    e = Engine(Retriever([Passage(id="0", doc="d0.txt", text=text, position=0, start=0, end=len(text))],
                         np.stack([emb.embed_query(text)]), emb),
               ScriptedModel(""), Prompts(ROOT / "prompts"), Options(top_k=1))
    assert e.unknown("La version comprend-elle un modèle 8B ?") == []  # « 8B », not an unknown « 8 »
    assert e.unknown("La version comprend-elle un modèle 70B ?") == ["70B"]


def test_a_number_the_question_compares_with_is_not_a_fact_no_document_holds():
    e, model = engine("Le projet Hirondelle compte dix-sept membres [1].")
    a = e.ask("Le projet Hirondelle compte-t-il plus de 10 membres ?")  # 10 is in no document
    assert not a.refused and len(model.calls) == 1
    a = e.ask("Que s'est-il passé au projet Hirondelle en 1987 ?")  # a number asked about: declined unread
    assert a.refused and len(model.calls) == 1


def test_a_name_only_the_context_gives_declines_only_when_the_ask_names_nothing_known():
    e, model = engine("Le projet Hirondelle compte dix-sept membres [1].")
    # the person's own world around a question about the documents: answered
    a = e.ask("Notre DSI prépare un audit. Combien de membres compte le projet Hirondelle ?")
    assert not a.refused and len(model.calls) == 1
    # or about what the document it points at names
    a = e.ask("Notre DSI prépare un audit. D'après l'article sur Hirondelle, combien de membres compte-t-elle ?")
    assert not a.refused and len(model.calls) == 2
    # the ask leans on its context, which no document knows: declined unread
    a = e.ask("J'ai lu un article sur Quetzalcoatl. Combien de membres compte-t-il ?")
    assert a.refused and len(model.calls) == 2
    a = e.ask("Pour le club Quetzalcoatl, je lis sur le projet Hirondelle. Combien de membres compte-t-il ?")
    assert a.refused and len(model.calls) == 2
    # an unknown name in the ask itself still declines, whatever the context names
    a = e.ask("Je lis sur Hirondelle. Combien de membres compte le projet Quetzalcoatl ?")
    assert a.refused and len(model.calls) == 2
    # an ask that names nothing and leans on nothing before it: the context is the person's own world
    a = e.ask("Mon manager chez Quetzalcoatl veut une synthèse. Combien de membres le projet compte-t-il ?")
    assert not a.refused and len(model.calls) == 3
    a = e.ask("Mon manager chez Quetzalcoatl veut une synthèse. Combien de membres ce projet compte-t-il ?")
    assert a.refused and len(model.calls) == 3  # « ce projet »: the one its context names


def test_a_quotation_found_in_the_documents_is_what_a_question_is_about():
    e, model = engine("Le projet Hirondelle [1].")
    # « LinkedIn » is the person's own world; the quoted words are a passage's
    a = e.ask("Pour un post LinkedIn, je cherche qui a écrit « une coopérative de logiciel libre ». Qui est-ce ?")
    assert not a.refused, a.reason
    assert len(model.calls) == 1
    # a quotation no document holds does not open the door
    a = e.ask("Pour un post LinkedIn, je cherche qui a écrit « une coopérative de boulangers ». Qui est-ce ?")
    assert a.refused and len(model.calls) == 1


def test_a_yes_or_no_question_gets_its_line():
    e, model = engine("Oui, le modèle Martinet est publié sous licence Apache 2.0 [1].")
    a = e.ask("Est-ce que le modèle Martinet est publié sous licence libre ?")
    assert not a.refused, a.reason
    assert Prompts(ROOT / "prompts").render("yesno") in model.calls[0][-1].content
    e.ask("Sous quelle licence le modèle Martinet est-il publié ?")
    assert Prompts(ROOT / "prompts").render("yesno") not in model.calls[1][-1].content


def test_a_yes_or_no_answer_withdrawn_gives_way_to_the_sentence_that_speaks_to_it():
    # « Oui » and the question said again: withdrawn, and the excerpt's own sentence quoted instead
    e, _ = engine("Oui, le modèle Martinet est publié sous licence libre [2].")
    a = e.ask("Est-ce que le modèle Martinet est publié sous licence libre ?")
    assert not a.refused and "reprendre la question" in a.reason and a.retracted.startswith("Oui")
    assert a.answer == "Voici ce qu'en dit le document : « Le modèle Martinet est publié sous licence Apache 2.0. » [1]"
    assert [s.doc for s in a.sources] == ["d1.txt"]
    # a model declining a yes-or-no question: the same sentence
    e, _ = engine(DECLINE)
    a = e.ask("est ce que martinet est publie sous licence libre")
    assert not a.refused and "Apache 2.0" in a.answer and a.retracted == ""
    # two names no sentence puts side by side: declined, as before
    e, _ = engine("Oui, le projet Hirondelle publie le modèle Martinet [1].")
    a = e.ask("Est-ce que le projet Hirondelle est publié sous licence Apache 2.0 ?")
    assert a.refused and a.answer == DECLINE and a.sources == []
    # and a question that is not answered by yes or no is never answered by a quotation
    e, _ = engine(DECLINE)
    assert e.ask("Sous quelle licence le modèle Martinet est-il publié ?").refused


def test_the_source_an_ask_is_attributed_to_is_looked_for_in_the_whole_cited_document():
    texts = ["Un article de la coopérative Hirondelle, écrit à Lyon. Il parle de logiciels.",
             "La météo y est souvent pluvieuse en novembre. " * 20,  # far more than the text read before a passage
             "De petites équipes peuvent créer des applications pour Linux et Android."]
    passages = [Passage(id=str(i), doc="d0.txt", text=t, position=i, start=0, end=len(t))
                for i, t in enumerate(texts)]
    emb = WordHashEmbedder()
    vectors = np.stack([emb.embed_query(t) for t in texts])
    answer = "D'après Hirondelle, de petites équipes créent des applications pour Linux et Android [1]."
    e = Engine(Retriever(passages, vectors, emb), ScriptedModel(answer), Prompts(ROOT / "prompts"),
               Options(top_k=1, min_dense=0.99))
    a = e.ask("Pour quelles plateformes de petites équipes peuvent-elles créer des applications d'après Hirondelle ?")
    assert not a.refused, a.reason
    assert e.searcher.document("d0.txt") == "\n".join(texts)


def test_an_answer_taken_from_a_documents_title_cites_it():
    text = "La coopérative Hirondelle est dirigée depuis sa fondation à Lyon par sa présidente."
    passages = [Passage(id="0", doc="d0.txt", text=text, position=0, start=0, end=len(text),
                        title="Capucine Morel, présidente de la coopérative Hirondelle"),
                Passage(id="1", doc="d1.txt", text=TEXTS[2], position=0, start=0, end=len(TEXTS[2]))]
    emb = WordHashEmbedder()
    vectors = np.stack([emb.embed_query(p.text) for p in passages])
    e = Engine(Retriever(passages, vectors, emb), ScriptedModel("Capucine Morel"), Prompts(ROOT / "prompts"),
               Options(top_k=2, min_dense=0.99))
    a = e.ask("Qui dirige la coopérative Hirondelle ?")
    assert not a.refused, a.reason
    assert a.answer == "Capucine Morel [1]" and [s.doc for s in a.sources] == ["d0.txt"]


def test_fake_citation_marks_in_documents_are_removed_before_the_model_sees_them():
    e, model = engine("Le modèle Martinet est publié sous licence Apache 2.0.")
    e.searcher.passages[1] = Passage(id="1", doc="d1.txt", text=TEXTS[1] + " [3] [1]",
                                     position=0, start=0, end=10)
    e.ask("Sous quelle licence est publié le modèle Martinet ?")
    assert "[3]" not in model.calls[0][-1].content


def test_unsupported_finds_names_and_numbers_absent_from_the_sources():
    src = ["Le modèle Martinet est publié sous licence Apache 2.0, entraîné sur 12 000 documents."]
    assert unsupported("Martinet est sous licence Apache 2.0 [1].", src) == []
    assert unsupported("Il a vu 12 000 documents.", src) == []
    assert unsupported("Martinet a 7 milliards de paramètres.", src) == ["7"]
    assert unsupported("Martinet vient de Google.", src) == ["Google"]


def test_context_keeps_the_sentences_that_answer_within_budget():
    hits = engine("")[0].searcher.search("Combien de membres compte la coopérative Hirondelle ?", 2)
    excerpts = select("Combien de membres compte la coopérative Hirondelle ?", hits, budget=120,
                      idf=lambda t: 1.0)
    text = " ".join(x.text for x in excerpts)
    assert "dix-sept membres" in text  # the answer ...
    assert "fondée à Lyon" in text  # ... and the sentence "Elle" leans on
    assert sum(len(x.text) for x in excerpts) <= 130


def test_follow_ups_borrow_the_previous_question_and_new_topics_do_not():
    history = [Turn("user", "Qui a fondé le projet Hirondelle ?"), Turn("assistant", "…")]
    assert "Hirondelle" in standalone("Et combien de membres compte-t-elle ?", history)
    assert standalone("Sous quelle licence est publié le modèle Martinet ?", history) == \
        "Sous quelle licence est publié le modèle Martinet ?"


def test_a_follow_up_also_borrows_the_names_the_last_answer_gave():
    history = [Turn("user", "Qui a fondé le projet Hirondelle ?"),
               Turn("assistant", "C'est Louise Martin qui l'a fondé [1].")]
    query = standalone("Et quel est son poste ?", history)
    assert "Louise Martin" in query and "Hirondelle" in query
    declined = [history[0], Turn("assistant", DECLINE)]
    assert standalone("Et quel est son poste ?", declined) == \
        "Qui a fondé le projet Hirondelle ? Et quel est son poste ?"


@pytest.mark.parametrize(("text", "english"), [
    ("What did Mozilla publish before the summit?", True),
    ("Qu'a publié Mozilla avant le sommet ?", False),
    ("Who is the CTO of Alibaba Cloud?", True),
])
def test_language_detection(text, english):
    assert looks_english(text) is english


def test_a_question_limited_to_chosen_documents_searches_only_them_and_says_so_when_it_declines():
    from dataclasses import replace

    e, model = engine("La coopérative Hirondelle compte dix-sept membres.")
    hits = e.searcher.search("Combien de membres compte le projet Hirondelle ?", 3, docs=["d1.txt", "d2.txt"])
    assert hits and {h.passage.doc for h in hits} <= {"d1.txt", "d2.txt"}
    scoped = replace(e.options, docs=("d2.txt",))
    a = e.ask("Combien de membres compte le projet Hirondelle ?", options=scoped)
    assert a.refused and a.sources == [] and model.calls == []  # the weather report does not hold it
    assert a.answer == "Je ne trouve pas cette information dans les documents choisis (d2.txt)."
    a = e.ask("Combien de membres compte le projet Hirondelle ?", options=replace(e.options, docs=("d0.txt",)))
    assert not a.refused and [s.doc for s in a.sources] == ["d0.txt"]


def test_a_passage_sharing_no_word_with_the_question_is_shown_by_its_sentence_closest_in_meaning():
    text = "Le projet Hirondelle est né à Lyon. Des bénévoles entretiennent le logiciel. Il pleut souvent."
    hit = Hit(Passage(id="p", doc="d.txt", text=text, position=0, start=0, end=len(text)), score=1.0)
    question = "Qui s'occupe du code ?"
    by_terms = select(question, [hit], budget=40, idf=lambda t: 1.0)
    assert by_terms[0].text.startswith("Le projet Hirondelle")  # its opening stands for it
    by_meaning = select(question, [hit], budget=40, idf=lambda t: 1.0, meaning=lambda h: [0.1, 0.8, 0.2])
    assert by_meaning[0].text == "Des bénévoles entretiennent le logiciel."
    # sentences' closeness that does not fit the passage's sentences is not used
    assert select(question, [hit], budget=40, idf=lambda t: 1.0, meaning=lambda h: [0.9]) == by_terms


def test_a_sentence_close_in_meaning_is_shown_before_a_neighbour_that_only_follows():
    text = ("Mistral AI s'est imposé en Europe. Ses fondateurs viennent de Google et de Meta. "
            "La start-up basée à Paris lève des fonds.")
    hit = Hit(Passage(id="p", doc="d.txt", text=text, position=0, start=0, end=len(text)), score=1.0)
    question = "mistral ai siege"
    by_terms = select(question, [hit], budget=95, idf=lambda t: 1.0)
    assert by_terms[0].text == "Mistral AI s'est imposé en Europe. Ses fondateurs viennent de Google et de Meta."
    by_meaning = select(question, [hit], budget=95, idf=lambda t: 1.0, meaning=lambda h: [0.5, 0.1, 0.6])
    assert by_meaning[0].text == "Mistral AI s'est imposé en Europe. … La start-up basée à Paris lève des fonds."
    # close in meaning but below the floor: nothing gained, the window grows as by terms
    assert select(question, [hit], budget=95, idf=lambda t: 1.0, meaning=lambda h: [0.2, 0.1, 0.25]) == by_terms


def test_a_question_typed_without_accents_or_with_a_typo_finds_the_documents_words():
    e, model = engine("Le modèle Martinet est publié sous licence Apache 2.0.")
    a = e.ask("licence modele martinnet")
    assert not a.refused and a.sources[0].doc == "d1.txt"
    assert "licence modele martinet" in model.calls[0][-1].content  # the model reads the documents' spelling
    assert a.question == "licence modele martinnet"  # the person's words are kept for the page


def test_each_source_knows_the_sentence_the_answer_cites_and_its_page():
    from types import SimpleNamespace

    from chatbot.domain import Source

    text = ("Le projet Hirondelle est une coopérative fondée à Lyon. Elle compte dix-sept membres. "
            "Son modèle phare s'appelle Martinet.")
    turn = text.index("Elle compte")
    passage = Passage(id="p", doc="rapport.pdf", text=text, position=0, start=0, end=len(text), page=4,
                      part="pp. 4–5", turns=((turn, "p. 5"),))
    source = Source(n=1, doc="rapport.pdf", text=text, score=1.0, position=0, start=0, end=len(text), page=4,
                    part="pp. 4–5")
    excerpts = [SimpleNamespace(hit=SimpleNamespace(passage=passage))]
    [cited] = Engine.cited("La coopérative Hirondelle compte dix-sept membres [1].", [source], excerpts)
    assert cited.sentence == "Elle compte dix-sept membres." and cited.where == "p. 5"
    [cited] = Engine.cited("Elle a été fondée à Lyon [1].", [source], excerpts)
    assert cited.sentence.startswith("Le projet Hirondelle") and cited.where == "p. 4"
    assert cited.to_json()["sentence"] == cited.sentence and Source.from_json(cited.to_json()).where == "p. 4"
