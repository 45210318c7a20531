"""Two checks of the answers `chatbot eval --json` showed, measured without changing the engine.

  support   the share of an answer sentence's terms, beyond the question's, that the window of
            the passage it cites holds (grounding._windows); an answer's lowest. No model.
  premise   for « pourquoi » answers only: the clause the answer restates before « car / pour /
            parce que… » put to a second llama.cpp instance of the chat model with the cited
            window, P(oui) to « cette affirmation est-elle vraie ? » (yes) and to « ce texte
            dit-il le contraire ? » (contra), from the logits (self_check.Scorer).

The passages are found again as the engine found them (search is deterministic). Prints, per set,
the AUC between the right and the wrong answers shown, and what thresholds would withdraw.

    python scripts/answer_checks.py [--premise] QUESTIONS.jsonl EVAL.json [QUESTIONS.jsonl EVAL.json ...]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from self_check import Scorer, auc

from chatbot.app import App
from chatbot.config import Settings
from chatbot.evaluate import has, load_questions
from chatbot.grounding import FILLER, Evidence, _windows, names, split_claims
from chatbot.phrasing import FRENCH_OPENING
from chatbot.text import analyze

WHY = re.compile(r"\bpourquoi\b|\bpour quelles? raisons?\b|\bwhy\b", re.I)
CAUSE = re.compile(r"\s(?:car|parce qu\w*|pour|afin|grâce|en raison|puisqu\w*|because)\b|,\s*(?:ce qui|en)\b", re.I)


def main() -> int:
    args = sys.argv[1:]
    premise = "--premise" in args
    args = [a for a in args if a != "--premise"]
    app = App(Settings())
    engine = app.engine() if premise else app.engine_for_retrieval()
    scorer = Scorer(Path(engine.model.path), engine.model.render) if premise else None
    rows = []
    for qfile, afile in zip(args[::2], args[1::2], strict=True):
        items = {it.id: it for it in load_questions(Path(qfile))}
        for a in json.loads(Path(afile).read_text(encoding="utf-8"))["answers"]:
            it = items[a["id"]]
            if a["refused"]:
                continue
            query, hits, _ = engine.retrieve(engine.searcher.spell(it.question), it.history,
                                             engine.options.top_k, it.docs)
            excerpts, passages = engine.excerpts(query, hits, engine.options)
            ev = {p.n: Evidence(p.n, e.hit.passage.text, e.hit.passage.title, engine.searcher.lead(e.hit.passage))
                  for p, e in zip(passages, excerpts, strict=True)}
            claims = split_claims(a["answer"].removeprefix(FRENCH_OPENING).strip())
            own = set(analyze(it.question)) | FILLER
            shares = []
            for body, cites in claims:
                new = set(analyze(body)) - own
                if new:
                    cited = [ev[n] for n in cites if n in ev] or list(ev.values())
                    window = " ".join(_windows(body, names(body), e)[1] for e in cited)
                    shares.append(len(new & set(analyze(window))) / len(new))
            right = it.answerable and bool(it.facts) and all(any(has(a["answer"], s) for s in f) for f in it.facts)
            corrected = not it.answerable and bool(it.correction) and any(has(a["answer"], s) for s in it.correction)
            row = {"set": Path(qfile).stem, "id": it.id, "right": right, "wrong": not right and not corrected,
                   "support": min(shares) if shares else 1.0}
            if scorer is not None and claims and WHY.search(it.question):
                body, cites = claims[0]
                m = CAUSE.search(body)
                if m:
                    cited = [ev[n] for n in cites if n in ev] or list(ev.values())[:1]
                    window = " ".join(_windows(body, names(body), e)[0] for e in cited)
                    head = f"Texte : « {window} »\n\nAffirmation : « {body[:m.start()].strip(' ,')}. »\n\n"
                    row["yes"] = scorer.yes_p(head + "D'après ce texte, cette affirmation est-elle vraie ? "
                                                     "Réponds uniquement par oui ou par non.")
                    row["contra"] = scorer.yes_p(head + "Ce texte dit-il le contraire de cette affirmation ? "
                                                        "Réponds uniquement par oui ou par non.")
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    for s in [*sorted({r["set"] for r in rows}), "all"]:
        here = [r for r in rows if s in ("all", r["set"])]
        for k in ("support", "yes", "contra"):
            good = [r[k] for r in here if r["right"] and k in r]
            bad = [r[k] for r in here if r["wrong"] and k in r]
            if good or bad:
                print(f"{s}: {k} right {len(good)} wrong {len(bad)} AUC {auc(good, bad)}")
                if k == "support":
                    for t in (0.4, 0.5, 0.6):
                        print(f"  below {t}: withdraws {sum(x < t for x in good)} right, {sum(x < t for x in bad)} wrong")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
