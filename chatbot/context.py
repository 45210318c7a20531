"""Choose what the model reads: the retrieved passages cut down to the sentences that matter.

Time to the first token is dominated by the number of prompt tokens llama.cpp must evaluate
(measured: about 60 tokens/s for the 1.5B model on 2 cores, so 400 tokens of passages are ~7 s).
Retrieval works best on passages of ~800 characters, but an answer usually sits in one or two
sentences. So each retrieved passage is cut to its sentences that share the most informative
terms with the question (idf-weighted), plus the sentence before a chosen one when it opens with
a pronoun or is short, within a character budget shared by all passages, best passage first.
When no sentence shares enough with the question (a paraphrase), the best passage's opening
sentences are kept instead, so the model still sees the passage retrieval found most relevant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chatbot.domain import Hit
from chatbot.text import analyze, normalize, sentence_spans, words

_LEANING = frozenset("il elle ils elles ce cet cette ces cela ça celui celle leur leurs son sa ses "
                     "lui y en".split())
MIN_SHARE = 0.2  # below this, a sentence is not considered related to the question


@dataclass(frozen=True)
class Excerpt:
    hit: Hit
    text: str


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)] or [text]


def select(
    query: str,
    hits: Sequence[Hit],
    *,
    budget: int,
    idf: Callable[[str], float],
) -> list[Excerpt]:
    """The excerpts to show the model, in hit order; hits with nothing chosen are dropped."""
    q = set(analyze(query))
    total = sum(idf(t) for t in q) or 1.0
    scored: list[tuple[float, int, int]] = []  # (score, hit index, sentence index)
    per_hit = [_sentences(h.passage.text) for h in hits]
    for i, sents in enumerate(per_hit):
        for j, s in enumerate(sents):
            share = sum(idf(t) for t in q & set(analyze(s))) / total
            scored.append((share - 0.05 * i, i, j))
    chosen: dict[int, set[int]] = {}
    seen: set[str] = set()  # neighbouring passages overlap: a sentence is shown once
    used = 0

    def take(i: int, j: int) -> bool:
        nonlocal used
        key = normalize(per_hit[i][j])
        if key in seen:
            return True
        cost = len(per_hit[i][j]) + 1
        if used + cost > budget and used > 0:
            return False
        chosen.setdefault(i, set()).add(j)
        seen.add(key)
        used += cost
        return True

    best = max(scored, default=(0.0, 0, 0))
    if best[0] < MIN_SHARE and hits:  # nothing lexical to go on: trust the retrieval order
        for j in range(len(per_hit[0])):
            if not take(0, j):
                break
    for score, i, j in sorted(scored, key=lambda x: (-x[0], x[1], x[2])):
        if score < MIN_SHARE:
            break
        sent = per_hit[i][j]
        first = (words(sent)[:1] or [""])[0]
        if j > 0 and (first in _LEANING or len(sent) < 80):
            take(i, j - 1)  # the sentence leans on the one before it
        if not take(i, j):
            continue
    return [
        Excerpt(hits[i], " … ".join(per_hit[i][j] for j in sorted(js)))
        for i, js in sorted(chosen.items())
    ]
