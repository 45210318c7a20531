"""What reading ahead can save, measured in the process (no page, no typing).

    python scripts/read_ahead.py batches            # llama.cpp's time per batch size (default model)
    python scripts/read_ahead.py first DATA_DIR [N] # first piece of the answer after reading ahead

`batches`: after 300 cached tokens, the time to read a batch of 1 to 96 more (best of three):
what the last tokens of a prompt cost when they are read after Enter.
`first`: the first N factual questions of the project's set, each read ahead once without its
question mark (the guess is then the question as sent: nothing is left) and once without its
last word as well (the last word is read after Enter), then asked; the time from the question
to the first piece of the answer, and the tokens read after it. DATA_DIR: `chatbot ingest
seeds` made it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def batches() -> None:
    from chatbot.config import Settings
    from chatbot.llm import LlamaModel

    model = LlamaModel(Settings().model_path())
    llm = model._llm
    tokens = model.tokenize("Bonjour, ceci est un texte assez long pour remplir le contexte. " * 40)[:400]
    llm.reset()
    llm.eval(tokens[:300])
    for n in (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96):
        best = float("inf")
        for _ in range(3):
            llm.n_tokens = 300
            t0 = time.perf_counter()
            llm.eval(tokens[300:300 + n])
            best = min(best, time.perf_counter() - t0)
        print(json.dumps({"batch": n, "ms": round(best * 1000), "tokens_per_s": round(n / best)}), flush=True)


def first(data: Path, n: int) -> None:
    from chatbot.app import App
    from chatbot.config import Settings

    app = App(Settings(data_dir=data, temperature=0.0, seed=0))
    engine = app.engine()
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]
    questions = [x["question"] for x in items if x["type"] in ("factual", "paraphrase") and not x.get("history")][:n]
    for q in questions:
        for typed in (q.rsplit(" ", 1)[0], q.rsplit(" ", 2)[0]):  # without "?"; without the last word too
            engine.speculate(typed, stop=threading.Event())
            t0 = time.perf_counter()
            first_ms = None
            for event in engine.stream(q):
                if isinstance(event, str) and first_ms is None:
                    first_ms = (time.perf_counter() - t0) * 1000
                elif not isinstance(event, str):
                    answer = event
            print(json.dumps({"question": q, "read_ahead": typed, "first_piece_ms": round(first_ms or 0),
                              "read_after": answer.timings.evaluated_tokens}, ensure_ascii=False), flush=True)
    app.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["batches"]:
        batches()
    elif sys.argv[1:2] == ["first"] and len(sys.argv) > 2:
        first(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    else:
        sys.exit(__doc__)
