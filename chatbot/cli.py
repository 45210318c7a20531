"""The `chatbot` command. Errors become one-line messages and a non-zero exit, never tracebacks."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.errors import ChatbotError, ConfigError, InputError

if TYPE_CHECKING:  # the commands import what they use when run: `chatbot --help` stays fast
    from chatbot.app import App
    from chatbot.config import Settings
    from chatbot.domain import Answer
    from chatbot.indexing import Progress

# Settings not offered as flags: secrets (a flag is visible to every user of the machine in the
# process list) and what `serve` has flags of its own for.
_NO_FLAG = frozenset({"auth", "chroma_token", "llm_api_key", "host", "port"})
_SHORTER = {"n_threads": "--threads", "n_threads_batch": "--threads-batch", "n_gpu_layers": "--gpu-layers"}


def setting_flags() -> dict[str, tuple[str, Any, str]]:
    """flag -> (settings field, type, help), one for each setting: written from `Settings`, so
    that a new setting is a flag at once, with its description and default in --help."""
    from chatbot.config import Settings

    out = {}
    for name, info in Settings.model_fields.items():
        if name in _NO_FLAG:
            continue
        kind = info.annotation if info.annotation in (int, float, bool, Path) else str
        default = info.default if not isinstance(info.default, Path) else info.default.name + "/"
        text = f"{info.description} (default {default!s}; CHATBOT_{name.upper()})"
        out[_SHORTER.get(name, "--" + name.replace("_", "-"))] = (name, kind, text.replace("%", "%%"))
    return out


def _offline() -> None:
    """No hub, no telemetry: set before any library that could phone home is imported."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ORT_DISABLE_TELEMETRY": "1",  # ONNX Runtime 1.29+ reports to Microsoft from Linux too
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(key, value)


def settings_from(args: argparse.Namespace) -> Settings:
    from pydantic import ValidationError

    from chatbot.config import Settings

    updates = {}
    for flag, (field, _, _) in setting_flags().items():
        value = getattr(args, flag[2:].replace("-", "_"), None)
        if value is not None:
            updates[field] = value
    try:
        return Settings(**updates)
    except ValidationError as e:
        msgs = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"invalid setting: {msgs}") from e


def _app(args: argparse.Namespace) -> App:
    from chatbot.app import App

    return App(settings_from(args))


def _questions(args: argparse.Namespace) -> Iterator[tuple[str, list]]:
    """(question, history) from the positional question or a --questions JSONL file."""
    if args.questions:
        from chatbot.evaluate import load_questions

        for item in load_questions(Path(args.questions)):
            yield item.question, item.history
    elif args.question is not None:
        yield args.question, []
    else:
        raise InputError("give a question, or --questions FILE.")


def _scope(app: App, args: argparse.Namespace) -> tuple[str, ...]:
    """The documents named by --doc, checked against the index (a file name, or its end)."""
    wanted = getattr(args, "doc", None) or []
    if not wanted:
        return ()
    known = sorted({p.doc for p in app.retriever().passages})
    out = []
    for name in wanted:
        match = [d for d in known if d == name] or [d for d in known if d.endswith("/" + name)]
        if len(match) != 1:
            shown = ", ".join(known[:12]) + ("…" if len(known) > 12 else "")
            raise InputError(f"--doc {name}: {'no' if not match else 'more than one'} indexed document "
                             f"by that name. Indexed: {shown}.")
        out.append(match[0])
    return tuple(out)


# -- commands ------------------------------------------------------------------------------

def cmd_config(args: argparse.Namespace) -> int:
    print(json.dumps(settings_from(args).public(), indent=2, ensure_ascii=False))
    return 0


def cmd_models_pull(args: argparse.Namespace) -> int:
    from chatbot.catalogue import ARTIFACTS, DEFAULT_LLM
    from chatbot.provision import pull

    s = settings_from(args)
    for name in args.names or [DEFAULT_LLM]:
        target = pull(name, s.models_dir)
        if ARTIFACTS[name].kind == "embedder":
            _export_embedder(target, int8_queries=ARTIFACTS[name].int8_queries)
    return 0


