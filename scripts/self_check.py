"""How well the model's own check of an answer separates the right answers it shows from the wrong.

For each question of the sets: the engine answers (the product's settings, its rules applied);
for every answer shown (not declined), each claim is put back to the model with the part of the
passage it cites (grounding.window), and four scores are read from the model's token
probabilities (a second llama.cpp instance of the same GGUF that keeps every position's logits):

  yn_claim   P(oui) / (P(oui) + P(non)) to « does the text give this answer to this question? »
  yn_ask     the same to « does the text answer this question? » (the answer not shown)
  pmi_q      mean log P(claim | text, question) - log P(claim | text, « Que dit ce texte ? »)
  pmi_w      mean log P(claim | text, question) - log P(claim | question alone)

The lowest over an answer's claims is its score. Prints, per set and score, the AUC between
shown-right and shown-wrong answers (1.0: every right answer scores above every wrong one) and
writes every answer's scores as JSON lines.

    python scripts/self_check.py OUT.jsonl tests/eval/questions.jsonl tests/eval/holdout_b.jsonl
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from chatbot.app import App
from chatbot.config import Settings
from chatbot.evaluate import declined_by, has, load_questions
from chatbot.grounding import Evidence, ask, names, split_claims, window
from chatbot.llm import Turn

SYSTEM = "Tu vérifies des réponses d'après un texte. Tu réponds par oui ou par non."


class Scorer:
    def __init__(self, path: Path, render) -> None:
        import llama_cpp

        self.llm = llama_cpp.Llama(model_path=str(path), n_ctx=2048, n_threads=2, n_threads_batch=2,
                                   logits_all=True, verbose=False)
        self.render = render
        tok = lambda s: self.llm.tokenize(s.encode(), add_bos=False, special=False)  # noqa: E731
        self.yes = {tok(w)[0] for w in ("oui", "Oui", " oui", "OUI")}
        self.no = {tok(w)[0] for w in ("non", "Non", " non", "NON")}

    def _logits(self, tokens: list[int], first: int) -> np.ndarray:
        """The logits after each of tokens[first:] (only those rows are copied)."""
        held = self.llm._input_ids.tolist()
        same = 0
        while same < min(len(held), len(tokens) - 1) and held[same] == tokens[same]:
            same += 1
        self.llm.n_tokens = same  # the shared opening stays in the cache
        self.llm.eval(tokens[same:])
        return np.asarray(self.llm.scores[first: len(tokens)], dtype=np.float64)

    def _prompt(self, user: str) -> list[int]:
        text, _ = self.render([Turn("system", SYSTEM), Turn("user", user)])
        return self.llm.tokenize(text.encode(), add_bos=False, special=True)

    def yes_p(self, user: str) -> float:
        tokens = self._prompt(user)
        z = self._logits(tokens, len(tokens) - 1)[-1]
        p = np.exp(z - z.max())
        y, n = sum(p[t] for t in self.yes), sum(p[t] for t in self.no)
        return float(y / (y + n)) if y + n > 0 else 0.5

    def logp(self, user: str, answer: str) -> float:
        """Mean log-probability per token of the answer after the prompt."""
        head = self._prompt(user)
        tail = self.llm.tokenize(answer.encode(), add_bos=False, special=False)
        z = self._logits(head + tail, len(head) - 1)
        total = 0.0
        for i, t in enumerate(tail):
            row = z[i]
            m = row.max()
            total += row[t] - m - math.log(np.exp(row - m).sum())
        return total / max(len(tail), 1)


def auc(good: list[float], bad: list[float]) -> float | None:
    if not good or not bad:
        return None
    wins = sum((g > b) + 0.5 * (g == b) for g in good for b in bad)
    return wins / (len(good) * len(bad))


def main() -> int:
    out, files = Path(sys.argv[1]), sys.argv[2:]
    app = App(Settings())
    engine = app.engine()
    scorer = Scorer(Path(engine.model.path), engine.model.render)
    rows = []
    for f in files:
        for it in load_questions(Path(f)):
            a = engine.ask(it.question, it.history)
            base = {"set": Path(f).stem, "id": it.id, "type": it.kind, "answerable": it.answerable,
                    "refused": a.refused, "declined_by": declined_by(a), "cited": bool(a.sources),
                    "ttft_ms": a.timings.ttft_ms}
            if a.refused:
                rows.append(base)
                print(json.dumps(base, ensure_ascii=False), flush=True)
                continue
            right = (it.answerable and bool(it.facts)
                     and all(any(has(a.answer, s) for s in fact) for fact in it.facts))
            corrected = (not it.answerable and bool(it.correction)
                         and any(has(a.answer, s) for s in it.correction))
            evidence = {p.n: Evidence(p.n, p.text, p.title) for p in a.passages}
            q = it.question
            core = ask(q)[0] or q
            t0 = time.perf_counter()
            scores: dict[str, list[float]] = {"yn_claim": [], "yn_ask": [], "pmi_q": [], "pmi_w": []}
            for claim, cites in split_claims(a.answer):
                cited = [evidence[n] for n in cites if n in evidence] or [
                    evidence[s.n] for s in a.sources if s.n in evidence]
                if not cited:
                    continue
                text = " … ".join(window(claim, names(claim), ev) for ev in cited)
                scores["yn_claim"].append(scorer.yes_p(
                    f"Texte : « {text} »\n\nQuestion : {q}\nRéponse proposée : {claim}\n\n"
                    "D'après ce texte seul, cette réponse est-elle exacte et répond-elle à la question ? "
                    "Réponds uniquement par oui ou par non."))
                scores["yn_ask"].append(scorer.yes_p(
                    f"Texte : « {text} »\n\nQuestion : {q}\n\n"
                    "Ce texte donne-t-il la réponse à cette question ? Réponds uniquement par oui ou par non."))
                with_q = scorer.logp(f"Texte : « {text} »\n\nQuestion : {core}", claim)
                scores["pmi_q"].append(with_q - scorer.logp(f"Texte : « {text} »\n\nQuestion : Que dit ce texte ?",
                                                            claim))
                scores["pmi_w"].append(with_q - scorer.logp(f"Question : {core}", claim))  # last: no text
            row = {**base, "question": q, "answer": a.answer,
                   "right": right, "wrong": not right and not corrected, "corrected": corrected,
                   "decline_p": a.decline_p, "check_s": round(time.perf_counter() - t0, 2),
                   **{k: min(v) if v else None for k, v in scores.items()}}
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for s in sorted({r["set"] for r in rows}):
        here = [r for r in rows if r["set"] == s and not r["refused"]]
        good = [r for r in here if r["right"]]
        bad = [r for r in here if r["wrong"]]
        print(f"{s}: shown {len(here)}, right {len(good)}, wrong {len(bad)}")
        for k in ("yn_claim", "yn_ask", "pmi_q", "pmi_w", "decline_p"):
            sign = -1 if k == "decline_p" else 1
            g = [sign * r[k] for r in good if r[k] is not None]
            b = [sign * r[k] for r in bad if r[k] is not None]
            print(f"  {k:9} AUC {auc(g, b)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
