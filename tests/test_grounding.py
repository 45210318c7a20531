"""Claim-level grounding, rule by rule, on small texts written for these tests."""

import pytest

from chatbot.grounding import (
    Evidence,
    ask,
    asked,
    attributed,
    check,
    closed,
    names,
    quotations,
    quote,
    split_claims,
    window,
)

LYON = Evidence(1, "Le projet Hirondelle est une coopérative de logiciel libre fondée à Lyon en 2011. "
                   "Elle compte dix-sept membres. Son modèle phare s'appelle Martinet. "
                   "Le modèle Martinet est publié sous licence Apache 2.0. "
                   "Il prend en charge 42 langues.")
GRENOBLE = Evidence(2, "La société Verdier, basée à Grenoble, publie le modèle Pinson. "
                       "Sa directrice technique est Claire Fontaine. "
                       "« Nous voulons que chacun puisse le modifier », explique Claire Fontaine.")
FAR = Evidence(3, "Le modèle Pinson est cité en exemple. Un deuxième paragraphe parle d'autre chose. "
                  "Un troisième aussi. Un quatrième encore. Un cinquième enfin. "
                  "Le modèle Grive prend en charge 116 langages de programmation.")


def test_names_and_numbers_are_what_a_sentence_asserts():
    assert names("Le modèle Martinet prend en charge 20 000 mots et 3.0 versions") == ["Martinet", "20 000", "3.0"]
    assert names("Selon le texte, Il est publié") == []  # openers and pronouns are not names
    # a model's size is one fact, as the documents write it; an ordinal is its number
    assert names("un modèle 8B, un 1.5B, un 7b et le 1er ou le 3e") == ["8B", "1.5B", "7b", "1", "3"]


@pytest.mark.parametrize("question,kind", [
    ("Combien de langues le modèle Martinet prend-il en charge ?", "number"),
    ("Quelle est la taille du modèle Pinson ?", "number"),
    ("How many languages does Martinet support?", "number"),
    ("En quelle année Verdier a-t-elle été fondée ?", "year"),
    ("Quand le modèle Pinson a-t-il été publié ?", "date"),
    ("Qui est la directrice technique de Verdier ?", "person"),
    ("Who founded Verdier?", "person"),
    ("Qui est Claire Fontaine ?", ""),  # asks what a named person is, not for a name
    ("Sous quelle licence Martinet est-il publié ?", ""),
])
def test_the_kind_of_fact_a_question_asks_for(question, kind):
    assert asked(question) == kind


def test_a_claim_is_split_with_its_citations():
    assert split_claims("Martinet est libre [1]. Il compte 42 langues [1][2].") == [
        ("Martinet est libre.", [1]), ("Il compte 42 langues.", [1, 2])]


def test_a_fact_found_with_the_asked_entity_stands():
    v = check("Combien de langues le modèle Martinet prend-il en charge ?",
              "Le modèle Martinet prend en charge 42 langues [1].", [LYON])
    assert v.ok, v


def test_the_window_reaches_back_to_where_the_subject_is_named():
    w = window("Il prend en charge 42 langues.", ["42"], LYON)
    assert "Martinet" in w and "42 langues" in w


def test_a_neighbours_number_is_refused():
    # 116 is Grive's, not Pinson's: both are in passage [3], far apart
    v = check("Combien de langages de programmation le modèle Pinson prend-il en charge ?",
              "Le modèle Pinson prend en charge 116 langages de programmation [3].", [FAR])
    assert not v.ok and "Pinson" in v.reason


def test_a_neighbours_number_is_refused_when_the_answer_does_not_name_the_entity():
    v = check("Combien de langages de programmation le modèle Pinson prend-il en charge ?",
              "Il prend en charge 116 langages de programmation [3].", [FAR])
    assert not v.ok and "Pinson" in v.reason