def _export_embedder(target: Path, *, int8_queries: bool) -> None:
    """The ONNX Runtime export next to the weights (2.8x faster queries) and, where it was measured
    to pay, its int8 query graph (1.5x faster again); each made once, then a no-op."""
    from chatbot.embed import export_stamp
    from chatbot.export import export_onnx, quantize_queries

    if export_stamp(target) is not None:
        print(f"{target.name}: ONNX export already in {target / 'onnx'}", file=sys.stderr)
    else:
        print(f"{target.name}: exporting the encoder for ONNX Runtime...", file=sys.stderr)
        try:
            done = export_onnx(target)
        except (OSError, ConfigError) as e:  # a read-only models folder, a failed check: not fatal
            print(f"{target.name}: not exported ({e}); sentence-transformers will run it, slower",
                  file=sys.stderr)
            return
        if not done:
            print(f"{target.name}: not exportable; sentence-transformers will run it", file=sys.stderr)
            return
        print(f"{target.name}: ONNX export ready in {target / 'onnx'}", file=sys.stderr)
    if not int8_queries:
        return
    try:
        worst = quantize_queries(target)
    except (OSError, ConfigError) as e:
        print(f"{target.name}: no int8 query graph ({e}); queries use the float32 one", file=sys.stderr)
        return
    if worst is None:
        print(f"{target.name}: the int8 query graph drifted from float32; queries use float32",
              file=sys.stderr)
    else:
        print(f"{target.name}: int8 query graph ready (cosine to float32 >= {worst:.3f})",
              file=sys.stderr)


def cmd_models_list(args: argparse.Namespace) -> int:
    from chatbot.errors import ModelError
    from chatbot.gguf import read_info

    s = settings_from(args)
    try:
        active = s.model_path().resolve()
    except ConfigError:
        active = None
    files = sorted(s.models_dir.glob("*.gguf"))
    if not files:
        print(f"No .gguf file in {s.models_dir}. Run `chatbot models pull`.")
        return 0
    print(f"  {'file':<44} {'name':<34} {'arch':<8} {'quant':<7} {'ctx':>7} {'size':>9}")
    for f in files:
        mark = "*" if f.resolve() == active else " "
        try:
            i = read_info(f)
            print(f"{mark} {f.name:<44} {i.name[:34]:<34} {i.architecture:<8} {i.quantization:<7} "
                  f"{i.context_length:>7} {i.size / 2**20:>6.0f} MB{'' if i.is_chat else '  (not a chat model)'}")
        except ModelError as e:
            print(f"{mark} {f.name:<44} unusable: {e}")
    return 0


SOME_FAILED = 3  # `ingest`'s exit status when some files were skipped and the others indexed


def cmd_ingest(args: argparse.Namespace) -> int:
    """Index files; while the page runs on the same data folder, the page does it (see `owner`)."""
    from chatbot import owner
    from chatbot.config import project_root

    app = _app(args)
    paths = [Path(p) for p in args.paths] or [project_root() / "seeds"]
    show = _ProgressPrinter()
    with _reader_log(Path(app.settings.data_dir) / "ingest.log", verbose=args.verbose) as told:
        report, count, by_page = owner.ingest(
            app, paths, rebuild=args.rebuild, on_progress=show,
            waiting=lambda holder: print(f"waiting: another process ({holder}) is writing the index…",
                                         file=sys.stderr, flush=True))
    show(None)
    if not (report.added or report.updated or report.unchanged or report.failed or report.cancelled):
        from chatbot.ingest import SUFFIXES

        print(f"error: no document to index in {', '.join(str(p) for p in paths)}: the kinds read are "
              f"{' '.join(SUFFIXES)}.", file=sys.stderr)
        return 1
    if by_page:
        print("the running page indexed them and answers from them now.", file=sys.stderr)
    for _, msg in report.failed:
        if msg not in show.skipped:  # told already, as it happened
            print(f"skipped {msg}", file=sys.stderr)
    for note in report.notes():
        print(f"note: {note}")
    print(f"{report.summary()}; the index holds {count} passages.")
    if told.count and not args.verbose:
        print(f"note: what the readers raised for {told.count} of them is in {app.settings.data_dir}/ingest.log "
              "(--verbose shows it here)", file=sys.stderr)
    if report.failed:
        return SOME_FAILED if report.changed or report.unchanged else 1
    return 0


