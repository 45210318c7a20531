"""The word being typed, finished from the documents' own words, for reading a question ahead.

A question about the documents mostly ends with their words: a name, a product, a term. While
the last word is being typed, the most frequent document word that begins with the letters typed
so far, and (first of all) that follows the word before it in the documents, is taken as the
word meant: « Amit Sa » → « Amit Sangani ». The question can then be read ahead as it will be
sent, a word earlier. A wrong guess costs only reading that is thrown away.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

_TOKEN = r"\d+(?:[.,]\d+)+|[^\W_]+"  # « 3.0 » is one word, as for search (text.WORD)
_WORD = re.compile(_TOKEN)
# the word before the last, and the last one being typed (« Granite 3. » is on its way to « 3.0 »)
_TAIL = re.compile(rf"(?:({_TOKEN})[^\w]+)?(\d+(?:[.,]\d+)*[.,]?|[^\W_]+)$")
MIN_LETTERS = 2  # a word not known to follow the one before is completed from this many letters


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
