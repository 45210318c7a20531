"""French text handling shared by the chunker, the lexical index and the answer checks.

Analysis for search: lower-case, split elisions (l', d', qu'...), drop stop words, Snowball
French stemming, then fold accents (after stemming: the stemmer's rules expect them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from chatbot.lexicon import NOT_NAMES, PRONOUNS, STOP_WORDS  # noqa: F401 (PRONOUNS, STOP_WORDS re-exported)

ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:-[^\W_]+)*", re.UNICODE)  # 3.0 is one word

_stemmer = snowballstemmer.stemmer("french")


def fold(s: str) -> str:
    """Remove accents: é -> e, ç -> c."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return fold(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased words with elisions split off (l'open -> open)."""
    text = ELISION.sub(" ", text.lower().replace("’", "'"))
    out: list[str] = []
    for w in WORD.findall(text):
        if w[0].isdigit():
            out.append(w)
        else:
            out.extend(p for p in w.split("-") if p)
    return out


def analyze(text: str) -> list[str]:
    """Search terms: words without stop words, stemmed and accent-folded."""
    # a number is its own term (the stemmer leaves digits as they are): not stemmed, nor cached
    return [w if w.isascii() and w.isdigit() else _stem(w) for w in words(text) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    import simplemma  # its dictionaries load on the first call (about 0.3 s)

    return _stem(simplemma.lemmatize(word, lang="fr"))


def lemmas(text: str) -> dict[str, str]:
    """The terms of a text by lemma, each with its search term (`analyze`'s): « prennent » and
    « prenant » are one term (simplemma's lemma, then stemmed), as « publie » and « publiés »."""
    return {_lemma(w): _stem(w) for w in words(text)
            if w not in STOP_WORDS and len(w) > 1 and not w[0].isdigit()}


def normalize(text: str) -> str:
    """A key for finding identical passages: folded, lower-case, single spaces."""
    return " ".join(fold(text.lower().replace("’", "'")).split())


# A sentence ends at . ! ? … (possibly followed by a closing quote) and whitespace, unless the
# dot closes a common abbreviation or a single capital (an initial).
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?:\s?[»\"”)])?\s+")  # "… l'utilise. »" ends there
_ABBREV = re.compile(r"(?:\b(?:M|Mme|Dr|St|etc|cf|ex|p|n°|vol|av|env)\.|\b[A-Z]\.)$")


def sentences(text: str) -> list[str]:
    """A passage's sentences, as the prompt's excerpts are made of them (the whole text if none)."""
    return [text[a:b] for a, b in sentence_spans(text)] or [text]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (no newlines inside)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREV.search(text[start:m.start()]):
            continue
        end = m.start() + len(m.group(0).rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


# the facts a sentence asserts (grounding, phrasing.unsupported, the gate of rag.Engine)
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?:[A-Z][A-Za-z]*\b|[bkm]\b)?")  # « 8B » whole
_NAME = re.compile(r"(?<![.!?…]\s)(?<!^)(?<![«\"“]\s)(?<![«\"“])\b[A-ZÀ-Ý][\w’'-]*[A-Za-zÀ-ÿ0-9]", re.M)


def names(text: str) -> list[str]:
    """The facts a sentence asserts: capitalised words inside it, acronyms and numbers."""
    out = [m.group(0) for m in _NAME.finditer(text) if m.group(0) not in NOT_NAMES]
    return out + [m.group(0) for m in _NUMBER.finditer(text)]
