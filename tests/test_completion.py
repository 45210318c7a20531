"""The word being typed, finished from the documents' words (so that the question is read ahead
as it will be sent)."""

from chatbot.completion import Completer

TEXTS = [
    "Amit Sangani dirige l'ingénierie des partenariats chez Meta.",
    "Le samedi, le samedi et encore le samedi : Meta publie Llama.",
    "Sam Altman dirige OpenAI. Mistral AI est basée à Paris.",
    "IBM publie Granite 3.0 sous licence Apache 2.0 en 2024.",
]


def test_the_word_typed_is_finished_with_the_one_that_follows_the_word_before_in_the_documents():
    c = Completer(TEXTS)
    assert c.complete("Quel poste occupe Amit Sa") == "Quel poste occupe Amit Sangani"
    assert c.complete("Où est basée la start-up Mistral A") == "Où est basée la start-up Mistral AI"
    # elsewhere the most frequent document word with those letters, in the user's own letters
    assert c.complete("Que fait-on le sa") == "Que fait-on le samedi"
    assert c.complete("Qui dirige ME") == "Qui dirige MEta"
    # a version number is one word, finished from its first digit
    assert c.complete("Sous quelle licence sont les modèles Granite 3") == "Sous quelle licence sont les modèles Granite 3.0"
    assert c.complete("Les modèles Granite 3.") == "Les modèles Granite 3.0"
    assert c.complete("Publiés en 2024.") is None  # a sentence's full stop, not a number's


def test_a_word_no_document_begins_with_is_not_finished():
    c = Completer(TEXTS)
    assert c.complete("Qui a fondé Hugg") is None
    assert c.complete("Qui a fondé S") is None  # one letter, and no document word after « fondé »
    assert c.complete("Qui dirige Meta ") == "Qui dirige Meta "  # between words: nothing to finish
    assert c.complete("Qui dirige Meta") == "Qui dirige Meta"  # a whole word is left as it is
    assert Completer([]).complete("Qui dirige Me") is None


def test_a_word_no_document_holds_is_read_as_the_document_word_it_stands_for():
    c = Completer(["Les données d'entraînement de Granite viennent de StarCoder.",
                   "Une lettre ouverte de Mozilla a été publiée la veille du sommet.",
                   "Le poste de Kate Soule est au programme Data and Model Factory.",
                   "Marc Andreessen s'oppose à Vinod Khosla.", "Prenant en charge 116 langages.",
                   "Une récente réunion."])
    # the same letters without accents (« entrainement » is searched as « entrain- » already),
    # then a typo away
    assert c.spell("donnees entrainement granite") == "données entrainement granite"
    assert c.spell("mozila lettre ouverte quand") == "mozilla lettre ouverte quand"  # the case typed
    assert c.spell("Qui a publié la lettre de Mozzilla ?") == "Qui a publié la lettre de Mozilla ?"
    # left as typed: a word the documents hold, a word whose stem they hold, a short word
    # (one edit from another word), a word far from every document word, numbers
    assert c.spell("Kate Soul porte quel poste ?") == "Kate Soul porte quel poste ?"
    assert c.spell("investisseurs opposés") == "investisseurs opposés"
    assert c.spell("Depuis quand est-elle à Londres en 2024 ?") == "Depuis quand est-elle à Londres en 2024 ?"
    assert c.spell("Combien en prennent-ils en charge ?") == "Combien en prennent-ils en charge ?"  # not « prenant »
    assert c.spell("Quelle est la recette ?") == "Quelle est la recette ?"  # a French word, one edit from « récente »
