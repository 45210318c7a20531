"""The `chatbot` command as a user runs it: exit codes, JSON shapes, messages without tracebacks."""

import json
import subprocess
import sys

import pytest

from conftest import EMBEDDER, MINILM, SEEDS, SMALL_LLM

# runs a command and says, last on stderr, the peak memory (KiB) of the process it ran
PEAK = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print('peak', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)")


def chatbot(*args, data_dir=None, env=None, timeout=600, peak=False):
    import os

    e = dict(os.environ, CHATBOT_MODEL=str(SMALL_LLM), CHATBOT_EMBED_MODEL=str(EMBEDDER))
    if data_dir:
        e["CHATBOT_DATA_DIR"] = str(data_dir)
    e.update(env or {})
    measured = [sys.executable, "-c", PEAK] if peak else []
    return subprocess.run([*measured, sys.executable, "-m", "chatbot", *args], capture_output=True,
                          text=True, env=e, timeout=timeout)


def assert_clean_error(done, *words):
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    for w in words:
        assert w in done.stderr, done.stderr


def test_config_prints_the_effective_settings():
    done = chatbot("config", "--top-k", "5", env={"CHATBOT_TEMPERATURE": "0.3", "CHATBOT_AUTH": "a:b"})
    cfg = json.loads(done.stdout)
    assert cfg["top_k"] == 5 and cfg["temperature"] == 0.3 and cfg["auth"] == "***"


def test_invalid_setting_is_a_clear_error():
    assert_clean_error(chatbot("config", env={"CHATBOT_TOP_K": "zero"}), "top_k")


@pytest.mark.model
def test_search_and_ask_json(seeded_data_dir, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"question": "Qui est le directeur technologique d'Alibaba Cloud ?", "expected": "ignored"},
        {"question": "Quelle est la capitale de l'Australie ?"},
    ]) + "\n", encoding="utf-8")
    found = chatbot("search", "--json", "-k", "2", "--questions", str(questions), data_dir=seeded_data_dir)
    lines = [json.loads(x) for x in found.stdout.splitlines()]
    assert len(lines) == 2 and len(lines[0]["results"]) == 2
    assert set(lines[0]["results"][0]) == {"rank", "doc", "text", "score"}
    assert "Jingren Zhou" in lines[0]["results"][0]["text"]

    done = chatbot("ask", "--json", "--questions", str(questions), data_dir=seeded_data_dir)
    assert done.returncode == 0, done.stderr
    first, second = [json.loads(x) for x in done.stdout.splitlines()]
    assert set(first) == {"question", "answer", "refused", "retracted", "model", "sources", "timings"}
    assert set(first["timings"]) >= {"retrieval_ms", "prompt_tokens", "ttft_ms", "gen_tokens",
                                     "gen_ms", "total_ms"}
    assert "Jingren Zhou" in first["answer"] and not first["refused"]
    assert first["model"] == str(SMALL_LLM)
    assert {"n", "doc", "title", "page", "where", "section", "text", "score", "sentence"} == set(first["sources"][0])
    assert first["sources"][0]["page"] is None  # a text file has no pages
    assert first["sources"][0]["where"].startswith("passage ")
    assert second["refused"] and second["answer"] == "Je ne trouve pas cette information dans les documents."


@pytest.mark.model
def test_ask_streams_text_and_lists_sources(seeded_data_dir):
    done = chatbot("ask", "Sous quelle licence IBM publie-t-il ses modèles Granite ?", data_dir=seeded_data_dir)
    assert done.returncode == 0, done.stderr
    assert "Apache" in done.stdout and "Sources :" in done.stdout and "002_" in done.stdout


@pytest.mark.model
def test_ask_says_when_it_withdraws_an_answer(seeded_data_dir):
    # the documents name a CTO at Alibaba Cloud, none at Mozilla
    done = chatbot("ask", "Qui est le directeur technologique de Mozilla ?", data_dir=seeded_data_dir)
    assert done.returncode == 0, done.stderr
    assert "Je ne trouve pas cette information dans les documents." in done.stdout, done.stdout
    if "Jingren Zhou" in done.stdout:  # it streamed a neighbour's name: the withdrawal must say so
        assert "→ Réponse retirée : " in done.stdout, done.stdout


