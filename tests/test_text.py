from chatbot.text import analyze, lemmas, sentence_spans, words


def test_elisions_are_split_and_stop_words_dropped():
    assert words("L’open source d'Alibaba qu'il") == ["open", "source", "alibaba", "il"]
    assert "l" not in analyze("l'intelligence artificielle")


def test_numbers_are_terms_as_they_are_written():
    assert analyze("12345 modèles 8B en 2023, l'exposant ²") == ["12345", "model", "8b", "2023", "expos", "2"]


def test_stemming_and_accent_folding_match_inflections():
    assert analyze("développement")[0] == analyze("développer")[0]
    assert analyze("modèles") == analyze("modele")


def test_sentences_split_on_punctuation_not_on_decimals_or_initials():
    text = "Granite 3.0 est sorti. M. Dupont l'a dit ! Et ensuite ?"
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["Granite 3.0 est sorti.", "M. Dupont l'a dit !", "Et ensuite ?"]


def test_a_closing_quote_stays_with_its_sentence():
    text = "« Nous voulons que la communauté l'utilise. » Le mouvement a pris de l'ampleur."
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["« Nous voulons que la communauté l'utilise. »", "Le mouvement a pris de l'ampleur."]


def test_lemmas_join_the_forms_of_a_verb_that_stems_keep_apart():
    assert analyze("prennent") != analyze("prenant")  # the stemmer alone
    assert lemmas("Les modèles prennent en charge").keys() == lemmas("prenant en charge les modèles").keys()
    assert set(lemmas("publiés")) == set(lemmas("publie"))
    # each with the search term it has in the index, for its weight there
    assert lemmas("modèles") == {next(iter(lemmas("modèle"))): analyze("modèles")[0]}
