"""How questions and answers are worded, in French and English: a question cleaned, guessed
while it is typed and made standalone; its language; an answer that reads as a refusal; the names
and numbers an answer must not invent. Plain text, no model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chatbot.domain import Turn
from chatbot.errors import InputError
from chatbot.lexicon import ENGLISH, ENGLISH_PRONOUNS, FRENCH, PRONOUNS
from chatbot.text import analyze, names, normalize, words

DECLINE = "Je ne trouve pas cette information dans les documents."
MAX_QUESTION_CHARS = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_REFUSAL = re.compile(
    r"(ne (trouve|contien\w*|mentionn\w*|fourni\w*|pr[ée]cis\w*|donn\w*|indiqu\w*) pas"
    r"|aucune (information|mention|indication)|pas d'information|n'est pas (mentionn|indiqu|pr[ée]cis))",
    re.I,
)
_FOLLOW_UP = PRONOUNS | ENGLISH_PRONOUNS


def decline(docs: Sequence[str] = ()) -> str:
    """The fixed sentence, saying which documents were searched when the question was limited."""
    if not docs:
        return DECLINE
    return f"{DECLINE[:-1]} choisis ({', '.join(docs)})."


def quoted(sentence: str, n: int) -> str:
    """The answer to a yes-or-no question that the excerpt's own sentence gives better than the model."""
    return f"Voici ce qu'en dit le document : « {sentence} » [{n}]"


def guess(partial: str) -> str:
    """The question being typed, as it would read if it were sent now: a question ends with a
    question mark (in French, after a space)."""
    q = clean_question(partial)
    return q if q.endswith("?") else f"{q} ?"


def clean_question(question: str) -> str:
    q = " ".join(_CONTROL.sub(" ", question or "").split())
    if not q:
        raise InputError("the question is empty: type a question about your documents.")
    if len(q) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is {len(q):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask a shorter question."
        )
    return q


def standalone(question: str, history: Sequence[Turn]) -> str:
    """The query used for retrieval: a follow-up borrows the previous question's terms.

    A follow-up is short or leans on a pronoun ("et lui ?", "combien en a-t-elle levé ?"). It
    costs no model call (one peer spent 137 s rewriting a follow-up on a CPU).
    """
    previous = [t.content for t in history if t.role == "user"]
    if not previous:
        return question
    w = words(question)
    if len(analyze(question)) <= 3 or any(x in _FOLLOW_UP for x in w):
        # the pronoun often points at a name the last answer gave ("son poste" -> Dave Bergmann)
        answers = [t.content for t in history if t.role == "assistant" and not is_refusal(t.content)]
        named = [n for n in names(answers[-1]) if not n[0].isdigit()] if answers else []
        return " ".join([previous[-1], *dict.fromkeys(named), question])
    return question


FRENCH_OPENING = "D'après les documents,"  # the model adds the space


def looks_english(text: str) -> bool:
    w = words(text)
    return sum(x in ENGLISH for x in w) > sum(x in FRENCH for x in w)


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text)) or normalize(DECLINE)[:30] in normalize(text)


def _digits(s: str) -> str:
    return re.sub(r"[\u00a0\u202f ]", "", s)


def unsupported(answer: str, sources: Sequence[str]) -> list[str]:
    """Names and numbers in the answer that occur in none of the sources (nor the question)."""
    body = answer.removeprefix(FRENCH_OPENING)
    body = re.sub(r"\[\d+\]", "", body)
    pool = normalize(" ".join(sources))
    pool_digits = _digits(pool)
    missing = []
    for n in names(body):
        if n[0].isdigit():
            if _digits(normalize(n)) not in pool_digits:
                missing.append(n)
        elif normalize(n) not in pool:
            missing.append(n)
    return missing


def sanitize(text: str) -> str:
    """Passages are data: strip citation-like marks so they cannot fake ours."""
    return " ".join(re.sub(r"\[\s*\d{1,3}\s*\]", "", text).split())