def test_a_post_held_at_another_company_is_refused():
    v = check("Qui est la directrice technique de Hirondelle ?",
              "La directrice technique de Hirondelle est Claire Fontaine [2].", [LYON, GRENOBLE])
    assert not v.ok


def test_a_name_from_another_passage_than_the_cited_one_is_refused():
    v = check("Qui a fondé Hirondelle ?", "Hirondelle a été fondée par Claire Fontaine [1].", [LYON, GRENOBLE])
    assert not v.ok and "Claire" in v.reason


def test_an_invented_year_is_refused():
    v = check("En quelle année Verdier a-t-elle été fondée ?", "Verdier a été fondée en 2011 [2].", [LYON, GRENOBLE])
    assert not v.ok


def test_a_year_question_answered_without_a_year_is_refused():
    v = check("En quelle année Verdier a-t-elle été fondée ?",
              "La société Verdier est basée à Grenoble [2].", [GRENOBLE])
    assert not v.ok and "année" in v.reason


def test_a_size_question_answered_without_a_number_is_refused():
    v = check("Quelle est la taille du modèle Pinson ?",
              "Le modèle Pinson est publié par la société Verdier [2].", [GRENOBLE])
    assert not v.ok and "nombre" in v.reason


def test_a_year_given_with_the_entity_stands():
    v = check("En quelle année Hirondelle a-t-elle été fondée ?",
              "Hirondelle a été fondée à Lyon en 2011 [1].", [LYON])
    assert v.ok, v


def test_a_person_question_needs_a_name_the_question_does_not_give():
    assert check("Qui est la directrice technique de Verdier ?",
                 "La directrice technique de Verdier est Claire Fontaine [2].", [GRENOBLE]).ok
    v = check("Qui est la directrice technique de Verdier ?",
              "La société Verdier a une directrice technique [2].", [GRENOBLE])
    assert not v.ok and "nom" in v.reason


def test_a_quote_is_tied_to_the_speaker_named_after_it():
    v = check("Que veut Claire Fontaine ?",
              "Claire Fontaine veut que chacun puisse modifier le modèle [2].", [GRENOBLE])
    assert v.ok, v


def test_who_said_a_quotation_is_not_answered_by_the_quotation_alone():
    q = "Qui a dit que chacun devait pouvoir modifier le modèle ?"
    v = check(q, 'La citation est : "Nous voulons que chacun puisse le modifier [2]."', [GRENOBLE])
    assert not v.ok and "nom" in v.reason  # « Nous » opens the quotation: it names no one
    assert check(q, "C'est Claire Fontaine qui l'a dit [2].", [GRENOBLE]).ok


def test_the_title_and_the_previous_passage_count_as_context():
    plain = Evidence(1, "Elle compte dix-sept membres et 42 projets.")
    assert not check("Combien de projets compte Hirondelle ?", "Elle compte 42 projets [1].", [plain]).ok
    titled = Evidence(1, plain.text, title="Le projet Hirondelle")
    assert check("Combien de projets compte Hirondelle ?", "Elle compte 42 projets [1].", [titled]).ok
    led = Evidence(1, plain.text, before="Texte. Le projet Hirondelle est né à Lyon.")
    assert check("Combien de projets compte Hirondelle ?", "Elle compte 42 projets [1].", [led]).ok


def test_numbers_match_whole():
    v = check("Combien de langues Martinet prend-il en charge ?", "Martinet prend en charge 4 langues [1].", [LYON])
    assert not v.ok  # 4 is not 42
    g = Evidence(1, "Le modèle Martinet compte 20 000 mots.")
    assert check("Combien de mots compte Martinet ?", "Martinet compte 20000 mots [1].", [g]).ok


def test_a_sentence_without_facts_needs_nothing_more():
    v = check("Qu'est-ce que le projet Hirondelle ?", "C'est une coopérative de logiciel libre [1]. C'est utile.", [LYON])
    assert v.ok, v


