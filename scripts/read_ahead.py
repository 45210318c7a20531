"""What reading ahead can save, measured in the process (no page, no typing).

    python scripts/read_ahead.py batches            # llama.cpp's time per batch size (default model)
    python scripts/read_ahead.py first DATA_DIR [N] # first piece of the answer after reading ahead
    python scripts/read_ahead.py words DATA_DIR SET.jsonl...  # last words finished before typed
    python scripts/read_ahead.py bound DATA_DIR SET.jsonl...  # the least wait after Enter there can be
    python scripts/read_ahead.py typing DATA_DIR SET.jsonl... # the wait after Enter, typing replayed
    python scripts/read_ahead.py replay DATA_DIR [N]          # the same, with the model, no browser

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
`typing`: each question of the sets asked alone, typed as `scripts/page_latency.py` types it
(six characters a second, a second's pause half-way, Enter ENTER_AFTER_S after « ? »), replayed
against a clock instead of the model: the page's pauses (ui.read_ahead_after), the guesses
(completion, excerpts, prompt tokens: the real ones) and the reader's rules (batches of BATCH, 64,
the last one taking the rest; a batch of no use to the newer guess abandoned at once, its tokens
lost; the prompt held kept where it still fits), each batch costing what llama.cpp takes here
for its size (measured first, as `batches`) divided by SPEED (1: this machine, the model alone;
the page reads slower: other work shares the cores while it types; several: SPEED=1,2). Prints the wait after
Enter for the prompt's last tokens (p50, p90, how many none), per set. No page, no answers: a
minute per set, so that rules and speeds can be compared on questions the page was not run on.
`replay`: the first N (24) questions of `scripts/page_latency.py`, typed the same way into one
conversation, but in the process: each key is given to the page's handler (`Page.speculate`,
its own thread, as Gradio does), then the question is asked of the engine; the time from Enter
to the first piece of the answer and the tokens read after Enter. What the page measures,
without the browser's share of the cores and the page's own delays.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _project_questions(n: int) -> list[str]:
    """The first n factual questions of the project's set asked alone (those the page test types)."""
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines()
             if x.strip()]
    return [x["question"] for x in items if x["type"] in ("factual", "paraphrase") and not x.get("history")][:n]


def _p90(values: list[float]) -> float:
    """The 90th percentile of sorted values (the nearest rank)."""
    return values[int(0.9 * (len(values) - 1) + 0.5)]


def _prompt_tokens(engine, question: str) -> list[int] | None:
    """The tokens of the prompt of `question` asked alone; None when it is declined without the model."""
    query, hits, _ = engine.retrieve(question)
    if not engine.relevant(query, hits, engine.options):
        return None
    passages = engine.excerpts(query, hits, engine.options)[1]
    return engine.model.tokenize(engine.model.render(engine.messages(question, [], passages, engine.options))[0])


def batches() -> None:
    from chatbot.config import Settings
    from chatbot.llm import LlamaModel

    model = LlamaModel(Settings().model_path())
    for n, best in _batch_costs(model, (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96)).items():
        print(json.dumps({"batch": n, "ms": round(best * 1000), "tokens_per_s": round(n / best)}), flush=True)


def first(data: Path, n: int) -> None:
    from chatbot.ahead import Reading
    from chatbot.app import App
    from chatbot.config import Settings

    app = App(Settings(data_dir=data, temperature=0.0, seed=0))
    engine = app.engine()
    questions = _project_questions(n)
    for q in questions:
        for typed in (q.rsplit(" ", 1)[0], q.rsplit(" ", 2)[0]):  # without "?"; without the last word too
            engine.speculate(typed, reading=Reading())
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
    from chatbot.phrasing import guess

    speed = float(os.environ.get("TOKENS_PER_S", "73"))
    enter = float(os.environ.get("ENTER_AFTER_S", "0.2"))
    app = App(Settings(data_dir=data))
    engine = app.engine()

    def tokens(question: str) -> list[int] | None:
        return _prompt_tokens(engine, question)  # None: declined without the model, nothing to read

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
                          "least_wait_p90_s": round(_p90(waits), 2),
                          "no_wait": sum(w == 0 for w in waits)}), flush=True)
    app.close()


