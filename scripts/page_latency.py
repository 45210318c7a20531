"""Time from Enter to the first word of the answer, in the page, as a person typing feels it.

Starts `chatbot serve` (the default model unless CHATBOT_MODEL says otherwise) on a copy of a
seeded data folder, once with speculation and once without (CHATBOT_SPECULATE), alternating, and
types the project's questions into one conversation in headless Chromium at about six characters
a second with a pause in the middle. The time is taken inside the page: a keydown listener notes
Enter, a MutationObserver on the conversation notes the first text of the new answer.

    python scripts/page_latency.py DATA_DIR [N_QUESTIONS] [ROUNDS]   # DATA_DIR: `chatbot ingest seeds` made it

Enter is pressed 0.2 s after the last key (ENTER_AFTER_S=2 for a person who reads the question
over before sending it); ONLY=true or ONLY=false runs one configuration. STEPS=true notes, for
each question, when the server began to answer after Enter, when the engine gave its first piece,
and every batch llama.cpp read ahead while it was typed (tokens, seconds): where the wait goes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTER_AFTER_S = float(os.environ.get("ENTER_AFTER_S", "0.2"))  # from the last key typed to Enter
STEPS = os.environ.get("STEPS") == "true"
WATCH = """() => {
  window.__t = {enter: null, first: null};
  const bots = () => document.querySelectorAll('#chat .message.bot, #chat [data-testid=bot]');
  const before = bots().length;
  const enter = (e) => {
    if (e.key === 'Enter' && e.target.closest && e.target.closest('#question')) {
      window.__t.enter = performance.now();
      window.__t.enterWall = Date.now();  // the server's clock, for its steps
      document.removeEventListener('keydown', enter, true);
    }
  };
  document.addEventListener('keydown', enter, true);
  const obs = new MutationObserver(() => {
    const all = bots();
    const text = all.length > before ? all[all.length - 1].innerText.replace('Loading content', '').trim() : '';
    if (/[A-Za-zÀ-ÿ]/.test(text)) {  // a word, not Gradio's waiting placeholder
      window.__t.first = performance.now();
      window.__t.text = text.slice(0, 80);
      obs.disconnect();
    }
  });
  obs.observe(document.querySelector('#chat'), {childList: true, subtree: true, characterData: true});
}"""


def timed_serve(log: str, argv: list[str]) -> int:
    """`chatbot serve`, noting in `log` (a JSON line each, wall-clock seconds) when an answer
    begins, when the engine gives its first piece, and each batch llama.cpp reads."""
    import functools

    from chatbot import llm, rag, ui
    from chatbot.cli import main

    out = open(log, "a", buffering=1)  # noqa: SIM115

    def note(step: str, **more) -> None:
        out.write(json.dumps({"step": step, "t": time.time(), **more}) + "\n")

    respond, stream, read = ui.Page.respond, rag.Engine.stream, llm.LlamaModel._read

    @functools.wraps(respond)  # the same parameters and annotations: Gradio passes the request
    def timed_respond(self, *args, **kwargs):
        note("respond")
        yield from respond(self, *args, **kwargs)

    def timed_stream(self, *args, **kwargs):
        for n, event in enumerate(stream(self, *args, **kwargs)):
            if n == 0:
                note("first piece")
            yield event

    def timed_read(self, tokens, start):
        t0 = time.time()
        try:
            read(self, tokens, start)
        finally:
            note("batch", began=t0, tokens=len(tokens) - start, read=self._logits_at == len(tokens))

    ui.Page.respond, rag.Engine.stream, llm.LlamaModel._read = timed_respond, timed_stream, timed_read
    return main(argv)


def _steps(log: Path, typed_from: float, enter_ms: float) -> dict:
    """What the server did for one question (ms from Enter): the answer's steps, the batches
    read while it was typed (tokens and seconds of those read to the end; how many abandoned),
    and the one being read at Enter (tokens, when it began)."""
    enter = enter_ms / 1000
    rows = [json.loads(x) for x in log.read_text().splitlines() if x.strip()]
    after = {r["step"]: round((r["t"] - enter) * 1000) for r in reversed(rows) if r["t"] >= enter}
    typed = [r for r in rows if r["step"] == "batch" and typed_from <= r["began"] < enter]
    at_enter = [r for r in typed if r["t"] >= enter]
    return {"respond_ms": after.get("respond"), "first_piece_ms": after.get("first piece"),
            "batches_read": [(r["tokens"], round(r["t"] - r["began"], 2)) for r in typed if r["read"]],
            "batches_abandoned": sum(not r["read"] for r in typed),
            "reading_at_enter": (at_enter[0]["tokens"], round((at_enter[0]["began"] - enter) * 1000))
            if at_enter else None}


def _cpu_s(pid: int) -> float:
    """CPU seconds the server has used (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(data: Path, questions: list[str], speculate: bool) -> list[dict]:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(data, work, ignore=shutil.ignore_patterns("serve.sock", "index.lock"))  # a page left them
    port = _free_port()
    env = dict(os.environ, CHATBOT_DATA_DIR=str(work), CHATBOT_SPECULATE=str(speculate).lower())
    log = open(work.parent / "serve.log", "w")  # noqa: SIM115
    steps = work.parent / "steps.jsonl"
    serve = [__file__, "timed-serve", str(steps)] if STEPS else ["-m", "chatbot"]
    proc = subprocess.Popen([sys.executable, *serve, "serve", "--port", str(port)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    rows = []
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert proc.poll() is None, (work.parent / "serve.log").read_text()
                time.sleep(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector("text=passages indexés", timeout=120_000)
            time.sleep(3)  # the prompt's opening is evaluated in the background after start-up
            for n, q in enumerate(questions, 1):
                page.evaluate(WATCH)
                cpu0, typed_from = _cpu_s(proc.pid), time.time()
                page.click("#question textarea")
                half = q.rfind(" ", 0, len(q) // 2) + 1
                page.keyboard.type(q[:half], delay=166)  # ~6 characters a second
                time.sleep(1.0)  # a pause to think
                page.keyboard.type(q[half:], delay=166)
                time.sleep(ENTER_AFTER_S)
                typing_cpu = _cpu_s(proc.pid) - cpu0  # what reading ahead cost while typing
                page.keyboard.press("Enter")
                page.wait_for_function("([n]) => document.querySelectorAll('#chat .timings').length >= n",
                                       arg=[n], timeout=300_000)
                t = page.evaluate("() => window.__t")
                line = page.locator("#chat .timings").last.inner_text()
                m = re.search(r"prompt (\d+) jetons \((\d+) évalués\)", line)
                rows.append({"question": q, "enter_to_first_word_ms": round(t["first"] - t["enter"]),
                             "first_text": t.get("text"),
                             "prompt_tokens": int(m.group(1)) if m else None,
                             "evaluated_after_enter": int(m.group(2)) if m else None,
                             "cpu_while_typing_s": round(typing_cpu, 2)}
                            | ({"steps": _steps(steps, typed_from, t["enterWall"])} if STEPS else {}))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    return rows


def main() -> int:
    if sys.argv[1:2] == ["timed-serve"]:
        sys.path.insert(0, str(ROOT))
        return timed_serve(sys.argv[2], sys.argv[3:])
    data = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    only = os.environ.get("ONLY")  # "true" or "false": one configuration only
    items = [json.loads(x) for x in (ROOT / "tests/eval/questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    questions = [x["question"] for x in items if x.get("type") in ("factual", "paraphrase") and not x.get("history")][:n]
    flags = sorted(set(Path("/proc/cpuinfo").read_text().split()) & {"avx2", "avx512_vnni", "avx512_bf16", "amx_tile"})
    out: dict = {"cpu": flags, "questions": len(questions), "runs": []}
    for r in range(rounds):
        for speculate in ((True, False) if r % 2 == 0 else (False, True)):
            if only and str(speculate).lower() != only:
                continue
            rows = run(data, questions, speculate)
            ms = sorted(x["enter_to_first_word_ms"] for x in rows)
            read = [x["evaluated_after_enter"] for x in rows if x["evaluated_after_enter"] is not None]
            out["runs"].append({"speculate": speculate, "p50_ms": statistics.median(ms),
                                "p90_ms": ms[int(0.9 * (len(ms) - 1) + 0.5)],
                                "evaluated_after_enter_p50": statistics.median(read) if read else None,
                                # the whole prompt read before Enter: only the last tokens left
                                "all_read_ahead": sum(r <= 16 for r in read),
                                "cpu_while_typing_s_p50": statistics.median(x["cpu_while_typing_s"] for x in rows),
                                "rows": rows})
            if STEPS:  # llama.cpp's speed while the question was typed, batches of 64 or more
                rates = [tokens / secs for x in rows for tokens, secs in x["steps"]["batches_read"]
                         if tokens >= 64 and secs > 0]
                out["runs"][-1]["typing_tokens_per_s_p50"] = round(statistics.median(rates)) if rates else None
            print(json.dumps(out["runs"][-1] | {"rows": None}), file=sys.stderr, flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
