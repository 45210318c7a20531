"""Answering: retrieve, gate, prompt, stream with citations, decline when the documents are silent.

Declining is layered, because small models answer anything when asked:
1. a relevance gate before the model: when neither the lexical coverage of the question by the
   best passages nor their dense similarity is high enough, the model is not called at all;
2. the model is told to write a fixed sentence when the passages do not hold the answer, and
   any answer that reads as a refusal becomes exactly that sentence;
3. an answer none of whose sentences can be tied to a passage is declined;
4. an answer one of whose sentences does not stand on the passage it cites (its names, numbers
   and the entity asked about found together there: see grounding.py) is retracted: the person
   who saw it stream reads « Réponse retirée » and why, then the fixed sentence.
This module imports no heavy library: it speaks to the model and the retriever through the
Protocols of `protocols.py`.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace

from chatbot.ahead import ReadAhead, Reading
from chatbot.citations import CitationStream
from chatbot.context import select
from chatbot.domain import Answer, GenStats, Hit, Options, Source, Timings, Turn
from chatbot.errors import InputError
from chatbot.grounding import (
    Evidence,
    ask,
    asks_why,
    attributed,
    check,
    closed,
    keywords,
    leans_back,
    pointers,
    quotations,
    quote,
    split_claims,
    without_thresholds,
)
from chatbot.phrasing import (
    DECLINE,
    FRENCH_OPENING,
    clean_question,
    decline,
    guess,
    is_refusal,
    looks_english,
    quoted,
    sanitize,
    standalone,
    unsupported,
)
from chatbot.prompts import Prompts, read, window
from chatbot.protocols import ChatModel, ReadsAhead, Searcher
from chatbot.text import analyze, names, normalize, sentences


class Engine:
    def __init__(self, searcher: Searcher, model: ChatModel, prompts: Prompts, options: Options,
                 speculator: ReadAhead | None = None) -> None:
        self.searcher = searcher
        self.model = model
        self.prompts = prompts
        self.options = options
        self.system = prompts.system(DECLINE)
        self.speculator = speculator or ReadAhead()  # see ahead.py
        self._ahead: tuple[tuple, list[Hit]] | None = None  # the last read-ahead's search and its hits

    def ask(self, question: str, history: Sequence[Turn] = (), options: Options | None = None) -> Answer:
        answer = None
        for event in self.stream(question, history, options):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def retrieve(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                 docs: Collection[str] = (), *, ahead: bool = False) -> tuple[str, list[Hit], float]:
        """The search query (the question, standing alone) and its hits, and the search's ms.

        A search made `ahead` (while the question is typed) is kept: the question sent with the
        same words takes its hits (the same: search is deterministic) and says 0 ms."""
        query = standalone(clean_question(question), history)
        k = k or self.options.top_k
        key = (query, k, tuple(docs))
        if self._ahead is not None and self._ahead[0] == key:
            return query, list(self._ahead[1]), 0.0
        hits = self.searcher.search(query, k, docs) if docs else self.searcher.search(query, k)
        if ahead:
            self._ahead = (key, hits)
        return query, hits, self.searcher.last_ms

    def relevant(self, query: str, hits: Sequence[Hit], options: Options | None = None) -> bool:
        o = options or self.options
        if not hits:
            return False
        if self.quoted(query, hits):
            return True  # it quotes a passage: it is about the documents, whatever else it names
        if self.unknown(query):
            return False  # the question names something no document mentions
        # a long question's context shares few words with the passages: its ask may cover them
        coverage = max(self.searcher.coverage(query, hits), self.searcher.coverage(ask(query)[0], hits))
        dense = max(h.dense_score for h in hits)
        return coverage >= o.min_coverage or dense >= o.min_dense

    def unknown(self, query: str) -> list[str]:
        """The names of a question that no document mentions, where they make it unanswerable:
        any, unless its ask, or the document it points at, names something the documents know,
        or its ask names nothing and leans on nothing its context names.
        « Notre RSSI veut un point. Quels risques l'article d'IBM cite-t-il ? » asks about IBM:
        the RSSI is the person's own world, and so is Capgemini in « Mon manager chez Capgemini
        veut une synthèse. Dans quels secteurs l'IA open source alimente-t-elle l'innovation ? ».
        « J'ai lu un article sur Falcon. Quelle licence utilise-t-il ? » asks about what its
        context names."""
        query = without_thresholds(query)  # « plus de 100 langages » does not ask about 100
        missing = [n for n in names(query) if not self.searcher.knows(n)]
        if not missing:
            return []
        asked = ask(query)[0]
        core = names(" ".join([asked, *pointers(query)]))
        if any(n in missing for n in core):
            return missing
        if any(not n[:1].isdigit() for n in core):
            return []  # it names something the documents know
        return missing if leans_back(asked) else []

    @staticmethod
    def quoted(query: str, hits: Sequence[Hit]) -> bool:
        """Whether the question quotes a passage found (« l'auteur de la phrase « Nous voulons que la
        communauté l'utilise » »): what it is about is in the documents, whatever else it names."""
        return any(normalize(q) in normalize(h.passage.text) for q in quotations(query) for h in hits)

    def excerpts(self, query: str, hits: Sequence[Hit], o: Options) -> tuple[list, list[Source]]:
        """What the model reads of the hits (context.select), and each as the numbered Source
        the answer cites."""
        excerpts = select(query, hits, budget=o.context_chars, idf=self.searcher.idf,
                          meaning=(lambda h: self.searcher.meaning(query, h.passage)) if o.by_meaning else None)
        passages = [
            Source(n=i, doc=e.hit.passage.doc, text=sanitize(e.text), score=e.hit.score,
                   position=e.hit.passage.position, start=e.hit.passage.start, end=e.hit.passage.end,
                   page=e.hit.passage.page, part=e.hit.passage.part, section=e.hit.passage.section,
                   title=e.hit.passage.title)
            for i, e in enumerate(excerpts, 1)
        ]
        return excerpts, passages

    def stream(self, question: str, history: Sequence[Turn] = (), options: Options | None = None
               ) -> Iterator[str | Answer]:
        """Yield pieces of the answer's text as they come, then the complete Answer."""
        o = options or self.options
        t0 = time.perf_counter()
        typed = clean_question(question)
        question = self.searcher.spell(typed)  # as the documents spell its words
        query, hits, retrieval_ms = self.retrieve(question, history, o.top_k, o.docs)
        timings = Timings(retrieval_ms=retrieval_ms)
        declined = decline(o.docs)
        excerpts, passages = self.excerpts(query, hits, o)
        model_name = str(getattr(self.model, "path", self.model.name))
        if not self.relevant(query, hits, o):
            yield declined
            timings.total_ms = (time.perf_counter() - t0) * 1000
            yield Answer(typed, declined, True, model_name, [], timings, passages, query)
            return

        messages = self.messages(question, history, passages, o)
        cite = CitationStream([p.text for p in passages], titles=[p.title for p in passages],
                              no_cite=[DECLINE])
        stats = GenStats()
        pieces: list[str] = []
        # a question sent never waits for another one's reading, only for a batch of its own
        keep = isinstance(self.model, ReadsAhead) and self.model.reading_into(messages)
        self.speculator.interrupt(keep=keep)
        with self.model.lock:
            for delta in self.model.stream(
                messages, max_tokens=o.max_tokens, temperature=o.temperature, seed=o.seed,
                stats=stats, prefix=FRENCH_OPENING if looks_english(question) else "", alt=DECLINE,
            ):
                out = cite.feed(delta)
                if out:
                    pieces.append(out)
                    yield out
        tail = cite.finish()
        if tail:
            pieces.append(tail)
            yield tail
        text = "".join(pieces).strip()
        refused = not text or is_refusal(text)  # the model declined: its own words are replaced
        if not refused:
            text = cite.attach(text)
        timings.prompt_tokens, timings.evaluated_tokens = stats.prompt_tokens, stats.evaluated_tokens
        timings.ttft_ms = retrieval_ms + stats.ttft_ms
        timings.gen_tokens, timings.gen_ms = stats.gen_tokens, stats.gen_ms
        timings.total_ms = (time.perf_counter() - t0) * 1000
        decline_p = stats.alt_p
        t1 = time.perf_counter()
        reason = "" if refused else self.objection(question, text, cite, passages, excerpts, decline_p, o)
        timings.check_ms = (time.perf_counter() - t1) * 1000
        if refused or reason:
            said = self.speaks_to(question, passages, excerpts, cite.cited, o)
            if said:  # a yes-or-no question: the excerpt's sentence, quoted, in place of the model's
                n, sentence = said
                said_text = quoted(sentence, n)
                yield Answer(typed, said_text, False, model_name, self.cited(said_text, [passages[n - 1]], excerpts),
                             timings, passages,
                             query, retracted=text if reason else "", reason=reason, decline_p=decline_p)
                return
            yield Answer(typed, declined, True, model_name, [], timings, passages, query,
                         retracted=text if reason else "", reason=reason, decline_p=decline_p)
            return
        sources = self.cited(text, [passages[n - 1] for n in sorted(cite.cited)], excerpts)
        yield Answer(typed, text, False, model_name, sources, timings, passages, query,
                     decline_p=decline_p)

    def speculate(self, partial: str, history: Sequence[Turn] = (), options: Options | None = None,
                  reading: Reading | None = None) -> dict | None:
        """Read ahead the prompt of a question being typed, as if it were sent now: the fixed
        opening, the conversation, the excerpts chosen for the words typed so far, those words
        (the last one finished from the documents' words, see completion.py) and the template's
        closing (see `guess`).

        When the question is sent, its search is taken from here if the words are the same, and
        whatever of the prompt still matches is reused from llama.cpp's cache: only the rest is
        read, nothing at all when the guess was right (the same answer as without: see
        llm.MIN_BATCH). A newer speculation ends this one once it has its own excerpts, and so
        does a question sent; the reading itself, its waits and its ends are `ahead.ReadAhead`'s
        (`reading`: one of the caller's own). Gives up when the question would be declined
        without the model. Returns what it did, or None.
        """
        model = self.model
        if not isinstance(model, ReadsAhead):  # a remote model: its server keeps its own cache
            return None
        o = options or self.options
        try:
            question = self.searcher.spell(guess(self.searcher.complete(partial) or partial))
        except InputError:
            return None
        query, hits, _ = self.retrieve(question, history, o.top_k, o.docs, ahead=True)
        if (reading is not None and reading.stopping) or not self.relevant(query, hits, o):
            return None
        _, passages = self.excerpts(query, hits, o)
        messages = self.messages(question, history, passages, o)
        prompt, _ = model.render(messages)
        # the one before ends now, not at every key: what it read is kept where it still fits
        done = self.speculator.read(model, messages, prompt, reading=reading)
        if done is None:
            return None
        reused, read = done
        return {"question": question, "reused": reused, "read": read,
                "excerpts": [(p.doc, p.position) for p in passages]}

    def objection(self, question: str, text: str, cite: CitationStream, passages: Sequence[Source],
                  excerpts: Sequence, decline_p: float | None, o: Options) -> str:
        """Why an answer the model gave must be withdrawn, in French; "" when it stands."""
        if not cite.cited:
            return "aucune de ses phrases ne s'appuie sur un extrait."
        missing = unsupported(text, [read(p) for p in passages] + [question])
        if missing:
            return f"« {missing[0]} » ne figure dans aucun extrait."
        if decline_p is not None and decline_p >= o.max_decline_p:
            return "le modèle hésitait à répondre d'après ces extraits."
        if not o.grounding:
            return ""
        # « d'après IBM »: the cited document must name IBM, anywhere in it
        evidence = self.evidence(passages, excerpts, whole=bool(attributed(question)))
        return check(question, text, evidence, opening=FRENCH_OPENING).reason

    @staticmethod
    def cited(answer: str, sources: Sequence[Source], excerpts: Sequence) -> list[Source]:
        """The sources an answer cites, each with the sentence of it that the answer says most of
        (its words, those of the answer's sentences citing it) and where that sentence is: the
        page, of two, where the passage runs over a page break."""
        claims = split_claims(answer)
        out = []
        for src in sources:
            said = set(analyze(" ".join(b for b, cites in claims if src.n in cites) or answer))
            candidates = [x for part in src.text.split(" … ") for x in sentences(part)]
            best = max(candidates, key=lambda x: len(said & set(analyze(x))))
            passage = excerpts[src.n - 1].hit.passage
            offset = passage.text.find(best.strip())
            at = passage.part_at(offset) if passage.turns and offset >= 0 else ""
            out.append(replace(src, sentence=best.strip(), at=at if at != src.part else ""))
        return out

    def evidence(self, passages: Sequence[Source], excerpts: Sequence, *, whole: bool = False) -> list[Evidence]:
        """The passages as the rules read them: whole, with the text before each and, `whole`,
        their documents entire."""
        documents = {p.doc: self.searcher.document(p.doc) for p in passages} if whole else {}
        return [Evidence(p.n, e.hit.passage.text, e.hit.passage.title, self.searcher.lead(e.hit.passage),
                         documents.get(p.doc, ""))
                for p, e in zip(passages, excerpts, strict=True)]

    def speaks_to(self, question: str, passages: Sequence[Source], excerpts: Sequence, cited: Collection[int],
                  o: Options) -> tuple[int, str] | None:
        """For a yes-or-no question whose answer was declined or withdrawn, the sentence of an
        excerpt that speaks to it (grounding.quote), or None."""
        if not (o.grounding and passages and closed(question)):
            return None
        return quote(question, self.evidence(passages, excerpts), {p.n: p.text for p in passages},
                     sorted(cited), idf=self.searcher.idf, near=lambda texts: self.searcher.near(question, texts))

    def messages(self, question: str, history: Sequence[Turn], passages: Sequence[Source],
                 o: Options) -> list[Turn]:
        """The prompt for a question: the fixed instructions, the last turns, the numbered
        excerpts (each document's title with its first one) and the question."""
        shown: set[str] = set()  # a document's title once: its later excerpts repeat no tokens
        parts = []
        for p in passages:
            parts.append(self.prompts.render(
                "passage", n=p.n, title=f" ({p.title})" if p.title and p.doc not in shown else "",
                text=p.text))
            shown.add(p.doc)
        block = "\n\n".join(parts)
        user = self.prompts.render("user", passages=block, question=question)
        if looks_english(question):  # said once more, last, where a small model heeds it
            user += "\n" + self.prompts.render("english")
        elif keywords(question):  # « licence granite ibm »: the question they stand for
            user += "\n" + self.prompts.render("keywords")
        elif asks_why(question):  # « Pourquoi IBM a-t-il choisi une licence propriétaire ? »
            user += "\n" + self.prompts.render("premise")
        elif closed(question):  # « Est-ce que les modèles Granite peuvent servir à … ? »
            user += "\n" + self.prompts.render("yesno")

        past = [Turn(t.role, t.content[:600]) for t in window(history, o.history_turns)
                if t.role in ("user", "assistant")]
        return [Turn("system", self.system), *past, Turn("user", user)]