def replay(data: Path, n: int) -> None:
    import os
    import shutil
    import statistics
    import tempfile
    from types import SimpleNamespace

    from chatbot.app import App
    from chatbot.config import Settings
    from chatbot.domain import Turn
    from chatbot.ui import Page

    enter = float(os.environ.get("ENTER_AFTER_S", "0.2"))
    work = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(data, work)
    app = App(Settings(data_dir=work, temperature=0.0, seed=0))
    page, engine = Page(app), app.engine()
    list(engine.stream("Bonjour ?"))  # the fixed opening read, as the page does after start-up
    tab = SimpleNamespace(session_hash="tab", username=None)
    questions = _project_questions(n)
    history: list[Turn] = []
    page.store.history = lambda user, cid: list(history)  # one conversation, kept here
    waits = []
    for q in questions:
        half = q.rfind(" ", 0, len(q) // 2) + 1
        keys = []
        for i in range(1, len(q) + 1):
            keys.append(threading.Thread(target=page.speculate, args=(q[:i], "c", [], tab)))
            keys[-1].start()
            time.sleep(1 / 6 + (1.0 if i == half else 0.0))
        time.sleep(max(0.0, enter - 1 / 6))
        page.typing.clear()  # the question sent: no pause of it is read ahead any more
        t0 = time.perf_counter()
        first = None
        for event in engine.stream(q, list(history)):
            if isinstance(event, str):
                first = first or time.perf_counter() - t0
            else:
                answer = event
        for k in keys:
            k.join()
        history += [Turn("user", q), Turn("assistant", answer.answer)]
        waits.append(first or 0.0)
        print(json.dumps({"question": q, "enter_to_first_piece_ms": round((first or 0) * 1000),
                          "read_after_enter": answer.timings.evaluated_tokens}, ensure_ascii=False), flush=True)
    waits.sort()
    print(json.dumps({"questions": len(waits), "p50_ms": round(statistics.median(waits) * 1000),
                      "p90_ms": round(_p90(waits) * 1000)}), flush=True)
    app.close()


def _batch_costs(model, sizes=(8, 16, 32, 64, 96, 128)) -> dict[int, float]:
    """Seconds llama.cpp takes to read a batch of each size after 300 cached tokens (best of three)."""
    llm = model._llm
    tokens = model.tokenize("Bonjour, ceci est un texte assez long pour remplir le contexte. " * 40)[:440]
    llm.reset()
    llm.eval(tokens[:300])
    costs = {}
    for n in sizes:
        best = float("inf")
        for _ in range(3):
            llm.n_tokens = 300
            t0 = time.perf_counter()
            llm.eval(tokens[300:300 + n])
            best = min(best, time.perf_counter() - t0)
        costs[n] = best
    llm.reset()
    return costs


def typing(data: Path, sets: list[Path]) -> None:
    import itertools
    import os
    import statistics

    from chatbot.app import App
    from chatbot.config import Settings
    from chatbot.llm import MIN_BATCH
    from chatbot.llm import _shared as shared
    from chatbot.phrasing import clean_question, guess
    from chatbot.ui import read_ahead_after

    speeds = [float(x) for x in os.environ.get("SPEED", "1").split(",")]
    enter = float(os.environ.get("ENTER_AFTER_S", "0.2"))
    key, pause, batch = 1 / 6, 1.0, int(os.environ.get("BATCH", "64"))  # llm.prefill's batch
    app = App(Settings(data_dir=data))
    engine = app.engine()
    model, searcher = engine.model, engine.searcher
    measured = _batch_costs(model)
    sizes = sorted(measured)

    def cost(n: int, speed: float) -> float:  # a batch of n tokens, interpolated; beyond: per token
        n = max(n, MIN_BATCH)
        for a, b in zip(sizes, sizes[1:], strict=False):
            if a <= n <= b:
                return (measured[a] + (measured[b] - measured[a]) * (n - a) / (b - a)) / speed
        return measured[sizes[-1]] * n / sizes[-1] / speed

    prompts: dict[str, list[int] | None] = {}

    def tokens(question: str) -> list[int] | None:
        if question not in prompts:
            prompts[question] = _prompt_tokens(engine, question)
        return prompts[question]

    def wait_after_enter(q: str, speed: float) -> float | None:
        final = tokens(clean_question(q))
        if final is None:
            return None  # declined without the model
        half = q.rfind(" ", 0, len(q) // 2) + 1
        keys, t = [], 0.0
        for i in range(1, len(q) + 1):
            keys.append((t, q[:i]))
            t += key + (pause if i == half else 0.0)
        sent = keys[-1][0] + enter
        guesses = []  # (time, prompt) of each pause long enough to read ahead
        for n, (tk, text) in enumerate(keys):
            done = searcher.complete(text)
            after = read_ahead_after(text, completes=done is not None)
            if tk + after < (keys[n + 1][0] if n + 1 < len(keys) else sent):
                p = tokens(guess(done or text))
                if p is not None:
                    guesses.append((tk + after, p))
        held: list[int] = []
        target: list[int] | None = None
        reading: tuple[list[int], float, float] | None = None  # tokens when done, start, end time
        now = 0.0
        for te, p in [*guesses, (sent, final)]:
            while target is not None:  # the reader, up to te
                if reading is None:
                    if len(held) >= len(target):
                        break
                    rest = len(target) - len(held)
                    end = len(held) + batch if rest >= 2 * batch else len(target)
                    reading = (target[:end], now, now + cost(end - len(held), speed))
                if reading[2] > te:
                    break
                held, now, reading = reading[0], reading[2], None
            now = te
            if reading is not None and shared(reading[0], p) < len(reading[0]):
                reading = None  # of no use to the newer prompt: abandoned, its tokens lost
            if te == sent:
                wait = 0.0
                if reading is not None:
                    wait, held = reading[2] - te, reading[0]
                left = len(p) - shared(held, p)
                return wait + (cost(left, speed) if left else 0.0)
            target = p
            held = held[:shared(held, p)]
        return None

    print(json.dumps({"batch_ms": {n: round(c * 1000) for n, c in measured.items()}}), flush=True)
    for path, speed in itertools.product(sets, speeds):
        questions = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        waits = sorted(w for w in (wait_after_enter(x["question"], speed) for x in questions
                                   if not x.get("history")) if w is not None)
        print(json.dumps({"set": path.name, "questions": len(waits), "speed": speed,
                          "wait_p50_s": round(statistics.median(waits), 2),
                          "wait_p90_s": round(_p90(waits), 2),
                          "no_wait": sum(w == 0 for w in waits),
                          "under_0.3_s": sum(w <= 0.3 for w in waits)}), flush=True)
    app.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["batches"]:
        batches()
    elif sys.argv[1:2] == ["first"] and len(sys.argv) > 2:
        first(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 8)
    elif sys.argv[1:2] == ["bound"] and len(sys.argv) > 3:
        bound(Path(sys.argv[2]), [Path(x) for x in sys.argv[3:]])
    elif sys.argv[1:2] == ["replay"] and len(sys.argv) > 2:
        replay(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 24)
    elif sys.argv[1:2] == ["typing"] and len(sys.argv) > 3:
        typing(Path(sys.argv[2]), [Path(x) for x in sys.argv[3:]])
    elif sys.argv[1:2] == ["words"] and len(sys.argv) > 3:
        last_words(Path(sys.argv[2]), [Path(x) for x in sys.argv[3:]])
    else:
        sys.exit(__doc__)
