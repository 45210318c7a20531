"""What reading ahead can save, measured in the process (no page, no typing).

    python scripts/read_ahead.py batches            # llama.cpp's time per batch size (default model)
    python scripts/read_ahead.py first DATA_DIR [N] # first piece of the answer after reading ahead
    python scripts/read_ahead.py words DATA_DIR SET.jsonl...  # last words finished before typed
    python scripts/read_ahead.py bound DATA_DIR SET.jsonl...  # the least wait after Enter there can be

`batches`: after 300 cached tokens, the time to read a batch of 1 to 96 more (best of three):
what the last tokens of a prompt cost when they are read after Enter.
`first`: the first N factual questions of the project's set, each read ahead once without its
question mark (the guess is then the question as sent: nothing is left) and once without its
last word as well (the last word is read after Enter), then asked; the time from the question
to the first piece of the answer, and the tokens read after it. DATA_DIR: `chatbot ingest
seeds` made it.
`words`: for each question of the sets, how many letters of its last word must be typed before
the documents' words finish it right (completion.py) and keep it so: the letters spared.
`bound`: for each question of the sets asked alone that the model would read, the tokens of its
prompt that its last word changes (they cannot be read before the word is known, without
changing the answer), against the time from that word's first letter to Enter when it is typed
at six characters a second, « ? » and Enter 0.2 s after (ENTER_AFTER_S): the least time after
Enter any reading ahead leaves, at the reading speed TOKENS_PER_S (73: batches of 64, above).
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


def last_words(data: Path, sets: list[Path]) -> None:
    import re

    from chatbot.app import App
    from chatbot.config import Settings

    app = App(Settings(data_dir=data))
    searcher = app.retriever()
    for path in sets:
        asked = spared = early = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)["question"].rstrip(" ?")
            m = re.search(r"\d+(?:[.,]\d+)+$|[^\W_]+$", q)
            if not m:
                continue
            asked += 1
            word = m.group(0)
            need = len(word)  # the letters to type before the guess is the word, and stays it
            while need > 1 and searcher.complete(q[:m.start() + need - 1]) == q:
                need -= 1
            spared += len(word) - need
            early += need < len(word)
        print(json.dumps({"set": path.name, "questions": asked, "finished_early": early, "letters_spared": spared,
                          "per_question": round(spared / max(asked, 1), 2)}), flush=True)
    app.close()


def bound(data: Path, sets: list[Path]) -> None:
    import os
    import re
    import statistics

    from chatbot.app import App
    from chatbot.config import Settings
    from chatbot.rag import guess

    speed = float(os.environ.get("TOKENS_PER_S", "73"))
    enter = float(os.environ.get("ENTER_AFTER_S", "0.2"))
    app = App(Settings(data_dir=data))
    engine = app.engine()
    model, o = engine.model, engine.options

    def tokens(question: str) -> list[int] | None:
        query, hits, _ = engine.retrieve(question)
        if not engine.relevant(query, hits, o):
            return None  # declined without the model: nothing to read
        return model.tokenize(model.render(engine.messages(question, [], engine.excerpts(query, hits, o)[1], o))[0])

    for path in sets:
        waits, changed = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            q = item["question"]
            m = re.search(r"(?:\d+(?:[.,]\d+)+|[^\W_]+)(?=\W*$)", q)
            if item.get("history") or not m:
                continue
            final, before = tokens(q), tokens(guess(q[:m.start()].rstrip() or q))
            if final is None:
                continue
            same = 0
            for a, b in zip(final, before or [], strict=False):
                if a != b:
                    break
                same += 1
            left = len(final) - same
            typed = (len(m.group(0)) + 2) / 6 + enter  # the word, a space, « ? », then Enter
            changed.append(left)
            waits.append(max(0.0, left / speed - typed))
        waits.sort()
        print(json.dumps({"set": path.name, "questions": len(waits),
                          "tokens_changed_by_last_word_p50": statistics.median(changed),
                          "least_wait_p50_s": round(statistics.median(waits), 2),
                          "least_wait_p90_s": round(waits[int(0.9 * (len(waits) - 1) + 0.5)], 2),
                          "no_wait": sum(w == 0 for w in waits)}), flush=True)
    app.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["batches"]:
        batches()
    elif sys.argv[1:2] == ["first"] and len(sys.argv) > 2:
        first(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    elif sys.argv[1:2] == ["bound"] and len(sys.argv) > 3:
        bound(Path(sys.argv[2]), [Path(x) for x in sys.argv[3:]])
    elif sys.argv[1:2] == ["words"] and len(sys.argv) > 3:
        last_words(Path(sys.argv[2]), [Path(x) for x in sys.argv[3:]])
    else:
        sys.exit(__doc__)
