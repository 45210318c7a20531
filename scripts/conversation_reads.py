"""How many prompt tokens llama.cpp reads for each question of one conversation, with the kept
exchanges moving n at a time (prompts.window, as the engine uses it) against a window sliding by one exchange.

Asks the same follow-up questions, in one conversation, under each way in turn (the model loaded
once; the first question of each run reads the same prompt). Prints one line per question and
a JSON summary.

    python scripts/conversation_reads.py DATA_DIR [ROUNDS]   # DATA_DIR: `chatbot ingest seeds` made it
"""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path

from chatbot import rag
from chatbot.app import App
from chatbot.config import Settings
from chatbot.domain import Turn

QUESTIONS = [
    "Sous quelle licence IBM publie-t-il ses modèles Granite 3.0 ?",
    "Combien de paramètres comportent-ils ?",
    "Sur combien de téraoctets de tokens ont-ils été entraînés ?",
    "Qui est Kate Soule ?",
    "Quelle est sa fonction chez IBM ?",
    "Sur quelles plateformes les modèles sont-ils disponibles ?",
    "Qui est Dave Bergmann ?",
    "Pour quelle publication écrit-il ?",
]
STEP = rag.window


def slide(history, n):
    return list(history)[-2 * n:] if n > 0 else []


def run(engine, way) -> list[dict]:
    rag.window = way
    history: list[Turn] = []
    rows = []
    for q in QUESTIONS:
        a = engine.ask(q, history, replace(engine.options, temperature=0.0))
        rows.append({"question": q, "prompt_tokens": a.timings.prompt_tokens,
                     "read": a.timings.evaluated_tokens, "ttft_ms": round(a.timings.ttft_ms)})
        history += [Turn("user", q), Turn("assistant", a.answer)]
    return rows


def main() -> None:
    data = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    app = App(Settings(data_dir=data, temperature=0.0, seed=0))
    engine = app.engine()
    out: dict[str, list] = {"slide": [], "step": []}
    for _ in range(rounds):
        for name, way in (("slide", slide), ("step", STEP)):
            rows = run(engine, way)
            out[name].append(rows)
            for i, r in enumerate(rows):
                print(f"{name} {i + 1}: read {r['read']:4d} of {r['prompt_tokens']:4d}, first token {r['ttft_ms']} ms",
                      flush=True)
    summary = {}
    for name, runs in out.items():
        later = [r for rows in runs for r in rows[1:]]  # the follow-ups
        summary[name] = {"read_median": statistics.median(r["read"] for r in later),
                         "read_total": sum(r["read"] for r in later) / len(runs),
                         "ttft_ms_median": statistics.median(r["ttft_ms"] for r in later)}
    print(json.dumps(summary, indent=1))
    app.close()


if __name__ == "__main__":
    main()
