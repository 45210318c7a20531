"""Citations made reliable while the answer streams.

Small models cite `[n]` when asked only some of the time (measured: once in 37 answers). So the
stream passes through this filter, which holds back just enough text to decide, per sentence:
- a citation the model wrote is kept if it names a passage it was given, dropped otherwise;
  `[1, 2]`, `[1][2]` and a citation placed after the full stop are normalised to `... [1][2].`;
- a sentence that ends with no valid citation gets one: the passage that shares most of its
  informative terms, when it shares enough of them;
- an answer left citing nothing at all is attached, once written, to the passage it shares most
  with (`attach`): its excerpt was in the prompt, and the claim checks then judge it.
What streams to the user is exactly the final answer, citations included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chatbot.text import analyze, normalize

CITE = re.compile(r"\[\s*(?:extraits?\s*|source\s*|passages?\s*)?(\d{1,2}(?:\s*[,;et]+\s*\d{1,2})*)\s*\]", re.I)
MAX_MARK = 16  # an unclosed '[' longer than this is plain text
ENDS = ".!?…"
MIN_SHARE = 0.34  # a sentence is attributed when this share of its terms is in the passage
MIN_ATTACH = 0.2  # an answer citing nothing is attached to the passage holding this share of its terms


class CitationStream:
    def __init__(self, passages: Sequence[str], *, titles: Sequence[str] = (), no_cite: Sequence[str] = ()) -> None:
        self._terms = [set(analyze(p)) for p in passages]
        # a passage's document title, read with it by the model: a sentence taken from a title
        # (a byline) is attributed by it, one that the passage's own text holds never is
        self._titled = [t | set(analyze(title)) for t, title in zip(self._terms, titles, strict=False)]
        self._no_cite = [normalize(s) for s in no_cite]
        self.cited: list[int] = []
        self._buf = ""
        self._sentence = ""
        self._cites: list[int] = []

    def feed(self, delta: str) -> str:
        self._buf += delta
        return self._drain(final=False)

    def finish(self) -> str:
        return self._drain(final=True)

    def _drain(self, final: bool) -> str:
        out: list[str] = []
        buf = self._buf
        while buf:
            m = CITE.match(buf)
            if m:
                self._take(m.group(1))
                buf = buf[m.end():]
                continue
            c = buf[0]
            if c == "[" and "]" not in buf and len(buf) < MAX_MARK and not final:
                break  # maybe a citation still arriving
            if c in ENDS:
                j = 1
                while j < len(buf) and buf[j] in ENDS:
                    j += 1
                rest = buf[j:]
                gap = len(rest) - len(rest.lstrip())
                after = rest[gap:]
                if not final and (not rest or (rest.isspace()) or (after.startswith("[") and "]" not in after and len(after) < MAX_MARK)):
                    break  # cannot tell yet whether the sentence ends here
                if rest and not rest[0].isspace() and rest[0] not in "»\")":
                    out.append(buf[:j])  # 3.5, e.g.: not a sentence end
                    self._sentence += buf[:j]
                    buf = rest
                    continue
                m = CITE.match(after) if after else None
                if m:  # "Phrase. [1]" -> "Phrase [1]."
                    self._take(m.group(1))
                    rest = after[m.end():]
                out.append(self._close() + buf[:j])
                buf = rest
                continue
            if c == "\n":
                out.append(self._close() + c)
                buf = buf[1:]
                continue
            out.append(c)
            self._sentence += c
            buf = buf[1:]
        self._buf = buf
        if final and self._sentence.strip():
            out.append(self._close())
        return "".join(out)

    def _take(self, numbers: str) -> None:
        for s in re.findall(r"\d+", numbers):
            n = int(s)
            if 1 <= n <= len(self._terms) and n not in self._cites:
                self._cites.append(n)

    def _close(self) -> str:
        """End the current sentence: its citation marks, to go before its final punctuation."""
        sentence, cites = self._sentence, self._cites
        self._sentence, self._cites = "", []
        if not sentence.strip():
            return ""
        if not cites and not any(s in normalize(sentence) for s in self._no_cite):
            best = self.attribute(sentence)
            cites = [best] if best else []
        for n in cites:
            if n not in self.cited:
                self.cited.append(n)
        marks = "".join(f"[{n}]" for n in cites)
        return (" " if marks and not sentence.endswith(" ") else "") + marks

    def attach(self, answer: str) -> str:
        """An answer none of whose sentences could be attributed, citing the passage that shares
        the most of its terms (MIN_ATTACH of them at least): its claims are then checked against
        that passage like any other (grounding.py), instead of the answer being withdrawn."""
        if self.cited:
            return answer
        best = self._best(set(analyze(answer)), MIN_ATTACH)
        if best is None:
            return answer
        self.cited.append(best)
        body = answer.rstrip()
        end = len(body.rstrip(ENDS))
        return f"{body[:end]} [{best}]{body[end:]}"

    def attribute(self, sentence: str) -> int | None:
        return self._best(set(analyze(sentence)), MIN_SHARE)

    def _best(self, terms: set[str], least: float) -> int | None:
        """The number of the passage holding the largest share of terms (at least `least`), by
        its text, else by its text and title; the first on a tie."""
        if not terms:  # "En 1962." is one term, and a whole answer
            return None
        for pool in (self._terms, self._titled):
            shares = [len(terms & p) / len(terms) for p in pool]
            best = max(range(len(shares)), key=lambda i: (shares[i], -i), default=None)
            if best is not None and shares[best] >= least:
                return best + 1
        return None
