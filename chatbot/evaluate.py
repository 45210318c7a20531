"""`chatbot eval`: retrieval and answer quality on a question set, on the seeds or your own corpus.

A question file is JSONL; each line holds `question`, optionally `history` and `docs` (the
documents the question is limited to), and for scoring:
`facts` (a list of facts, each a list of acceptable spellings; all facts must appear),
`evidence` (a short text the right passage contains) and `type` (`offtopic` for questions the
documents cannot answer; with `correction`, spellings of the documents' fact that a false premise
contradicts, an answer holding one corrects the premise and is not counted wrong). Matching ignores
case and accents.

Each declined answer says which step declined it (`declined_by`): the relevance gate before the
model, the model itself, its hesitation at the first token, or the rule that withdrew its answer.

The figure to drive to zero is "confident wrong answers": not declined, cited, and wrong (any
answer to a question the documents cannot answer is wrong). Each is listed in the report.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.config import Settings, project_root
from chatbot.domain import Turn
from chatbot.errors import InputError
from chatbot.grounding import split_claims
from chatbot.phrasing import looks_english
from chatbot.prompts import read
from chatbot.text import names, normalize

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from chatbot.app import App
    from chatbot.conversations import Conversations
    from chatbot.domain import Answer
    from chatbot.rag import Engine


@dataclass
class Item:
    id: str
    question: str
    kind: str
    facts: list[list[str]]
    evidence: str | None
    history: list[Turn] = field(default_factory=list)
    docs: tuple[str, ...] = ()  # the question is limited to these documents (all when empty)
    correction: list[str] = field(default_factory=list)  # a false premise: the documents' fact

    @property
    def answerable(self) -> bool:
        return self.kind != "offtopic"


def feedback_items(store: Conversations, user: str) -> list[Item]:
    """The reader's own question set, from the answers they rated (`Conversations.rate`): a 👍
    answer's names and numbers are the facts expected again (a 👍 decline: a question to decline);
    a 👎 answer with its correction expects the correction; a 👎 one without: to be declined."""
    items = []
    for k, (question, m) in enumerate(store.rated(user), 1):
        liked, correction = m.detail["feedback"]["liked"], m.detail["feedback"].get("correction", "")
        answered = m.status == "answered"
        said = " ".join(body for body, _ in split_claims(m.content))  # without its [n]
        facts = ([[n] for n in dict.fromkeys(names(said))] if liked and answered
                 else [[correction]] if correction else [])
        items.append(Item(id=f"feedback{k:03d}", question=question, kind="factual" if facts else "offtopic",
                          facts=facts, evidence=None, docs=tuple(m.detail.get("scope") or ())))
    return items


def load_questions(path: Path) -> list[Item]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the question file {path}: {e}.") from e
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            x = json.loads(line)
            items.append(Item(
                id=str(x.get("id", no)), question=x["question"], kind=x.get("type", "factual"),
                facts=x.get("facts") or [], evidence=x.get("evidence"),
                history=[Turn(t["role"], t["content"]) for t in x.get("history", [])],
                docs=tuple(x.get("docs") or ()), correction=list(x.get("correction") or []),
            ))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(
                f"{path}:{no}: each line must be a JSON object with a 'question' field ({e})."
            ) from e
    return items


def has(text: str, spelling: str) -> bool:
    return normalize(spelling) in normalize(text)


def says(text: str, item: Item) -> bool:
    """Whether an answer is right: every fact in it, and, where a fact is « oui » or « non », not
    opening on the other (« Oui … publiée la veille » to a question answered « non » is wrong,
    though the fact is there)."""
    if not _facts_in(text, item):
        return False
    verdicts = {normalize(s) for f in item.facts for s in f} & {"oui", "non"}
    opening = re.match(r"\W*(\w+)", normalize(text))
    return not (verdicts and opening and opening.group(1) in {"oui", "non"} - verdicts)


def holds(text: str, item: Item) -> bool:
    """Whether a passage holds the answer: its evidence, or else every fact."""
    if item.evidence:
        return has(text, item.evidence)
    return _facts_in(text, item)


def _facts_in(text: str, item: Item) -> bool:
    """Whether a text holds every fact of an item, each in one of its spellings."""
    return bool(item.facts) and all(any(has(text, s) for s in f) for f in item.facts)


def retrieval_figures(engine: Engine, items: list[Item], *, k: int = 5) -> dict:
    """hit@k and MRR over the top k; `excerpts`: the share of questions whose evidence (or every
    fact) is in what the model would read (the excerpts of the top `top_k` passages)."""
    ranks, shown = [], []
    for it in (i for i in items if i.answerable and (i.evidence or i.facts)):
        question = engine.searcher.spell(it.question)
        query, hits, _ = engine.retrieve(question, it.history, k, it.docs)
        rank = next((r for r, h in enumerate(hits, 1) if holds(h.passage.text, it)), None)
        ranks.append(rank)
        o = replace(engine.options, docs=it.docs)
        # search is deterministic: the best top_k are the first of the best k
        top = hits[:o.top_k] if o.top_k <= k else engine.retrieve(question, it.history, o.top_k, it.docs)[1]
        excerpts, _ = engine.excerpts(query, top, o)
        shown.append(holds(" ".join(e.text for e in excerpts), it))
    n = len(ranks) or 1
    return {
        "excerpts": sum(shown) / n,
        "questions": len(ranks),
        "hit@1": sum(r == 1 for r in ranks if r) / n,
        "hit@3": sum(r <= 3 for r in ranks if r) / n,
        "hit@5": sum(r <= 5 for r in ranks if r) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def retrieval_modes(app: App, items: list[Item]) -> dict[str, dict]:
    """The same questions through each ranking alone and through the fusions tried."""
    r = app.retriever()
    engine = app.engine_for_retrieval()
    saved = (r.lexical_weight, r.dense_weight, r.rrf_k)
    out = {}
    try:
        for name, (lw, dw, k) in {
            "bm25": (1, 0, 5), "dense": (0, 1, 5), "rrf k=60 1:1": (1, 1, 60), "rrf k=60 2:1": (2, 1, 60),
            "rrf k=5 1:1": (1, 1, 5), "rrf k=5 1.5:1": (1.5, 1, 5), "rrf k=5 2:1": (2, 1, 5),
        }.items():
            r.lexical_weight, r.dense_weight, r.rrf_k = lw, dw, k
            out[name] = retrieval_figures(engine, items)
    finally:
        r.lexical_weight, r.dense_weight, r.rrf_k = saved
    return out


def compare_embedders(settings: Settings, items: list[Item], names: list[str],
                      corpus: list[Path]) -> dict[str, dict[str, dict]]:
    """Retrieval figures for each embedder, each on an index of its own built from the corpus."""
    from chatbot.app import App

    out = {}
    for name in names:
        with tempfile.TemporaryDirectory(prefix="chatbot-eval-") as d:
            app = App(settings.model_copy(update={"data_dir": Path(d), "embed_model": name,
                                                  "chroma_url": ""}))
            t0 = time.perf_counter()
            app.ingest(corpus)
            modes = retrieval_modes(app, items)
            modes["_ingest_s"] = {"seconds": time.perf_counter() - t0}
            out[name] = modes
    return out


def declined_by(a: Answer) -> str:
    """Which step declined an answer: "gate", "model", "hesitation" or "rule: <its reason>"."""
    if not a.refused:
        return ""
    if not a.timings.prompt_tokens:
        return "gate"
    if a.reason.startswith("le modèle hésitait"):
        return f"hesitation (p={a.decline_p:.3f})" if a.decline_p is not None else "hesitation"
    if a.reason:
        return f"rule: {a.reason}"
    return "model"


def answer_figures(engine: Engine, items: list[Item], progress: Callable[[str], None] | None = None
                   ) -> tuple[dict, list[dict]]:
    rows: list[dict[str, Any]] = []
    for i, it in enumerate(items, 1):
        a = (engine.ask(it.question, it.history, replace(engine.options, docs=it.docs)) if it.docs
             else engine.ask(it.question, it.history))
        right = it.answerable and not a.refused and says(a.answer, it)
        cited = right and any(holds(read(s), it) or any(  # a source is shown with its document's title
            any(has(read(s), sp) for sp in f) for f in it.facts) for s in a.sources)
        evidence = it.evidence or ""
        corrected = (not it.answerable and not a.refused and bool(it.correction)
                     and any(has(a.answer, s) for s in it.correction))
        rows.append({
            "id": it.id, "type": it.kind, "question": it.question, "answer": a.answer,
            "refused": a.refused, "right": right, "cited": cited, "corrected": corrected,
            "declined_by": declined_by(a),
            "evidence_in_prompt": (bool(evidence) and any(has(p.text, evidence) for p in a.passages)
                                   if it.answerable else None),
            "confident_wrong": not a.refused and bool(a.sources) and not right and not corrected,
            "retracted": a.retracted, "reason": a.reason, "decline_p": a.decline_p,
            "check_ms": a.timings.check_ms,
            "french": a.refused or not looks_english(a.answer.replace("D'après les documents,", "")),
            "prompt_tokens": a.timings.prompt_tokens, "evaluated_tokens": a.timings.evaluated_tokens,
            "ttft_ms": a.timings.ttft_ms, "total_ms": a.timings.total_ms,
        })
        if progress:
            mark = ("✓" if right or corrected or (not it.answerable and a.refused)
                    else "✗" if a.refused else "✗!")
            said = (f"retracted ({a.reason}) {a.retracted[:70]}" if a.retracted
                    else f"declined by {declined_by(a)}" if a.refused and it.answerable else a.answer[:90])
            progress(f"[{i}/{len(items)}] {mark} {it.id} {a.timings.ttft_ms / 1000:.1f}s  {said}")
    on = [r for r in rows if r["type"] != "offtopic"]
    off = [r for r in rows if r["type"] == "offtopic"]
    right_rows = [r for r in on if r["right"]]
    called = [r for r in rows if r["prompt_tokens"]]
    ttft = sorted(r["ttft_ms"] for r in called) or [0.0]
    figures = {
        "on_topic": len(on), "off_topic": len(off),
        "right": len(right_rows) / (len(on) or 1),
        "cited_right": sum(r["cited"] for r in right_rows) / (len(right_rows) or 1),
        "declined_off_topic": sum(r["refused"] or r["corrected"] for r in off) / (len(off) or 1),
        "corrected_premises": sum(r["corrected"] for r in off),
        "wrongly_declined": sum(r["refused"] for r in on) / (len(on) or 1),
        "confident_wrong": sum(r["confident_wrong"] for r in rows),
        "confident_wrong_on_topic": sum(r["confident_wrong"] for r in on),
        "confident_wrong_off_topic": sum(r["confident_wrong"] for r in off),
        "retracted": sum(bool(r["retracted"]) for r in rows),
        "evidence_in_prompt": (sum(bool(r["evidence_in_prompt"]) for r in on)
                               / (sum(r["evidence_in_prompt"] is not None for r in on) or 1)),
        "wrongly_declined_by": dict(Counter(r["declined_by"].split(":")[0].split(" (")[0]
                                            for r in on if r["refused"])),
        "french": sum(r["french"] for r in rows) / (len(rows) or 1),
        "prompt_tokens_median": statistics.median([r["prompt_tokens"] for r in called] or [0]),
        "ttft_ms_median": statistics.median(ttft),
        "ttft_ms_p90": ttft[min(len(ttft) - 1, int(0.9 * len(ttft)))],
        "check_ms_median": statistics.median([r["check_ms"] for r in called] or [0]),
        "by_type": {
            t: f"{sum(r['right'] or (t == 'offtopic' and (r['refused'] or r['corrected'])) for r in rows if r['type'] == t)}"
               f"/{sum(r['type'] == t for r in rows)}"
            for t in sorted({r["type"] for r in rows})
        },
    }
    return figures, rows


def write_report(figures: dict, rows: list[dict], modes: dict | None, settings: Settings) -> Path:
    out = project_root() / "reports"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    md = out / f"eval-{stamp}.md"
    lines = [f"# Evaluation {stamp}", "", f"- model: `{settings.model}`",
             f"- embedder: `{settings.embed_model}`, top_k {settings.top_k}, chunk {settings.chunk_size}",
             "", "| figure | value |", "| --- | --- |"]
    lines += [f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |"
              for k, v in figures.items() if k not in ("by_type", "wrongly_declined_by")]
    lines += ["", "By type: " + ", ".join(f"{k} {v}" for k, v in figures.get("by_type", {}).items())]
    lines += ["", "Answerable questions declined, by step: "
              + (", ".join(f"{k} {v}" for k, v in figures.get("wrongly_declined_by", {}).items()) or "none")]
    if modes:
        lines += ["", "| retrieval | hit@1 | hit@3 | hit@5 | MRR | evidence in excerpts |",
                  "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {m} | {f['hit@1']:.3f} | {f['hit@3']:.3f} | {f['hit@5']:.3f} | {f['mrr']:.3f} | "
                  f"{f['excerpts']:.3f} |"
                  for m, f in modes.items()]
    wrong = [r for r in rows if r["confident_wrong"]]
    lines += ["", f"## Confident wrong answers: {len(wrong)}", ""]
    lines += [f"- {r['id']} ({r['type']}) {r['question']} → {r['answer'][:160]}" for r in wrong] or ["none"]
    declined = [r for r in rows if r["refused"] and r["type"] != "offtopic"]
    lines += ["", f"## Answerable questions declined: {len(declined)}", ""]
    lines += [f"- {r['id']} ({r['type']}) {r['question']} → declined by {r['declined_by']}"
              + (f"; withdrawn: {r['retracted'][:160]}" if r["retracted"] else "") for r in declined] or ["none"]
    if rows:
        lines += ["", "| id | right | refused | cited | ttft s | answer |", "| --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {r['id']} | {r['right']} | {r['refused']} | {r['cited']} | "
                  f"{r['ttft_ms'] / 1000:.1f} | {r['answer'][:120].replace('|', '/')} |" for r in rows]
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _chart(figures, modes, out / f"eval-{stamp}.png")
    return md


def _chart(figures: dict, modes: dict | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in ("right", "cited_right", "declined_off_topic", "wrongly_declined", "french")
            if k in figures]
    panels = [p for p in ("answers" if keys else "", "retrieval" if modes else "") if p]
    if not panels:
        return
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels) + 0.5, 4), squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=True):
        if panel == "answers":  # none with --retrieval-only
            ax.bar(keys, [figures[k] for k in keys], color="#4b7bec")
            ax.set_ylim(0, 1)
            ax.set_title("Answers")
            ax.tick_params(axis="x", rotation=30)
            continue
        assert modes is not None  # the retrieval panel is drawn only with them
        names = list(modes)
        for j, kk in enumerate(("hit@1", "hit@5")):
            ax.bar([x + 0.4 * j for x in range(len(names))], [modes[n][kk] for n in names], 0.4, label=kk)
        ax.set_xticks([x + 0.2 for x in range(len(names))], names, rotation=30)
        ax.set_ylim(0, 1.15)  # room above the bars for the legend
        ax.legend(loc="upper right", ncol=2)
        ax.set_title("Retrieval")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run_eval(settings: Settings, args: argparse.Namespace) -> int:
    from chatbot.app import App

    qfile = Path(args.questions) if args.questions else project_root() / "tests/eval/questions.jsonl"
    if getattr(args, "from_feedback", False):
        from chatbot.conversations import LOCAL_USER, Conversations

        items = feedback_items(Conversations(settings.data_dir), args.user or LOCAL_USER)
        if not items:
            raise InputError("no answer was rated yet: rate answers with 👍 or 👎 in the page, then run this again.")
    else:
        items = load_questions(qfile)
    if args.limit:
        items = items[: args.limit]
    tmp = None
    if args.corpus:
        tmp = tempfile.TemporaryDirectory(prefix="chatbot-eval-")
        settings = settings.model_copy(update={"data_dir": Path(tmp.name)})
    app = App(settings)
    compared: dict = {}
    try:
        if args.corpus:
            app.ingest([Path(p) for p in args.corpus])
        if args.embedders:
            corpus = [Path(p) for p in args.corpus] if args.corpus else [project_root() / "seeds"]
            compared = compare_embedders(settings, items, args.embedders, corpus)
            for name, modes in ({} if args.json else compared).items():
                print(f"{name} (index built in {modes['_ingest_s']['seconds']:.0f} s):")
                for m, f in modes.items():
                    if m != "_ingest_s":
                        print(f"  {m:>10}: hit@1 {f['hit@1']:.3f}  hit@3 {f['hit@3']:.3f}  "
                              f"hit@5 {f['hit@5']:.3f}  MRR {f['mrr']:.3f}")
            if args.retrieval_only:
                if args.json:
                    print(json.dumps({"embedders": compared}, ensure_ascii=False, indent=2))
                return 0
        modes = retrieval_modes(app, items)
        figures: dict = {"retrieval": modes[_current_mode(settings)] if _current_mode(settings) in modes
                         else retrieval_figures(app.engine_for_retrieval(), items)}
        rows: list[dict] = []
        if not args.retrieval_only:
            say = None if args.json else (lambda m: print(m, file=sys.stderr, flush=True))
            answers, rows = answer_figures(app.engine(), items, progress=say)
            figures.update(answers)
        flat = {**{f"retrieval_{k}": v for k, v in figures.pop("retrieval").items()}, **figures}
        report = write_report(flat, rows, modes, settings)
        if args.json:
            print(json.dumps({"figures": flat, "retrieval_modes": modes, "answers": rows,
                              "report": str(report), **({"embedders": compared} if compared else {})},
                             ensure_ascii=False, indent=2))
        else:
            for k, v in flat.items():
                print(f"{k:>24}: {v:.3f}" if isinstance(v, float) else f"{k:>24}: {v}")
            for m, f in modes.items():
                print(f"{m:>24}: hit@1 {f['hit@1']:.3f}  hit@5 {f['hit@5']:.3f}  MRR {f['mrr']:.3f}  "
                      f"evidence in excerpts {f['excerpts']:.3f}")
            for r in (r for r in rows if r["confident_wrong"]):
                print(f"confident wrong: {r['id']} {r['question']} → {r['answer'][:120]}")
            for r in (r for r in rows if r["refused"] and r["type"] != "offtopic"):
                print(f"wrongly declined: {r['id']} {r['question']} → by {r['declined_by']}")
            print(f"report: {report}")
        return 0
    finally:
        app.close()
        if tmp:
            tmp.cleanup()


def _current_mode(settings: Settings) -> str:
    return f"rrf k={settings.rrf_k} {settings.lexical_weight:g}:{settings.dense_weight:g}"
