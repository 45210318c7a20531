"""Small frozen types that every layer speaks; library result shapes are converted at the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passage:
    """One chunk of a document, as stored in the index."""

    id: str
    doc: str  # document name (file name relative to the ingested folder)
    text: str
    position: int  # index of the passage within its document
    start: int  # character offsets of the passage in the document's text
    end: int
    title: str = ""
    page: int = 0  # the page it opens on (PDF, scans), from 1; 0 where a document has no pages
    part: str = ""  # the page, slide or sheet it opens in, as citations name it: « diapositive 3 »
    section: str = ""  # the headings above it: « Licences › Apache 2.0 »
    # where a later page, slide or sheet begins inside it: (offset in `text`, « p. 3 »)
    turns: tuple[tuple[int, str], ...] = ()

    def part_at(self, offset: int) -> str:
        """The page, slide or sheet that the text at `offset` is on: « p. 3 » in a passage on pages 2–3."""
        label = f"p. {self.page}" if self.page and self.part.startswith("pp. ") else self.part
        for at, turn in self.turns:
            if at <= offset:
                label = turn
        return label


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the ranks that produced it."""

    passage: Passage
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None
    dense_score: float = 0.0


@dataclass(frozen=True)
class Source:
    """A passage given to the model, numbered as the answer cites it."""

    n: int
    doc: str
    text: str
    score: float
    position: int
    start: int
    end: int
    page: int = 0  # as Passage.page
    part: str = ""  # as Passage.part
    section: str = ""  # as Passage.section
    title: str = ""  # the document's title, when it has one
    sentence: str = ""  # of its text, the sentence the answer cites
    at: str = ""  # the page, slide or sheet that sentence is on, where the passage runs over several

    @property
    def where(self) -> str:
        """« p. 12 », « diapositive 3 », « feuille Budget »; « passage 3 » where a document has no parts.
        Of the cited sentence, where the passage runs over a page break."""
        return self.at or self.part or (f"p. {self.page}" if self.page else f"passage {self.position + 1}")

    def to_json(self, *, stored: bool = False) -> dict:
        """The source as an answer's JSON gives it (`chatbot ask --json`, the page's API); `stored`:
        with its position in its document too, as a conversation keeps it to show it again."""
        out = {"n": self.n, "doc": self.doc, "title": self.title or None, "page": self.page or None,
               "where": self.where, "section": self.section or None, "text": self.text, "score": round(self.score, 4)}
        if self.sentence:
            out["sentence"] = self.sentence
        if stored:
            out["position"] = self.position
        return out

    @classmethod
    def from_json(cls, d: dict) -> Source:
        """A source as `to_json` wrote it: a stored answer's, shown again as it was given."""
        where = d.get("where") or ""
        return cls(n=d["n"], doc=d["doc"], text=d["text"], score=d.get("score", 0.0), position=d.get("position", 0),
                   start=0, end=0, page=d.get("page") or 0, part="" if where.startswith("passage ") else where,
                   section=d.get("section") or "", title=d.get("title") or "", sentence=d.get("sentence") or "")


@dataclass
class Timings:
    retrieval_ms: float = 0.0
    prompt_tokens: int = 0
    evaluated_tokens: int = 0  # prompt tokens actually evaluated, after prefix-cache reuse
    ttft_ms: float = 0.0
    gen_tokens: int = 0
    gen_ms: float = 0.0
    check_ms: float = 0.0  # the answer's checks, once it is written
    total_ms: float = 0.0


@dataclass
class GenStats:
    """What one generation cost, filled in by the model adapter."""

    prompt_tokens: int = 0
    evaluated_tokens: int = 0  # after prefix-cache reuse
    ttft_ms: float = 0.0
    gen_tokens: int = 0
    gen_ms: float = 0.0
    alt_p: float | None = None  # probability of the `alt` text's first token where the answer began


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    model: str
    sources: list[Source] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    passages: list[Source] = field(default_factory=list)  # every passage the model was given
    standalone: str = ""  # the question used for retrieval (rewritten follow-ups)
    retracted: str = ""  # an answer shown while it streamed, then withdrawn (see reason)
    reason: str = ""  # why it was withdrawn, in French
    decline_p: float | None = None  # the model's probability of declining, at the answer's first token

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "retracted": {"answer": self.retracted, "reason": self.reason} if self.retracted else None,
            "model": self.model,
            "sources": [s.to_json() for s in self.sources],
            "timings": {
                "retrieval_ms": round(self.timings.retrieval_ms, 1),
                "prompt_tokens": self.timings.prompt_tokens,
                "evaluated_tokens": self.timings.evaluated_tokens,
                "ttft_ms": round(self.timings.ttft_ms, 1),
                "gen_tokens": self.timings.gen_tokens,
                "gen_ms": round(self.timings.gen_ms, 1),
                "check_ms": round(self.timings.check_ms, 2),
                "total_ms": round(self.timings.total_ms, 1),
            },
        }


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass
class Options:
    """What an answer is asked with: how much is searched and read, how the model writes, and
    when an answer is declined."""

    top_k: int = 4
    max_tokens: int = 320
    temperature: float = 0.0
    seed: int = 0
    context_chars: int = 500
    min_coverage: float = 0.5
    min_dense: float = 0.18
    history_turns: int = 2
    grounding: bool = True  # retract an answer whose sentences do not stand on what they cite
    max_decline_p: float = 0.08  # decline when the model's first token leans this much to declining
    docs: tuple[str, ...] = ()  # search only these documents (all when empty)
    by_meaning: bool = False  # excerpts chosen by the sentences' stored vectors too (context.select)
