"""Choose what the model reads: the retrieved passages cut down to the sentences that matter.

Time to the first token is dominated by the number of prompt tokens llama.cpp must evaluate
(measured: about 60 tokens/s for the 1.5B model on 2 cores, so 400 tokens of passages are ~7 s).
Retrieval works best on passages of ~800 characters, but an answer usually sits in one or two
sentences, which need their context. So, within a character budget shared by all passages: the
sentences that add the most question terms not yet covered (idf-weighted, a lower passage
handicapped), so that sentences repeating the same terms do not crowd out the rest; a sentence for
every passage still without one (its opening when none shares enough: a passage found by meaning
alone); then every excerpt grows by its neighbouring sentences, passage by passage, until the
budget is spent. A chosen sentence that opens with a pronoun or is short brings the sentence
before it.

A question worded unlike the documents shares few of their words: where the passages carry their
sentences' vectors (computed at indexing, `meaning`), a sentence's gain also counts how close it is
to the question in meaning (MEANING_WEIGHT per unit of cosine above MEANING_FLOOR), so « granite
nombre parametres » is shown « Les modèles comportent de 3 à 34 milliards de paramètres ». Seeds
and windows stay chosen by terms: a passage shown by its sentence closest in meaning alone was seen
to mislead the 0.5B model on a follow-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chatbot.domain import Hit
from chatbot.text import PRONOUNS, analyze, normalize, sentences, words

MIN_GAIN = 0.1  # a sentence chosen for its terms adds at least this share of the question's
MIN_SEED = 0.05  # a passage's best sentence below this share: the passage is shown by its opening
RANK_PENALTY = 0.03  # per rank: a lower passage must add this much more of the question
MEANING_WEIGHT = 0.5  # gain per unit of a sentence's cosine to the question above MEANING_FLOOR
MEANING_FLOOR = 0.2  # (measured on 344 questions of 13 sets: evidence in the excerpts 299 → 308)


@dataclass(frozen=True)
class Excerpt:
    hit: Hit
    text: str


def select(
    query: str,
    hits: Sequence[Hit],
    *,
    budget: int,
    idf: Callable[[str], float],
    meaning: Callable[[Hit], Sequence[float] | None] | None = None,
) -> list[Excerpt]:
    """The excerpts to show the model, in hit order; hits with nothing chosen are dropped.
    `meaning` gives how close each sentence of a hit is to the question (None: not known)."""
    q = set(analyze(query))
    total = sum(idf(t) for t in q) or 1.0
    per_hit = [sentences(h.passage.text) for h in hits]
    near: list[Sequence[float]] = []  # each sentence's bonus for its meaning (0 where unknown)
    for h, sents in zip(hits, per_hit, strict=True):
        sims = meaning(h) if meaning is not None else None
        near.append([MEANING_WEIGHT * (x - MEANING_FLOOR) for x in sims] if sims is not None and len(sims) == len(sents)
                    else [0.0] * len(sents))
    terms = [[q & set(analyze(s)) for s in sents] for sents in per_hit]
    share = [[sum(idf(t) for t in ts) / total for ts in row] for row in terms]
    chosen: dict[int, set[int]] = {}
    seen: set[str] = set()  # neighbouring passages overlap: a sentence is shown once
    used = 0

    def take(i: int, j: int) -> bool:
        """Show sentence j of passage i if the budget allows (True when already shown)."""
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

    # 1. the sentences that cover the question's terms, each adding the most terms not yet
    #    covered (idf-weighted, a lower passage handicapped; the better passage first on a tie),
    #    so the best sentence may come from the second passage; then a sentence for every
    #    passage still without one, the best passage first. A
    #    passage whose sentences share (almost) nothing with the question was found by meaning:
    #    its opening stands for it. A chosen sentence brings the one before when it leans on it.
    windows: dict[int, tuple[int, int]] = {}
    covered: set[str] = set()

    def pick(i: int, j: int) -> None:
        if not take(i, j):  # the sentence itself first: the one it leans on only if room is left
            return
        covered.update(terms[i][j])
        lo = j
        first = (words(per_hit[i][j])[:1] or [""])[0]
        if j > 0 and (first in PRONOUNS or len(per_hit[i][j]) < 80) and take(i, j - 1):
            lo = j - 1
        a, b = windows.get(i, (lo, j))
        windows[i] = (min(a, lo), max(b, j))

    def seed(i: int) -> None:
        j = max(range(len(per_hit[i])), key=lambda j: (share[i][j], -j))
        pick(i, j if share[i][j] >= MIN_SEED else 0)

    tried: set[tuple[int, int]] = set()
    while used < budget:
        gain, i, j = max(((sum(idf(t) for t in terms[i][j] - covered) / total + near[i][j] - RANK_PENALTY * i, i, j)
                          for i in range(len(per_hit)) for j in range(len(per_hit[i]))
                          if (i, j) not in tried), key=lambda x: (x[0], -x[1], -x[2]),
                         default=(0.0, 0, 0))
        if gain < MIN_GAIN:
            break
        tried.add((i, j))
        pick(i, j)
    for i in range(len(per_hit)):
        if i not in windows:
            seed(i)
    # 2. then grow every window by a neighbouring sentence in turn (the one sharing more with
    #    the question, the next one on a tie) while the budget lasts: the model reads the
    #    answer's context, not a lone sentence, and passages ranked high by meaning alone keep
    #    their say
    growing = list(windows)
    while growing:
        for i in list(growing):
            lo, hi = windows[i]
            sides = [(share[i][j], j == hi + 1, j) for j in (lo - 1, hi + 1) if 0 <= j < len(per_hit[i])]
            for _, _, j in sorted(sides, reverse=True):
                if take(i, j):
                    windows[i] = (min(lo, j), max(hi, j))
                    break
            else:
                growing.remove(i)
    return [Excerpt(hits[i], _joined(per_hit[i], sorted(js))) for i, js in sorted(chosen.items())]


def _joined(sents: Sequence[str], chosen: Sequence[int]) -> str:
    """The chosen sentences as one text: neighbours run on, « … » marks what is left out."""
    out = sents[chosen[0]]
    for a, b in zip(chosen, chosen[1:], strict=False):
        out += (" " if b == a + 1 else " … ") + sents[b]
    return out
