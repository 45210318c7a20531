"""The documents' own words: the word being typed finished from them, and a question's words
spelled as the documents spell them.

A question about the documents mostly ends with their words: a name, a product, a term. While
the last word is being typed, the most frequent document word that begins with the letters typed
so far, and (first of all) that follows the word before it in the documents, is taken as the
word meant: « Amit Sa » → « Amit Sangani ». The question can then be read ahead as it will be
sent, a word earlier. A wrong guess costs only reading that is thrown away.

People type « donnees entrainement » and « mozila »: a word the documents do not hold is read as
the document word it stands for, the same letters without accents first (« données »), else the
most frequent one a typo away (one edit: rapidfuzz's Levenshtein; two would read « prennent » as
« prenant »), in the case the person typed, unless the word is French or English as typed
(simplemma's dictionaries: « recette » is not a typo of « récente », nor « hommes » of « sommes »). Words of
under 6 letters are left as typed: one edit makes another word of many of them (« poste », « porte »),
and so is a word whose stem the documents hold (« opposés » is searched as « oppos- » already).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from rapidfuzz import distance, process

from chatbot.text import STOP_WORDS, analyze, fold

_TOKEN = r"\d+(?:[.,]\d+)+|[^\W_]+"  # « 3.0 » is one word, as for search (text.WORD)
_WORD = re.compile(_TOKEN)
# the word before the last, and the last one being typed (« Granite 3. » is on its way to « 3.0 »)
_TAIL = re.compile(rf"(?:({_TOKEN})[^\w]+)?(\d+(?:[.,]\d+)*[.,]?|[^\W_]+)$")
MIN_LETTERS = 2  # a word not known to follow the one before is completed from this many letters
MIN_TYPO = 6  # a word is read as another one a typo away from this many letters on


def _is_word(word: str) -> bool:
    """Whether a word is French or English as it stands (simplemma's dictionaries): then it is
    not a typo, whatever document word it is near (« recette » is not « récente »)."""
    import simplemma  # its dictionaries load on the first call (about 0.3 s)

    return simplemma.is_known(word, lang="fr") or simplemma.is_known(word, lang="en")


class Completer:
    """Counts of the documents' words and of their pairs, lower-cased, with each word's most
    frequent spelling."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._count: Counter[str] = Counter()
        self._after: defaultdict[str, Counter[str]] = defaultdict(Counter)
        spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            before = ""
            for w in _WORD.findall(text):
                key = w.lower()
                self._count[key] += 1
                spellings[key][w] += 1
                if before:
                    self._after[before][key] += 1
                before = key
        self._spelling = {k: c.most_common(1)[0][0] for k, c in spellings.items()}
        self._sorted = sorted(self._count)
        self._folded: dict[str, str] = {}  # « donnees » -> « données », the most frequent so folded
        for key in sorted(self._count, key=lambda k: (-self._count[k], k)):
            self._folded.setdefault(fold(key), key)
        self._long = [k for k in self._folded if len(k) >= MIN_TYPO - 1 and not k[0].isdigit()]
        self._stems = {t for k in self._count for t in analyze(k)}

    def known(self, word: str) -> str | None:
        """The document word a typed word stands for (its usual spelling); None when none does.
        The word itself when the documents hold it as typed."""
        key = word.lower()
        if key in self._count or (key.isalpha() and set(analyze(key)) <= self._stems):
            return word
        folded = fold(key)
        if folded in self._folded:
            return self._cased(word, self._folded[folded])
        if len(key) < MIN_TYPO or key in STOP_WORDS or not key.isalpha() or _is_word(key):
            return None
        near = process.extract(folded, self._long, scorer=distance.Levenshtein.distance,
                               score_cutoff=1, limit=None)
        if not near:
            return None
        best = min(near, key=lambda m: (m[1], -self._count[self._folded[m[0]]], m[0]))[0]
        return self._cased(word, self._folded[best])

    def _cased(self, typed: str, key: str) -> str:
        """The document word in the case the person typed (« mozila » → « mozilla »)."""
        spelling = self._spelling[key]
        return spelling.lower() if typed.islower() else spelling

    def spell(self, text: str) -> str:
        """`text` with each word the documents do not hold replaced by the one it stands for."""
        def fix(m: re.Match[str]) -> str:
            return self.known(m.group(0)) or m.group(0)

        return _WORD.sub(fix, text)

    def _starting(self, prefix: str) -> list[str]:
        i = bisect.bisect_left(self._sorted, prefix)
        j = bisect.bisect_left(self._sorted, prefix + "\U0010ffff")
        return self._sorted[i:j]

    def word(self, before: str, part: str) -> str | None:
        """The document word `part` most likely begins, given the word `before` it; None when
        no document word begins so."""
        prefix = part.lower()
        after = self._after.get(before.lower())
        if after:
            known = [w for w in after if w.startswith(prefix)]
            if known:
                return self._spell(part, max(known, key=lambda w: (after[w], self._count[w], -len(w), w)))
        if len(part) < MIN_LETTERS:
            return None
        known = self._starting(prefix)
        if not known:
            return None
        return self._spell(part, max(known, key=lambda w: (self._count[w], -len(w), w)))

    def _spell(self, part: str, key: str) -> str:
        spelling = self._spelling[key]
        return spelling if spelling.startswith(part) else part + key[len(part):]

    def complete(self, text: str) -> str | None:
        """`text` with its last word finished (unchanged when it ends between words); None when
        no document word begins with its last word."""
        m = _TAIL.search(text)
        if m is None:
            return text
        word = self.word(m.group(1) or "", m.group(2))
        return None if word is None else text[:m.start(2)] + word
