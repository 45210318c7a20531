"""Grounding at the level of the claim: each sentence of an answer must stand on the text it cites.

A small model asked about something the documents do not say, but that sits next to something
they do say, answers with the neighbour's fact and cites it (« Llama prend en charge 116
langages [1] », where 116 is another model's). Finding the name or number anywhere in the
passages accepts that. So each answer sentence is checked against a *window* of the passage it
cites: the sentence of that passage that holds the answer's facts, the few sentences before it
(where the subject is usually named, reaching into the text before the passage), and the
document's title; for the entity the question asks about, also the sentence after it.
The rules, each tested on its own:

1. every name and number of the answer sentence is in the window of a passage it cites;
2. every name the question gives (the entity asked about) is in the window of a cited sentence,
   or in the sentence right after it;
3. a question that asks for a quantity, a year, a date or a person is answered with one
   (a number, a year, a date, a name the question does not already give) found in such a window;
4. the answer says something the question does not: a term or name beyond the question's own
   words, found in such a window (« Le procès donné en exemple est le procès [1]. » says nothing);
5. no answer sentence says a word whose opposite its window says instead (« accessible sous des
   licences permissives » where the passage says « restrictives »: a false premise taken up).

The rules read the question's ask (`ask`), not what people write around it: a long question's
context sentences (« Je prépare une note sur les modèles d'IBM. Qui… ? ») and the document it
points to (« d'après l'article sur Granite, … ») are neither the entity asked about (rule 2) nor
words an answer may not repeat (rule 4). A name the answer takes from that context is the
person's wording, not a claim (rule 1). « Qui » is answered by a name, or by a group of people
(« des bénévoles », « des consortiums internationaux »). Keyword queries ask by their words
(« prix modeles mistral » asks for a number, « date creation … » for a date).

The rules know nothing of the model: they read text. The engine applies them to the whole answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from chatbot.lexicon import (
    DATE_WORDS,
    FILLER_WORDS,
    NEGATIONS,
    NUMBER_WORDS,
    OPPOSITES,
    PEOPLE_WORDS,
)
from chatbot.text import analyze, lemmas, names, normalize, sentence_spans, words

BEFORE = 4  # sentences before the fact's sentence that the window holds: its subject is named there
AFTER = 1  # for the entity asked about only, sentences after it (« BERT et GPT… Ces modèles, développés par Google »)

_CITE = re.compile(r"\s*\[(\d{1,2})\]")

# what kind of fact a question asks for
_ASKS_YEAR = re.compile(r"\b(en|de|depuis|à partir de)? ?quelle ann[ée]e\b|\bwhat year\b|\bwhich year\b"
                        r"|\bin what year\b|\bdate de (cr[ée]ation|fondation)\b", re.I)
_ASKS_WHEN = re.compile(r"^(?:et )?(?:depuis )?quand\b|\bà quelle date\b|\bwhen\b", re.I)
_ASKS_NUMBER = re.compile(r"\bcombien\b|\bhow (many|much|big|large|old|long)\b|\bquel(le)? (nombre|taille|"
                          r"volume|montant|chiffre|prix|co[uû]t|budget|effectif|âge)\b|\bquelle est la taille\b"
                          r"|\bquel est le (nombre|montant|chiffre|prix|co[uû]t|budget|volume)\b", re.I)
_ASKS_PERSON = re.compile(r"^(?:et |selon vous, )?(?:qui|who)\b|\bpar qui\b|\bc['’]est qui\b|\bqui (est|sont|a|dirige|"
                          r"préside|pr[ée]side|fond)|\b(?:quel(?:le)?s?|which|what)\b(?: \w+)? (?:personnes?|hommes?|"
                          r"femmes?|investisseurs?|dirigeants?|fondateurs?|ministres?|responsables?|auteurs?|"
                          r"people|persons?|investors?|founders?)\b", re.I)
# a question's pointer to the document it is about: « selon l'article sur Granite, », « dans la tribune d'Alibaba »
_SOURCE = re.compile(r"(?:\b(?:selon|d['’]apr[eè]s|dans|de) )?\b(?:l['’]|le |la |les |cette |ce )(?:article|texte|tribune|"
                     r"document|documents|FAQ|passage|extrait|page)s?\b(?: (?:sur|de|d['’]|du|des|qui|où|consacrée?s? [àa])"
                     r"[^,?;:]*)?", re.I)
# the source an ask is attributed to, by name: « d'après IBM », « selon Amit Sangani »
_SAYS = re.compile(r"\b(?i:selon|d['’]apr[eè]s)\s+(?:[A-ZÀ-Ý][\w’'-]*)(?:[\s-]+[A-ZÀ-Ý][\w’'-]*)*")
# what makes a question open (asks for a fact) rather than closed (answered by yes or no)
_OPEN = re.compile(r"\b(?:combien|quand|lequel|laquelle|lesquel(?:le)?s|où)\b", re.I)
_INVERTED = re.compile(r"\w-(?:t-)?(?:il|elle|ils|elles|on)\b", re.I)  # « est-il », « publie-t-elle »
_ASKING = re.compile(r"(?:^|[,:;]\s*)(?:(?:et|mais|alors|donc)\s+)?(?:(?:à|a|de|d['’]|en|dans|pour|par|sur|selon|"
                     r"avec|depuis|chez|vers|entre|parmi|sous)\s*)?(?:qu['’]|que\b|quel|qui\b|quoi\b|comment\b|"
                     r"pourquoi\b|où\b|combien\b|quand\b|lequel\b|laquelle\b|lesquel|what\b|who\b|which\b|how\b|"
                     r"why\b|where\b|when\b)", re.I)
_ASKED = re.compile(r"\b(?:quel\w*|combien|quand|comment|pourquoi|lequel|laquelle|lesquel(?:le)?s)\b", re.I)
_EST_CE = re.compile(r"^(?:et |mais |alors )?est[- ]ce qu(?:e\s|['’])", re.I)
# a keyword query (no question word) asks by its words
_KEYWORD_KIND = {**dict.fromkeys("prix tarif tarifs cout couts coût coûts combien nombre nb montant budget effectif "
                                 "effectifs taille age âge".split(), "number"),
                 **dict.fromkeys("date quand".split(), "date"), **dict.fromkeys("annee année".split(), "year"),
                 **dict.fromkeys("qui".split(), "person")}
_ASKS_ABOUT = re.compile(r"^(?:[Ee]t )?(?:[Qq]ui|[Ww]ho) (?:est|sont|is|are|était|was) [A-ZÀ-Ý][^?]*\??$")




PEOPLE = frozenset(analyze(PEOPLE_WORDS))  # groups of people: they answer « qui » without a name
FILLER = frozenset(analyze(FILLER_WORDS))  # what an answer may add without saying anything
# each word group of OPPOSITES with the group it excludes, both ways round (rule 5)
_OPPOSED = [(frozenset(analyze(a)), frozenset(analyze(b))) for x, y in OPPOSITES for a, b in ((x, y), (y, x))]


@dataclass(frozen=True)
class Evidence:
    """What an answer may cite as [n]: the passage's text, its document's title, and the text before."""

    n: int
    text: str
    title: str = ""
    before: str = ""  # the text before the passage in its document, where the subject may be named
    document: str = ""  # the whole document, where the question names whom it is attributed to


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""  # in French, for the person reading the answer



_THRESHOLD = re.compile(r"\b(?:plus|moins|au moins|au plus|au-delà|près|environ|over|more than|less than|at least)"
                        r"\s+(?:de\s+|d['’]\s*|than\s+)?\d[\d\s.,]*", re.I)


def without_thresholds(question: str) -> str:
    """The question without the numbers it compares with (« plus de 100 langages »): they are not
    facts the documents must hold, as a number asked about would be."""
    return _THRESHOLD.sub(" ", question)


def ask(question: str) -> tuple[str, str]:
    """A question split into what it asks and the context written around it: the sentence that
    asks (a question word, a question mark; the last such) and what follows it, from its last
    clause with a question word on, is the ask; what comes before, and a pointer to a document
    (« selon l'article sur Granite, »), is context."""
    sents = _sentences(question.strip())
    if len(sents) > 1:  # the last that asks with a question word, else with a question mark
        asks = ([i for i, s in enumerate(sents) if "?" in s and _QUESTION_WORD.search(s)]
                or [i for i, s in enumerate(sents) if _QUESTION_WORD.search(s)]
                or [i for i, s in enumerate(sents) if "?" in s] or [len(sents) - 1])
        before, core = " ".join(sents[:asks[-1]]), " ".join(sents[asks[-1]:])
    else:
        before, core = "", question.strip()
    # « l'entreprise qui emploie X, elle publie sous quelle licence ? »: the clause that asks
    clauses = re.split(r"(?<=,)\s+", core)
    asking = [i for i, c in enumerate(clauses) if _QUESTION_WORD.search(_SOURCE.sub(" ", c))]
    opens = _QUESTION_WORD.match(core) or re.match(r"(?:et |mais )?(?:qu|qui|quel|quoi|comment|combien|pourquoi|où)\b",
                                                   core, re.I)
    if len(clauses) > 1 and asking and asking[-1] > 0 and not opens:
        before = " ".join([before, *clauses[:asking[-1]]]).strip()
        core = " ".join(clauses[asking[-1]:])
    pointers = [m.group(0) for m in _SOURCE.finditer(core)]
    core = _SOURCE.sub(" ", core)
    pointers += [m.group(0) for m in _SAYS.finditer(core)]
    core = _SAYS.sub(" ", core)
    core = re.sub(r"^[\s,;:]+|(?<=\s)[,;:]\s*", "", " ".join(core.split()))
    return core, " ".join(p.strip(" ,;:") for p in [before, *pointers] if p.strip(" ,;:"))


def pointers(question: str) -> list[str]:
    """The phrases by which a question points at a document (« d'après l'article sur Granite »)
    or at whom it is attributed (« selon Amit Sangani »)."""
    return [m.group(0) for m in _SOURCE.finditer(question)] + [m.group(0) for m in _SAYS.finditer(question)]


_INVERTED_SUBJECT = re.compile(r"-(?:t-)?(?:il|elle|ils|elles)\b", re.I)
_ARTICLE = re.compile(r"\b(?:le|la|les|l['’]|un|une|des|du)\b", re.I)
_BACK = re.compile(r"\b(?:il|elle|ils|elles|celui|celle|ceux|celles|cela|ça|lui|leurs?|son|sa|ses|cet|cette|ces|"
                   r"ce(?!\s+(?:que|qui|qu['’]))|c['’](?!est))\b", re.I)


def leans_back(core: str) -> bool:
    """Whether an ask (`ask(question)[0]`) speaks of something only its context names: a pronoun
    or a demonstrative (« Combien de membres compte-t-il ? », « ces modèles », « sa licence »), not
    the pronoun that repeats a subject it names itself (« Dans quels secteurs l'IA open source
    alimente-t-elle l'innovation ? »)."""
    inverted = _INVERTED_SUBJECT.search(core)
    if inverted and not _ARTICLE.search(core[:inverted.start()]):
        return True  # « Quelle licence utilise-t-il ? »: no subject of its own before the verb
    return bool(_BACK.search(_INVERTED_SUBJECT.sub(" ", core)))


def attributed(question: str) -> list[str]:
    """The names an ask is attributed to (« d'après IBM, … »): the cited document must name them,
    anywhere; they are not the entity asked about."""
    return [n for m in _SAYS.finditer(question) for n in names(m.group(0))]


def closed(question: str) -> bool:
    """Whether a question is answered by yes or no (« Est-ce que … ? », « Granite est-il … ? »).
    Its answer too must say something the question does not (rule 4): « Oui, Jingren Zhou a
    participé au sommet [1] » only says the question again, and its words are all in the excerpt
    whether it is true or not."""
    core = ask(question)[0]
    est_ce = _EST_CE.match(core)
    if est_ce:  # « est ce que stable diffusion impose des limites », « … des modèles qu'on peut modifier »
        return not _OPEN.search(core[est_ce.end():])
    inverted = _INVERTED.search(core)
    if "?" not in core or not inverted:
        return False
    # a question word opens an open question (« Dans quels secteurs … alimente-t-elle … ? »); further
    # in, « qui » is a relative (« Les entreprises qui utilisent … dépendent-elles … ? »)
    return not _ASKING.search(core[:inverted.start()]) and not _ASKED.search(core[inverted.end():])


_QUOTED = re.compile(r"«\s*([^»]+?)\s*»|\"([^\"]+)\"|“([^”]+)”")


def quotations(question: str) -> list[str]:
    """The phrases a question quotes (« Nous voulons que la communauté l'utilise »), three words or more."""
    found = ("".join(m.groups(default="")) for m in _QUOTED.finditer(question))
    return [q for q in found if len(words(q)) >= 3]


_WHY = re.compile(r"\bpourquoi\b|\bpour quelles? raisons?\b|\bwhy\b", re.I)


def asks_why(question: str) -> bool:
    """Whether a question's ask is « pourquoi … ? »: it supposes a fact, then asks for its cause."""
    return bool(_WHY.search(ask(question)[0]))


def keywords(question: str) -> bool:
    """Whether a question is typed as keywords: its ask has no question word, no question mark."""
    return _bare(ask(question)[0])


def _bare(core: str) -> bool:
    return "?" not in core and not _QUESTION_WORD.search(core)


def asked(question: str) -> str:
    """The kind of fact a question asks for: "year", "date", "number", "person" or ""."""
    q = ask(question)[0]
    if _ASKS_YEAR.search(q):
        return "year"
    if _ASKS_WHEN.search(q):
        return "date"
    if _ASKS_NUMBER.search(q):
        return "number"
    if _ASKS_PERSON.search(q) and not _ASKS_ABOUT.match(q):
        return "person"
    if _bare(q):  # a keyword query
        kinds = [_KEYWORD_KIND[w] for w in words(q) if w in _KEYWORD_KIND]
        return kinds[0] if kinds else ""
    return ""


_QUESTION_WORD = re.compile(r"\b(?:qu['’]|que|quel\w*|qui|quoi|comment|pourquoi|où|est-ce|what|who|which|how|why|"
                            r"where|when)\b", re.I)
_GROUPS = re.compile(r"(?<=\d)[\u00a0\u202f ](?=\d{3}(?!\d))")  # 20 000 -> 20000


def _in(fact: str, text: str) -> bool:
    """Whether a name or number occurs in a text (case and accents ignored; a number whole)."""
    if fact[:1].isdigit():
        key, text = _GROUPS.sub("", fact), _GROUPS.sub("", text)
        return re.search(rf"(?<![\d.,]){re.escape(key)}(?!\d|[.,]\d)", text, re.I) is not None
    return re.search(rf"(?<!\w){re.escape(normalize(fact))}(?!\w)", normalize(text)) is not None


def _sentences(text: str) -> list[str]:
    out = []
    for line in text.replace(" … ", "\n").splitlines():
        out += [line[a:b] for a, b in sentence_spans(line)]
    return [s for s in out if s.strip()]


def window(claim: str, facts: Sequence[str], ev: Evidence) -> str:
    """The part of a passage that a sentence of the answer stands on (see the module's rules)."""
    return _windows(claim, facts, ev)[0]


def _lead(ev: Evidence, own: list[str]) -> list[str]:
    """The BEFORE sentences before a passage (`own`: its sentences), those it repeats left out:
    passages overlap."""
    return [s for s in dict.fromkeys(_sentences(ev.before)) if s not in own][-BEFORE:]


def _windows(claim: str, facts: Sequence[str], ev: Evidence) -> tuple[str, str]:
    """The window a claim stands on, and the same window with AFTER sentences more (rule 2).

    Of the windows ending at each sentence of the passage (BEFORE sentences before it, reaching
    into the text before the passage), the one holding most of the claim's facts; on a tie the one
    whose last sentence shares most terms with the claim, then holds most of its facts.
    """
    own = _sentences(ev.text)
    lead = _lead(ev, own)
    sents = lead + own
    if not own:
        return ev.title, ev.title
    terms = set(analyze(claim))

    def around(j: int, after: int = 0) -> list[str]:
        return sents[max(0, j - BEFORE): j + after + 1]

    def score(j: int) -> tuple[int, int, int, int]:
        w = " ".join(around(j))
        return (sum(_in(f, w) for f in facts), len(terms & set(analyze(sents[j]))),
                sum(_in(f, sents[j]) for f in facts), -j)

    j = max(range(len(lead), len(sents)), key=score)
    return " ".join([ev.title, *around(j)]), " ".join([ev.title, *around(j, AFTER)])


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences, each without its citation marks, with the passages it cites."""
    out = []
    for line in answer.splitlines():
        for a, b in sentence_spans(line):
            s = line[a:b]
            cites = [int(n) for n in _CITE.findall(s)]
            body = _CITE.sub("", s).strip()
            if body:
                out.append((body, cites))
    return out


_VERSION = re.compile(r"\b([A-ZÀ-Ý][\w’'-]*)\s(\d+(?:\.\d+)*)\b")


def _has_kind(kind: str, text: str, question: str) -> bool:
    """Whether a text gives the kind of fact asked for, beyond what the question itself gives."""
    given = {normalize(n) for n in names(question)}
    fresh = [n for n in names(text) if normalize(n) not in given]
    ws = words(text)
    if kind == "year":
        return any(re.fullmatch(r"(1[5-9]|20)\d\d", n) for n in fresh)
    if kind == "date":
        return any(n[:1].isdigit() for n in fresh) or any(w in DATE_WORDS for w in ws)
    if kind == "number":  # a number that goes with a name (« Granite 3.0 », « Llama 2 ») is part of it
        named = {n for n in names(text) if not n[:1].isdigit()}
        versions = {normalize(m.group(2)) for m in _VERSION.finditer(text) if m.group(1) in named}
        return (any(n[:1].isdigit() and normalize(n) not in versions for n in fresh)
                or any(w in NUMBER_WORDS for w in ws))
    if kind == "person":
        people = PEOPLE - set(analyze(question))
        return any(not n[:1].isdigit() for n in fresh) or any(t in people for t in analyze(text))
    return True


def _contradicted(claim: str, window: str) -> tuple[str, str] | None:
    """A word of the claim and its opposite, where the window says only the opposite (rule 5);
    None when the claim is negated (« n'est pas payant ») or says both."""
    if NEGATIONS & set(words(claim)):
        return None
    said, there = set(analyze(claim)), set(analyze(window))
    for one, other in _OPPOSED:
        if said & one and not said & other and there & other and not there & one:
            return (next(w for w in words(claim) if set(analyze(w)) & one),
                    next(w for w in words(window) if set(analyze(w)) & other))
    return None


def check(question: str, answer: str, evidence: Sequence[Evidence], *, opening: str = "") -> Verdict:
    """Whether every sentence of the answer stands on the text it cites (rules 1-4 above)."""
    by_n = {e.n: e for e in evidence}
    claims = split_claims(answer.removeprefix(opening) if opening else answer)
    core, context = ask(question)
    kind = asked(question)
    wanted = [n for n in dict.fromkeys(names(without_thresholds(core))) if not n[:1].isdigit() or len(n) > 1]
    # names only the question's context gives (« … pour ma direction sur IBM. Qui … ? »): its wording
    worded = {normalize(n) for n in names(context)} - {normalize(n) for n in names(core)}
    # and the numbers it compares with (« plus de 100 langages »)
    worded |= {normalize(n) for n in names(question)} - {normalize(n) for n in names(without_thresholds(question))}
    seen_windows: list[str] = []
    found_kind = not kind
    said = False  # whether some sentence adds, from its window, what the question does not give
    # the ask's words, and those of the document it points at (« d'après la FAQ »), said again say nothing
    pointed = " ".join(pointers(question))
    own = set(analyze(core)) | set(analyze(pointed)) | FILLER
    for body, cites in claims:
        facts = [f for f in dict.fromkeys(names(body)) if normalize(f) not in worded]
        if not facts and not cites:
            continue
        cited = [by_n[n] for n in cites if n in by_n]
        wins = [_windows(body, facts, e) for e in cited or evidence]
        if not cited:  # an uncited sentence must stand on one passage: the one that holds most of it
            wins = [max(wins, key=lambda w: sum(_in(f, w[0]) for f in facts))]
        joined = " ".join(w for w, _ in wins)
        missing = [f for f in facts if not _in(f, joined)]
        if missing:
            where = ", ".join(f"[{n}]" for n in cites) or "les extraits"
            return Verdict(False, f"« {missing[0]} » ne figure pas dans le passage cité ({where}) "
                                  "à l'endroit qui appuie la phrase.")
        turned = _contradicted(body, joined)
        if turned:
            return Verdict(False, f"le passage cité dit « {turned[1]} », pas « {turned[0]} ».")
        seen_windows += [w for _, w in wins]
        if kind and not found_kind:  # a name or number the question gives, even in its context, is not the fact
            found_kind = _has_kind(kind, body, question) and _has_kind(kind, joined, question)
        if body.rstrip().endswith("?"):
            continue  # the question asked back (« Oui, les modèles sont-ils … ? ») says nothing
        said = (said or bool((set(analyze(body)) - own) & set(analyze(joined)))
                or any(_in(f, joined) for f in facts if not _in(f, core) and not _in(f, pointed)))
    pool = " ".join(seen_windows)
    absent = [n for n in wanted if not _in(n, pool)]
    if claims and absent:
        return Verdict(False, f"le passage cité ne parle pas de « {absent[0]} ».")
    sources = [by_n[n] for _, cites in claims for n in cites if n in by_n] or list(evidence)
    whole = " ".join(" ".join([e.title, e.document or f"{e.before} {e.text}"]) for e in sources)
    unsaid = [n for n in attributed(question) if not _in(n, whole)]
    if claims and unsaid:
        return Verdict(False, f"le document cité ne vient pas de « {unsaid[0]} ».")
    if not found_kind:
        what = {"year": "d'année", "date": "de date", "number": "de nombre", "person": "de nom"}[kind]
        return Verdict(False, f"la question demande un fait précis, et le passage cité n'en donne pas ({what}).")
    if claims and not said:
        return Verdict(False, "la réponse ne fait que reprendre la question.")
    return Verdict(True)


QUOTE_SHARE = 0.5  # of the ask's other terms (idf-weighted), the share the quoted sentence and the one before hold
NEAR_SHARE = 1 / 3  # … or this share, where the sentence is also close to the question in meaning:
NEAR = 0.5  # cosine of their vectors (the embedder's), a relation said in other words (« d'accord » : « s'opposent »)


def quote(question: str, evidence: Sequence[Evidence], shown: dict[int, str], cited: Sequence[int] = (),
          idf: Callable[[str], float] = lambda t: 1.0,
          near: Callable[[Sequence[tuple[str, str]]], Sequence[float] | None] | None = None,
          ) -> tuple[int, str] | None:
    """For a question answered by yes or no, the excerpt's sentence that speaks to it, to quote when
    the model's own « Oui » or « Non » cannot be trusted: (n, the sentence), or None.

    Every name the ask gives must be in that sentence or the one before it, whole (« OpenAI » is
    not « open »); a sentence that names none of them (« Les modèles … peuvent être utilisés … »)
    may find them up to BEFORE sentences back, where its subject is named. The sentence and the one
    before must hold at least QUOTE_SHARE of the ask's other terms, by lemma (« prennent » is
    « prenant »), weighted by how rare each is in the documents (a word no document holds weighs
    most), one of them in the sentence itself; or NEAR_SHARE of them where the sentence is also
    NEAR the question in meaning (`near`: the cosine of each (title, sentence) to the question; None
    or left out, by words only). So two real names the documents never put side by side (« Kate
    Soule a-t-elle participé au sommet de Bletchley Park ? ») find no sentence, nor does a relation
    said only in common words. A name is a word the question writes with a capital inside it, or one
    the passages do (« alibaba » typed in lower case); numbers are left to the sentence. Only
    statements the excerpt shows (`shown`, by n) are quoted, not its questions (a FAQ's « … sont-ils
    voués à disparaître? »); of several, the one holding most of the ask (the closest in meaning
    where it is meaning that let them through: meaning alone picked a sentence sharing one word,
    « contrôle », over the one saying « absence de contrôle centralisé »); on a tie, a cited passage
    first.
    """
    core = without_thresholds(ask(question)[0])
    capitals = {normalize(w) for e in evidence for n in names(e.text) if not n[:1].isdigit() for w in words(n)}
    named = {normalize(w) for n in names(core) if not n[:1].isdigit() for w in words(n)}
    named |= {w for w in map(normalize, words(core)) if w in capitals}
    named -= {w for w in named if not analyze(w)}  # « AI », « Les »: stop words
    # the ask's other words, by lemma; a name's own terms are not among them (« openai » stems as « open »)
    other = {t: idf(s) for t, s in lemmas(core).items() if s not in FILLER and normalize(t) not in named
             and not any(_in(n, s) or n.startswith(s) for n in named)}
    total = sum(other.values())
    if not total:
        return None
    found: list[tuple[float, int, str, str]] = []  # share, n, sentence, title
    for e in evidence:
        own = _sentences(e.text)
        sents = _lead(e, own) + own
        seen = normalize(shown.get(e.n, ""))
        for j in range(len(sents) - len(own), len(sents)):
            if normalize(sents[j]) not in seen or sents[j].rstrip().endswith("?"):
                continue
            pair = " ".join(sents[max(0, j - 1): j + 1])
            here, close = set(lemmas(sents[j])), set(lemmas(pair))
            share = sum(w for t, w in other.items() if t in close) / total
            if share < (NEAR_SHARE if near else QUOTE_SHARE) or not here & other.keys():
                continue
            # a sentence naming none of the ask's names speaks of a subject named before it
            back = pair if any(_in(n, sents[j]) for n in named) else " ".join(sents[max(0, j - BEFORE): j + 1])
            if all(_in(n, back) for n in named):
                found.append((share, e.n, sents[j].strip(), e.title))
    if not found:
        return None
    # by words first, as without meaning; then, only where no sentence holds enough of the ask's
    # words, the closest in meaning of those holding some
    keyed = [((share, n in cited, -n), n, sentence) for share, n, sentence, _ in found if share >= QUOTE_SHARE]
    cosines = None if keyed or not near else near([(title, sentence) for _, _, sentence, title in found])
    if cosines is not None:
        keyed = [((cos, n in cited, -n), n, sentence) for (_, n, sentence, _), cos in zip(found, cosines, strict=True)
                 if cos >= NEAR]
    return max(keyed)[1:] if keyed else None