@pytest.mark.model
@pytest.mark.parametrize(("model", "words"), [
    ("/nonexistent/model.gguf", ["not found", "models pull"]),
    ("not-a-known-model", ["unknown model", "qwen2.5-coder-1.5b-instruct-q4_k_m"]),
])
def test_missing_model_is_a_clear_error(seeded_data_dir, model, words):
    assert_clean_error(chatbot("ask", "Bonjour ?", data_dir=seeded_data_dir, env={"CHATBOT_MODEL": model}), *words)


@pytest.mark.model
def test_corrupt_model_is_a_clear_error(seeded_data_dir, tmp_path):
    bad = tmp_path / "cut.gguf"
    with SMALL_LLM.open("rb") as f:
        bad.write_bytes(f.read(50_000_000))
    done = chatbot("ask", "Bonjour ?", data_dir=seeded_data_dir, env={"CHATBOT_MODEL": str(bad)})
    assert_clean_error(done, "cut.gguf")


@pytest.mark.model
def test_a_context_too_small_for_the_prompt_is_a_clear_error(seeded_data_dir):
    question = "Qui est le directeur technologique d'Alibaba Cloud Intelligence ? " * 28  # ~1,900 characters
    done = chatbot("ask", question, data_dir=seeded_data_dir, env={"CHATBOT_N_CTX": "512"})
    assert_clean_error(done, "tokens but the model's context holds 512", "CHATBOT_N_CTX")


@pytest.mark.model
def test_bad_questions_exit_with_a_message(seeded_data_dir):
    assert_clean_error(chatbot("ask", "   ", data_dir=seeded_data_dir), "empty")