class _Told(logging.Handler):
    """Counts the files whose reader failed in a way no message of ours foresaw."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.exc_info is not None


@contextlib.contextmanager
def _reader_log(path: Path, *, verbose: bool) -> Iterator[_Told]:
    """While files are indexed, what a reader raised unforeseen (its traceback) goes to a log file
    in the data folder, and to the terminal with --verbose; yields the count of such files."""
    logger = logging.getLogger("chatbot.indexing")
    told = _Told()
    handlers: list[logging.Handler] = [told]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(path, encoding="utf-8", delay=True))
    except OSError:
        pass  # a read-only data folder: the index will say so
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for h in handlers[1:]:
        h.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    level = logger.level
    logger.setLevel(logging.DEBUG)
    for h in handlers:
        logger.addHandler(h)
    try:
        yield told
    finally:
        for h in handlers:
            logger.removeHandler(h)
            h.close()
        logger.setLevel(level)


class _ProgressPrinter:
    """Progress on stderr: one line rewritten on a terminal, a line per step elsewhere (logs); a
    file that cannot be read is told on a line of its own as soon as it is met."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = False  # a progress line is on the terminal, not yet ended
        self.skipped: set[str] = set()  # the messages of the files told as skipped

    def __call__(self, p: Progress | None) -> None:
        if p is None or p.skipped:
            if self.tty and self.shown:
                print("\r" + " " * 79 + "\r" if p else "", file=sys.stderr, end="" if p else "\n")
            self.shown = False
            if p is not None:
                print(f"skipped {p.skipped}", file=sys.stderr, flush=True)
                self.skipped.add(p.skipped)
            return
        left = f", about {p.left} left" if p.left else ""
        line = (f"reading {p.doc} ({p.file}/{p.files})" if p.reading else
                f"indexing: {p.done}/{p.total} passages ({p.doc}){left}")
        print(("\r" + line.ljust(79)) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr,
              flush=True)
        self.shown = True


def cmd_search(args: argparse.Namespace) -> int:
    app = _app(args)
    retriever = app.retriever()
    from chatbot.phrasing import clean_question

    docs = _scope(app, args)
    for question, _ in _questions(args):
        hits = retriever.search(clean_question(question), args.k, docs)
        if args.json:
            print(json.dumps({"question": question, "results": [
                {"rank": r, "doc": h.passage.doc, "text": h.passage.text, "score": round(h.score, 5)}
                for r, h in enumerate(hits, 1)]}, ensure_ascii=False), flush=True)
        else:
            print(f"« {question} »")
            for r, h in enumerate(hits, 1):
                print(f"{r}. {h.passage.doc} #{h.passage.position} ({h.score:.4f})\n   {h.passage.text}\n")
    return 0