def test_an_answer_that_only_restates_the_question_is_refused():
    v = check("Quel modèle la coopérative Hirondelle publie-t-elle sous licence libre ?",
              "La coopérative Hirondelle publie un modèle sous licence libre [1].", [LYON])
    assert not v.ok and "reprendre la question" in v.reason
    assert check("Quel modèle la coopérative Hirondelle publie-t-elle sous licence libre ?",
                 "La coopérative Hirondelle publie le modèle Martinet [1].", [LYON]).ok


def test_which_people_asks_for_names():
    assert asked("Quels deux investisseurs s'opposent sur la question ?") == "person"
    assert asked("Quelle personne dirige Verdier ?") == "person"
    assert asked("Quelle entreprise publie Pinson ?") == ""


def test_a_long_question_is_checked_on_its_ask():
    q = ("Je prépare une note sur le projet Hirondelle pour ma direction. D'après l'article sur Lyon, "
         "sous quelle licence le modèle Martinet est-il publié ?")
    assert ask(q) == ("sous quelle licence le modèle Martinet est-il publié ?",
                      "Je prépare une note sur le projet Hirondelle pour ma direction. D'après l'article sur Lyon")
    # the context's words (licence libre, Hirondelle) are not the ask: repeating them is not restating it
    q = ("Notre coopérative compare les licences libres. Quelle licence Hirondelle a-t-elle choisie pour "
         "Martinet ?")
    assert check(q, "Martinet est publié sous licence Apache 2.0 [1].", [LYON]).ok
    # a name only the context gives need not be in the cited window; one the ask gives must be
    q = "Mon équipe travaille avec Verdier. Combien de langues Martinet prend-il en charge ?"
    assert check(q, "Martinet, comme chez Verdier, prend en charge 42 langues [1].", [LYON]).ok
    q = "Mon équipe travaille avec Hirondelle. Combien de langues Pinson prend-il en charge ?"
    assert not check(q, "Pinson prend en charge 42 langues [1].", [LYON]).ok
    # the ask is the sentence with a question word, even when a bare « Tu peux me dire ? » follows
    assert ask("Mon chef veut savoir qui dirige Verdier. Tu peux me dire ?")[0].startswith("Mon chef veut savoir")


def test_a_pointer_to_the_article_is_not_the_entity_asked_about():
    q = "Selon l'article sur Grenoble, combien de langues le modèle Martinet prend-il en charge ?"
    assert check(q, "Le modèle Martinet prend en charge 42 langues [1].", [LYON]).ok


def test_who_is_answered_by_a_group_of_people_as_well_as_by_a_name():
    coop = Evidence(1, "Le logiciel Martinet est amélioré chaque semaine par des bénévoles enthousiastes.")
    assert check("Qui améliore le logiciel Martinet ?", "Des bénévoles enthousiastes l'améliorent [1].", [coop]).ok
    # a group the question already names is no answer
    v = check("Qui parmi les bénévoles améliore Martinet ?", "Des bénévoles améliorent Martinet [1].", [coop])
    assert not v.ok


def test_a_number_the_question_compares_with_is_its_wording_not_a_claim():
    ev = Evidence(1, "Le projet Hirondelle compte dix-sept membres.")
    q = "Le projet Hirondelle compte-t-il plus de 10 membres ?"
    assert check(q, "Oui, il compte plus de 10 membres : dix-sept [1].", [ev]).ok
    assert not check(q, "Oui, il compte plus de 12 membres [1].", [ev]).ok  # a number of its own must be there


def test_c_est_qui_asks_for_a_name_the_question_does_not_already_give():
    lyon = Evidence(1, "Comme l'a dit Paul Verdier, directeur de la coopérative Hirondelle, le logiciel est libre. "
                       "Claire Pinson lui a succédé en 2024.")
    q = "la directrice qui a remplacé Paul Verdier, c'est qui ?"
    assert check(q, "Claire Pinson lui a succédé [1].", [lyon]).ok
    # the name the question's description gives is no answer
    assert not check(q, "La directrice qui a remplacé Paul Verdier est Paul Verdier [1].", [lyon]).ok


