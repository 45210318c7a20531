"""The word being typed, finished from the documents' words (so that the question is read ahead
as it will be sent)."""

from chatbot.completion import Completer

TEXTS = [
    "Amit Sangani dirige l'ingénierie des partenariats chez Meta.",
    "Le samedi, le samedi et encore le samedi : Meta publie Llama.",
    "Sam Altman dirige OpenAI. Mistral AI est basée à Paris.",
]


def test_the_word_typed_is_finished_with_the_one_that_follows_the_word_before_in_the_documents():
    c = Completer(TEXTS)
    assert c.complete("Quel poste occupe Amit Sa") == "Quel poste occupe Amit Sangani"
    assert c.complete("Où est basée la start-up Mistral A") == "Où est basée la start-up Mistral AI"
    # elsewhere the most frequent document word with those letters, in the user's own letters
    assert c.complete("Que fait-on le sa") == "Que fait-on le samedi"
    assert c.complete("Qui dirige ME") == "Qui dirige MEta"


def test_a_word_no_document_begins_with_is_not_finished():
    c = Completer(TEXTS)
    assert c.complete("Qui a fondé Hugg") is None
    assert c.complete("Qui a fondé S") is None  # one letter, and no document word after « fondé »
    assert c.complete("Qui dirige Meta ") == "Qui dirige Meta "  # between words: nothing to finish
    assert c.complete("Qui dirige Meta") == "Qui dirige Meta"  # a whole word is left as it is
    assert Completer([]).complete("Qui dirige Me") is None