def test_ingest_reports_bad_files_and_keeps_the_index(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("# Note\n\nLe projet Hirondelle compte 17 membres.\n", encoding="utf-8")
    data = tmp_path / "data"
    env = {"CHATBOT_EMBED_MODEL": str(MINILM)}
    first = chatbot("ingest", str(docs), data_dir=data, env=env)
    assert first.returncode == 0 and "1 added" in first.stdout, first.stderr
    (docs / "bad.txt").write_bytes(b"PK\x03\x04\x00\x00\x08\x00 an archive renamed .txt")
    second = chatbot("ingest", str(docs), data_dir=data, env=env)
    assert "bad.txt" in second.stderr and "binary" in second.stderr
    assert "1 unchanged" in second.stdout and "holds 1 passages" in second.stdout
    assert second.returncode == 3  # some files skipped, the others indexed
    missing = chatbot("ingest", str(tmp_path / "nowhere"), data_dir=data, env=env)
    assert_clean_error(missing, "no such file")


def test_a_file_no_reader_expects_costs_that_file_only(tmp_path):
    import io
    import os
    import zipfile

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Note\n\nLe projet Hirondelle compte 17 membres.\n", encoding="utf-8")
    body = ("<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
            + "<w:p><w:r><w:t>Le modèle Martinet est publié à Lyon.</w:t></w:r></w:p>" * 200 + "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>")
        z.writestr("word/document.xml", body)
    raw = bytearray(buf.getvalue())
    at = raw.index(b"word/document.xml") + len("word/document.xml") + 40  # inside its compressed data
    raw[at:at + 24] = b"\xff" * 24
    (docs / "b.docx").write_bytes(bytes(raw))
    (docs / os.fsdecode(b"caf\xe9 notes.txt")).write_text("Le modèle Pinson est publié à Grenoble.", encoding="utf-8")
    (docs / "z.md").write_text("# Fin\n\nLe modèle Grive est publié à Nantes.\n", encoding="utf-8")
    done = chatbot("ingest", str(docs), data_dir=tmp_path / "data", env={"CHATBOT_EMBED_MODEL": str(MINILM)})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 3, done.stderr
    assert "3 added" in done.stdout and "1 failed" in done.stdout
    lines = done.stderr.splitlines()
    skipped = [i for i, line in enumerate(lines) if line.startswith("skipped")]
    assert len(skipped) == 1 and "b.docx" in lines[skipped[0]], done.stderr
    assert skipped[0] < min(i for i, line in enumerate(lines) if line.startswith("indexing")), done.stderr  # told at once
    # what the reader raised is kept for whoever reports it, and shown with --verbose
    assert "ingest.log (--verbose shows it here)" in done.stderr, done.stderr
    assert "Traceback" in (tmp_path / "data" / "ingest.log").read_text(encoding="utf-8")
    (tmp_path / "data" / "failed-files.json").unlink()  # read it again, this time saying all
    verbose = chatbot("ingest", "--verbose", str(docs), data_dir=tmp_path / "data",
                      env={"CHATBOT_EMBED_MODEL": str(MINILM)})
    assert verbose.returncode == 3 and "Traceback" in verbose.stderr and "zlib.error" in verbose.stderr
    # run again: the damaged file, unchanged, is told again without being read again
    again = chatbot("ingest", str(docs), data_dir=tmp_path / "data", env={"CHATBOT_EMBED_MODEL": str(MINILM)})
    assert again.returncode == 3 and "b.docx" in again.stderr and "not read again" in again.stderr, again.stderr
    assert "3 unchanged" in again.stdout, again.stdout
    (tmp_path / "empty").mkdir()
    assert_clean_error(chatbot("ingest", str(tmp_path / "empty"), data_dir=tmp_path / "data",
                               env={"CHATBOT_EMBED_MODEL": str(MINILM)}), "no document to index")


def test_a_folder_of_damaged_files_of_every_kind_costs_each_of_them_only(tmp_path):
    """The generated folder (tests/damaged.py): 50 damaged, hostile or oddly named files beside a
    good one. Each is refused with its name and why, or read despite its damage; no traceback; the
    run's memory stays bounded (bombs of XML and of compressed streams among them); run again,
    nothing is read again."""
    from damaged import make

    docs = tmp_path / "docs"
    damaged = make(docs)
    (docs / "bon.md").write_text("# Bon\n\nLe modèle Martinet est publié sous licence Apache 2.0.\n", encoding="utf-8")
    env = {"CHATBOT_EMBED_MODEL": str(MINILM)}
    done = chatbot("ingest", str(docs), data_dir=tmp_path / "data", env=env, peak=True)
    out = done.stdout + done.stderr
    assert "Traceback" not in out and done.returncode == 3, out
    assert int(done.stderr.split("peak ")[-1]) < 1.5 * 2**20, out  # KiB: under 1.5 GiB, the embedder included
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    read = {"bon.md", "xref.pdf", "moitie.rtf", "profond.docx", "profond.html", "caf\ufffd-latin1.txt",
            "chapitre-bruit.epub", "ligne.txt"}
    assert f"{len(read)} added" in done.stdout and f"{len(damaged) + 1 - len(read)} failed" in done.stdout, out
    assert sorted(line.split()[1].rstrip(":") for line in skipped) == sorted(set(damaged) - read), skipped
    assert "chapitre-bruit.epub: 1 part left out" in done.stderr + done.stdout, out
    again = chatbot("ingest", str(docs), data_dir=tmp_path / "data", env=env)
    assert again.returncode == 3 and "Traceback" not in again.stdout + again.stderr
    assert again.stderr.count("not read again") == len(damaged) + 1 - len(read), again.stderr
    assert f"{len(read)} unchanged" in again.stdout


def test_a_first_ingest_that_failed_before_writing_leaves_no_embedder_behind(tmp_path):
    data = tmp_path / "data"
    wrong = chatbot("ingest", str(SEEDS / "004_4aa242230e059d09.txt"), data_dir=data,
                    env={"CHATBOT_EMBED_MODEL": str(tmp_path)})  # a folder that holds no model
    assert_clean_error(wrong, "not a sentence-transformers model folder")
    done = chatbot("ingest", str(SEEDS / "004_4aa242230e059d09.txt"), data_dir=data,
                   env={"CHATBOT_EMBED_MODEL": str(MINILM)})
    assert done.returncode == 0 and "1 added" in done.stdout, done.stderr


def test_another_embedder_is_refused_until_rebuild(tmp_path):
    data = tmp_path / "data"
    assert chatbot("ingest", str(SEEDS / "004_4aa242230e059d09.txt"), data_dir=data,
                   env={"CHATBOT_EMBED_MODEL": str(MINILM)}).returncode == 0
    other = chatbot("search", "open source", data_dir=data)  # EmbeddingGemma now
    assert_clean_error(other, "all-minilm-l6-v2", "ingest --rebuild")
    rebuilt = chatbot("ingest", "--rebuild", str(SEEDS / "004_4aa242230e059d09.txt"), data_dir=data)
    assert rebuilt.returncode == 0 and "1 added" in rebuilt.stdout


@pytest.mark.model
def test_bench_measures_the_product_against_the_raw_libraries(seeded_data_dir):
    done = chatbot("bench", "--json", "--questions", "2", "--corpus-size", "400", "--search-only",
                   data_dir=seeded_data_dir)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    first, second = out["questions"]
    # the fixed instructions are evaluated once per loaded model, at start-up: every question,
    # the first included, pays only for its own tokens
    opening = first["prompt_tokens"] - first["evaluated_tokens"]
    assert opening > 50
    assert second["prompt_tokens"] - second["evaluated_tokens"] >= opening
    assert all(q["raw_ms"] > 0 and q["ratio"] > 0 and q["ttft_ms"] > 0 for q in out["questions"])
    assert out["retrieval_ms"]["p50"] >= out["query_embedding_ms"]["p50"] * 0.5 > 0
    assert out["ingestion"]["passages"] > 0 and 0 < out["ingestion"]["ratio"] < 2
    assert out["startup_s"] > 0 and out["peak_rss_mib"] > 0
    # the peer's 640-token prompt, timed from an empty cache on this machine: longer than ours
    peer = out["peer_estimate"]
    assert peer["raw_ms"] > max(q["raw_ms"] for q in out["questions"])
    # search at a size, without encoding: the passages are chunked as ingestion would
    scale = out["scale"]
    assert scale["search_only"] and scale["passages"] > 300 and scale["retrieval_ms_p50"] > 0
    # the seeds' sentences recombined: the page finishes « Sa » after « Amit » as in the seeds
    assert scale["completed"] == "Qui est Amit Sangani" and scale["completion_build_s"] > 0


@pytest.mark.slow
def test_eval_compares_embedders_as_json(tmp_path):
    """`eval --embedders` on a corpus: each embedder on an index of its own, JSON when asked."""
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"question": "Qui est le directeur technologique d'Alibaba Cloud Intelligence ?",
                    "facts": [["Jingren Zhou"]], "evidence": "Jingren Zhou"}) + "\n"
        + json.dumps({"question": "Quelle est la capitale de l'Australie ?", "type": "offtopic"}) + "\n"
    )
    done = chatbot("eval", "--retrieval-only", "--json", "--questions", str(questions),
                   "--embedders", str(MINILM), "--corpus", *map(str, sorted(SEEDS.iterdir())),
                   data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)["embedders"][str(MINILM)]
    assert out["bm25"]["questions"] == 1 and out["bm25"]["hit@1"] == 1.0  # the name is in one passage
    assert out["_ingest_s"]["seconds"] > 0


@pytest.mark.model
def test_eval_from_feedback_scores_the_model_on_the_answers_the_user_rated(seeded_data_dir, tmp_path):
    import shutil

    from chatbot.conversations import LOCAL_USER, Conversations
    from chatbot.domain import Answer

    data = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data)
    assert_clean_error(chatbot("eval", "--from-feedback", data_dir=data), "no answer was rated yet")
    store = Conversations(data)
    cid, mid = store.ask(LOCAL_USER, None, "Qui est le directeur technologique d'Alibaba Cloud Intelligence ?")
    store.answer(mid, Answer("q", "Le directeur est Jingren Zhou [1].", False, "m"))
    store.rate(LOCAL_USER, cid, mid, True)
    _, mid = store.ask(LOCAL_USER, cid, "Quelle est la capitale de l'Australie ?")
    store.answer(mid, Answer("q", "Canberra.", False, "m"))
    store.rate(LOCAL_USER, cid, mid, False)  # should have declined
    done = chatbot("eval", "--from-feedback", "--json", data_dir=data)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)["figures"]
    assert figures["on_topic"] == 1 and figures["off_topic"] == 1
    assert figures["right"] == 1.0 and figures["declined_off_topic"] == 1.0  # the small model agrees with the user