@pytest.mark.parametrize("query,kind", [
    ("prix modeles martinet", "number"), ("nb membres hirondelle", "number"), ("date creation verdier", "date"),
    ("annee fondation hirondelle", "year"), ("licence martinet", ""), ("qui dirige verdier", "person"),
    ("paul verdier age", "number"),
])
def test_a_keyword_query_asks_by_its_words(query, kind):
    assert asked(query) == kind


@pytest.mark.parametrize("question,closed_", [
    ("Est-ce que le modèle Martinet est publié sous licence libre ?", True),
    ("Martinet est-il publié sous licence Apache 2.0 ?", True),
    ("Verdier publie-t-elle le modèle Pinson ?", True),
    ("Mon équipe hésite. Est-ce que Martinet peut servir à des produits commerciaux ?", True),
    ("Combien de langues Martinet prend-il en charge ?", False),
    ("Quand Verdier a-t-elle été fondée ?", False),
    ("Qu'est-ce que le projet Hirondelle ?", False),
    ("licence martinet", False),
    ("est ce que martinet est publie sous licence libre", True),
    ("Est-ce que Verdier publie des modèles qu'on peut modifier librement ?", True),  # « qu'on »: a relative
    ("Les coopératives qui publient Martinet dépendent-elles de Verdier ?", True),
    ("Dans quelle ville Verdier est-elle basée ?", False),
    ("Selon Claire Fontaine, qui Verdier a-t-elle recruté ?", False),
    ("Verdier est-elle basée dans quelle ville ?", False),
    ("les deux modèles cités comme exemple ?", False),
])
def test_a_question_answered_by_yes_or_no(question, closed_):
    assert closed(question) is closed_


def test_a_yes_or_no_answer_must_say_more_than_the_question():
    # « oui » and the question said again: its words are in the excerpt whether the relation is or not
    q = "Est-ce que la coopérative Hirondelle publie le modèle Pinson ?"
    v = check(q, "Oui, la coopérative Hirondelle publie le modèle Pinson [1].", [LYON, GRENOBLE])
    assert not v.ok
    q = "Est-ce que le modèle Martinet est publié sous licence libre ?"
    v = check(q, "Oui\nLe modèle Martinet est publié sous licence libre [1].", [LYON])
    assert not v.ok and "reprendre la question" in v.reason
    # the fact that shows it stands
    assert check(q, "Oui\nLe modèle Martinet est publié sous licence Apache 2.0 [1].", [LYON]).ok
    assert check(q, "Oui, il est publié sous licence Apache 2.0 [1].", [LYON]).ok
    # nor the question asked back, nor the document it points at named again
    q = "Le modèle Martinet est-il publié sous licence libre, d'après l'article sur Hirondelle ?"
    assert not check(q, "Oui, le modèle Martinet est-il publié sous licence libre, d'après l'article sur "
                        "Hirondelle [1] ?", [LYON]).ok
    assert not check(q, "D'après l'article sur Hirondelle, le modèle Martinet est publié sous licence libre [1].",
                     [LYON]).ok


def test_the_name_an_ask_is_attributed_to_is_checked_against_the_whole_cited_document():
    article = Evidence(1, "De petites équipes peuvent créer des applications pour Linux et Android.",
                       document="Un article de la société Verdier. … De petites équipes peuvent créer des "
                                "applications pour Linux et Android.")
    q = "Sur quelles plateformes de petites équipes créent-elles des applications d'après Verdier ?"
    assert ask(q)[0] == "Sur quelles plateformes de petites équipes créent-elles des applications ?"
    assert attributed(q) == ["Verdier"]
    # the answer may repeat « d'après Verdier »: the document names Verdier, not the sentence cited
    assert check(q, "D'après Verdier, de petites équipes créent des applications pour Linux et Android [1].",
                 [article]).ok
    # a document that does not name whom the ask is attributed to is not that source
    q = "Selon Claire Fontaine, sur quelles plateformes de petites équipes créent-elles des applications ?"
    v = check(q, "De petites équipes créent des applications pour Linux et Android [1].", [article])
    assert not v.ok and "Claire" in v.reason
    assert check(q, "Sur Linux [1].", [GRENOBLE, article]).ok is False