def _print_sources(answer: Answer) -> None:
    if answer.sources:
        print("\nSources :")
        for s in answer.sources:
            print(f"  [{s.n}] {s.doc} ({s.where}) : {s.text[:160]}…")
    t = answer.timings
    print(f"\n({t.retrieval_ms:.0f} ms recherche, premier mot à {t.ttft_ms / 1000:.1f} s, "
          f"{t.prompt_tokens} jetons de prompt)", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from chatbot.domain import Answer

    app = _app(args)
    app.warm_up()
    engine = app.engine()
    if getattr(app.model(), "warning", ""):
        print(app.model().warning, file=sys.stderr)
    options = replace(engine.options, docs=_scope(app, args))
    for question, history in _questions(args):
        if args.json:
            print(json.dumps(engine.ask(question, history, options).to_json(), ensure_ascii=False), flush=True)
            continue
        streamed: list[str] = []
        for event in engine.stream(question, history, options):
            if isinstance(event, Answer):
                if event.retracted:
                    print(f"\n→ Réponse retirée : {event.reason}\n→ {event.answer}")
                elif event.refused and "".join(streamed).strip() != event.answer:
                    print(f"\n→ {event.answer}")
                print()
                _print_sources(event)
            else:
                streamed.append(event)
                print(event, end="", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from chatbot.domain import Answer, Turn

    app = _app(args)
    app.warm_up()
    engine = app.engine()
    history: list[Turn] = []
    print("Posez une question sur vos documents (Ctrl-D pour quitter, /nouveau pour recommencer).")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if question in ("/nouveau", "/new"):
            history = []
            continue
        try:
            for event in engine.stream(question, history):
                if isinstance(event, Answer):
                    print()
                    if event.retracted:
                        print(f"→ Réponse retirée : {event.reason}\n→ {event.answer}")
                    _print_sources(event)
                    history += [Turn("user", question), Turn("assistant", event.answer)]
                else:
                    print(event, end="", flush=True)
        except InputError as e:
            print(f"erreur : {e}")


def cmd_serve(args: argparse.Namespace) -> int:
    from chatbot.ui import serve

    s = settings_from(args)
    host = args.host or s.host
    auth = args.auth or s.auth
    return serve(s, host=host, port=args.port or s.port, auth=auth, open_browser=args.open)


def cmd_conversations_list(args: argparse.Namespace) -> int:
    import time

    from chatbot.conversations import LOCAL_USER, Conversations

    store = Conversations(settings_from(args).data_dir)
    user = args.user or LOCAL_USER
    found = store.find(user, args.search)
    if not found:
        others = [u for u in store.users() if u != user]
        hint = f" (conversations exist for: {', '.join(others)}; use --user)" if others else ""
        print(f"no conversations for {user}{hint}.", file=sys.stderr)
    for c in found:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
        scope = f"  [{', '.join(c.scope)}]" if c.scope else ""
        print(f"{c.id}  {when}  {c.title}{scope}")
    return 0


def cmd_conversations_export(args: argparse.Namespace) -> int:
    from chatbot.conversations import LOCAL_USER, Conversations

    store = Conversations(settings_from(args).data_dir)
    user = args.user or LOCAL_USER
    if args.answer is not None and args.format not in ("odt", "docx"):
        raise InputError("--answer goes with --format odt or docx.")
    if args.format == "json":
        print(json.dumps(store.export_json(user, args.id), ensure_ascii=False, indent=2))
    elif args.format in ("odt", "docx"):  # `… --format odt > conversation.odt`, `--format docx > ….docx`
        from chatbot.office import conversation_docx, conversation_odt, one_answer

        write = conversation_odt if args.format == "odt" else conversation_docx
        messages = store.messages(user, args.id)
        if args.answer is not None:
            messages = one_answer(messages, args.answer)
            if not messages:
                raise InputError(f"conversation {args.id} has no answer {args.answer}: "
                                 "`chatbot conversations export ID --format md` shows its answers in order.")
        sys.stdout.buffer.write(write(store.get(user, args.id), messages))
    else:
        print(store.export_markdown(user, args.id), end="")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from chatbot.evaluate import run_eval

    return run_eval(settings_from(args), args)


def cmd_bench(args: argparse.Namespace) -> int:
    from chatbot.bench import run_bench

    return run_bench(settings_from(args), args)


# -- parser --------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("settings (each also a CHATBOT_* environment variable; "
                                      "`chatbot config` prints them)")
    for flag, (_, kind, text) in setting_flags().items():
        if kind is bool:
            group.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=text)
        else:
            group.add_argument(flag, type=kind, default=None, help=text, metavar=kind.__name__.upper())

    p = argparse.ArgumentParser(
        prog="chatbot",
        description="A local French chatbot grounded in your documents. Every setting is a "
        "CHATBOT_* environment variable and a flag of each command (`chatbot ask --help`).",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, fn: Callable, help: str, **kw: Any) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, parents=[common], help=help, description=help, **kw)
        sp.set_defaults(fn=fn)
        return sp

    add("config", cmd_config, "print the effective settings")

    models = sub.add_parser("models", help="provision and list models")
    msub = models.add_subparsers(dest="models_command", required=True)
    pull = msub.add_parser("pull", parents=[common], help="provision known models into models/")
    pull.add_argument("names", nargs="*", help="model names (default: the default chat model)")
    pull.set_defaults(fn=cmd_models_pull)
    lst = msub.add_parser("list", parents=[common], help="list the GGUF files in models/")
    lst.set_defaults(fn=cmd_models_list)

    ing = add("ingest", cmd_ingest, "index documents (default: seeds/)",
              epilog="A file that cannot be read is skipped with the reason; the others are indexed. "
                     f"Exit status: 0 all read, {SOME_FAILED} some files skipped, 1 none could be read "
                     "(or another error), 2 a usage error.")
    ing.add_argument("paths", nargs="*", help="files or folders (text, Markdown, HTML, PDF, office "
                                               "documents, e-books, images)")
    ing.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    ing.add_argument("--verbose", action="store_true",
                     help="show what a reader raised for a file it failed on (always kept in DATA/ingest.log)")

    for name, fn, text in (("search", cmd_search, "show the passages retrieved for a question"),
                           ("ask", cmd_ask, "answer a question from the documents")):
        sp = add(name, fn, text)
        sp.add_argument("question", nargs="?")
        sp.add_argument("--questions", help="a JSONL file of questions (one JSON result per line)")
        sp.add_argument("--json", action="store_true", help="print JSON")
        sp.add_argument("--doc", action="append", metavar="NAME",
                        help="search only this document (repeat for several; default: all)")
        if name == "search":
            sp.add_argument("-k", type=int, default=5, help="number of passages")

    add("chat", cmd_chat, "a conversation in the terminal")

    conv = sub.add_parser("conversations", help="list and export the page's conversations")
    csub = conv.add_subparsers(dest="conversations_command", required=True)
    cl = csub.add_parser("list", parents=[common], help="the conversations, the latest first")
    cl.add_argument("--search", default="", help="only those whose title or messages hold this text")
    cx = csub.add_parser("export", parents=[common], help="one conversation as Markdown or JSON")
    cx.add_argument("id")
    cx.add_argument("--format", choices=["md", "json", "odt", "docx"], default="md",
                    help="odt (LibreOffice) or docx (Word): the citations as footnotes (write it to a file: > name.odt)")
    cx.add_argument("--answer", type=int, default=None, metavar="N",
                    help="with odt or docx: only the N-th answer (from 1) and its question")
    for sp, fn in ((cl, cmd_conversations_list), (cx, cmd_conversations_export)):
        sp.add_argument("--user", default=None,
                        help="whose conversations (a CHATBOT_AUTH user name; default: the local user)")
        sp.set_defaults(fn=fn)

    srv = add("serve", cmd_serve, "serve the chat page")
    srv.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=None)
    srv.add_argument("--auth", default=None,
                     help="user:password, or several separated by commas (required off loopback)")
    srv.add_argument("--open", action="store_true", help="open the page in a browser")

    ev = add("eval", cmd_eval, "measure retrieval and answers on a question set")
    ev.add_argument("--questions", default=None, help="JSONL question set (default: tests/eval/questions.jsonl)")
    ev.add_argument("--corpus", nargs="*", default=None, help="documents to evaluate on (default: the index)")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--retrieval-only", action="store_true", help="skip the answers")
    ev.add_argument("--limit", type=int, default=0, help="only the first N questions")
    ev.add_argument("--from-feedback", action="store_true",
                    help="the answers rated 👍 or 👎 in the page as the question set: your own test set, "
                         "to measure another GGUF on")
    ev.add_argument("--user", default=None, help="with --from-feedback: whose ratings (with --auth)")
    ev.add_argument("--embedders", nargs="*", default=None,
                    help="compare the retrieval of these embedders, each on an index of its own")

    b = add("bench", cmd_bench, "measure latency and throughput")
    b.add_argument("--json", action="store_true")
    b.add_argument("--corpus-size", type=int, default=0, help="also index N synthetic passages")
    b.add_argument("--search-only", action="store_true",
                   help="with --corpus-size: random unit vectors instead of encoding, to time search at sizes "
                        "whose encoding takes hours (EmbeddingGemma: ~4 passages/s on 2 cores)")
    b.add_argument("--questions", type=int, default=8, help="how many seed questions to time")
    return p


def main(argv: list[str] | None = None) -> int:
    _offline()
    args = _parser().parse_args(argv)
    try:
        return args.fn(args)
    except ChatbotError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