def test_an_ask_leans_on_its_context_by_a_pronoun_not_by_the_one_repeating_its_own_subject():
    from chatbot.grounding import leans_back
    assert leans_back("Quelle licence utilise-t-il ?") and leans_back("Qu'a-t-elle réclamé pour le public ?")
    assert leans_back("Combien de langages ces modèles prennent-ils en charge ?") and leans_back("Quelle est sa licence ?")
    assert not leans_back("Dans quels secteurs l'IA open source alimente-t-elle l'innovation ?")
    assert not leans_back("Quels gouvernements cherchent un équilibre entre innovation et sécurité ?")
    assert not leans_back("Qu'est-ce que la transparence permet ?")


def test_a_quotation_of_three_words_or_more():
    assert quotations("Qui a dit « Nous voulons que chacun puisse le modifier » ?") == [
        "Nous voulons que chacun puisse le modifier"]
    assert quotations('Qui a écrit "le modèle phare" ?') == ["le modèle phare"]
    assert quotations("Que veut dire « libre » ?") == []


def _shown(*evidence):
    return {e.n: e.text for e in evidence}


def test_a_yes_or_no_question_is_answered_by_the_sentence_that_speaks_to_it():
    # « oui » or « non » is the model's, the sentence is the document's: the sentence is quoted
    q = "Est-ce que le modèle Martinet est publié sous licence libre ?"
    assert quote(q, [LYON, GRENOBLE], _shown(LYON, GRENOBLE)) == (
        1, "Le modèle Martinet est publié sous licence Apache 2.0.")
    # a name the sentence before gives (« Son modèle phare s'appelle Martinet. Il prend en charge 42 langues. »)
    q = "Martinet prend-il en charge plus de 40 langues ?"
    assert quote(q, [LYON], _shown(LYON)) == (1, "Il prend en charge 42 langues.")
    # typed in lower case, without accents or a question mark: the passages say which words are names
    q = "est ce que verdier publie le modele pinson"
    assert quote(q, [LYON, GRENOBLE], _shown(LYON, GRENOBLE)) == (
        2, "La société Verdier, basée à Grenoble, publie le modèle Pinson.")


def test_two_names_no_sentence_puts_side_by_side_find_nothing_to_quote():
    assert quote("Est-ce que la coopérative Hirondelle publie le modèle Pinson ?", [LYON, GRENOBLE],
                 _shown(LYON, GRENOBLE)) is None
    assert quote("est ce que hirondelle a des bureaux a grenoble", [LYON, GRENOBLE], _shown(LYON, GRENOBLE)) is None
    # the subject named four sentences earlier is too far to be the one the sentence speaks of
    assert quote("Le modèle Pinson prend-il en charge 116 langages de programmation ?", [FAR], _shown(FAR)) is None
    # a name no passage holds
    assert quote("Claire Fontaine travaille-t-elle chez Google ?", [GRENOBLE], _shown(GRENOBLE)) is None


def test_a_relation_said_in_other_words_is_quoted_where_the_sentence_is_close_in_meaning():
    faq = Evidence(1, "Les associations Alouette et Bouvreuil s'opposent-elles sur le financement public ? "
                      "Les associations Alouette et Bouvreuil s'opposent sur la question du financement public.")
    q = "Alouette et Bouvreuil sont-elles d'accord sur le financement public des écoles rurales ?"
    said = (1, "Les associations Alouette et Bouvreuil s'opposent sur la question du financement public.")
    # two of the ask's five other words: too few by words alone
    assert quote(q, [faq], _shown(faq)) is None
    assert quote(q, [faq], _shown(faq), near=lambda texts: None) is None  # nothing searched by meaning
    # close in meaning: quoted; the document's own question, closer still, is no statement to quote
    close = {said[1]: 0.7, "Les associations Alouette et Bouvreuil s'opposent-elles sur le financement public ?": 0.9}
    asked: list = []
    assert quote(q, [faq], _shown(faq), near=lambda texts: asked.extend(texts) or [close[t] for _, t in texts]) == said
    assert asked == [("", said[1])]
    assert quote(q, [faq], _shown(faq), near=lambda texts: [0.3] * len(texts)) is None  # far in meaning
    # under a third of the ask's words, however close
    q = "Alouette et Bouvreuil sont-elles d'accord sur le financement des écoles rurales et des musées ?"
    assert quote(q, [faq], _shown(faq), near=lambda texts: [0.9] * len(texts)) is None


def test_meaning_chooses_only_among_sentences_too_few_words_would_quote():
    first, second = ("Le modèle Martinet est publié sous licence Apache 2.0 depuis 2023.",
                     "Le modèle Martinet est publié sous licence libre pour la recherche.")
    ev = Evidence(1, f"{first} {second}")
    q = "Est-ce que le modèle Martinet est publié sous licence libre ?"
    # the one holding most of the ask, however close the other is in meaning
    assert quote(q, [ev], _shown(ev))[1] == second
    assert quote(q, [ev], _shown(ev), near=lambda texts: [0.9, 0.6])[1] == second
    # neither holds half of it: the closer in meaning
    q = "Est-ce que le modèle Martinet est distribué gratuitement sous licence ouverte aux chercheurs ?"
    assert quote(q, [ev], _shown(ev)) is None
    assert quote(q, [ev], _shown(ev), near=lambda texts: [0.6, 0.8])[1] == second
    assert quote(q, [ev], _shown(ev), near=lambda texts: [0.8, 0.6])[1] == first


def test_only_a_sentence_the_excerpt_shows_is_quoted():
    q = "Est-ce que le modèle Martinet est publié sous licence libre ?"
    assert quote(q, [LYON], {1: "Le projet Hirondelle est une coopérative de logiciel libre fondée à Lyon en 2011."}
                 ) is None


def test_a_number_that_goes_with_a_name_is_not_the_quantity_asked_for():
    ev = Evidence(1, "Les modèles Granite 3.0 d'IBM offrent des performances comparables. "
                     "Ils prennent en charge 116 langages.")
    q = "granite langages programmation combien"
    v = check(q, "Les modèles Granite 3.0 d'IBM offrent des performances comparables [1].", [ev])
    assert not v.ok and "nombre" in v.reason
    assert check(q, "Les modèles Granite 3.0 prennent en charge 116 langages [1].", [ev]).ok


def test_an_answer_saying_the_opposite_of_its_passage_is_withdrawn_and_one_saying_it_stands():
    pinson = Evidence(1, "La coopérative Hirondelle publie le modèle Pinson. Il est distribué sous une licence restrictive.")
    q = "pinson licence permissive avantages"  # a false premise, taken up by the answer
    verdict = check(q, "Pinson est distribué sous une licence permissive, ce qui aide les chercheurs [1].", [pinson])
    assert not verdict.ok and "restrictive" in verdict.reason and "permissive" in verdict.reason
    assert check(q, "Pinson est distribué sous une licence restrictive [1].", [pinson]).ok
    assert check(q, "Pinson n'est pas sous une licence permissive : sa licence est restrictive [1].", [pinson]).ok
    both = Evidence(1, "Martinet a une licence permissive, alors que Pinson a une licence restrictive.")
    assert check("licence martinet", "Martinet a une licence permissive [1].", [both]).ok
