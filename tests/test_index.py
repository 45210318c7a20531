"""The index on real Chroma (on disk, in a temporary folder), with a tiny embedder."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from chatbot.errors import IndexMismatchError
from chatbot.indexing import index_files
from chatbot.retrieve import Retriever
from chatbot.store import ChromaStore
from fakes import WordHashEmbedder

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _store(path, name="word-hash", dim=32):
    return ChromaStore(path, embedder=name, dim=dim)


def _docs(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:03d}.txt").write_text(
            f"Le document {i} parle du projet numéro {i}. " * 30, encoding="utf-8"
        )
    return folder


def test_reingest_is_idempotent_and_changed_files_are_replaced(tmp_path):
    store, emb = _store(tmp_path / "db"), WordHashEmbedder()
    docs = tmp_path / "docs"
    docs.mkdir()
    for f in SEEDS.iterdir():
        (docs / f.name).write_bytes(f.read_bytes())
    first = index_files(store, lambda: emb, [docs], size=500, overlap=1)
    count = store.count()
    assert len(first.added) == 5 and count == first.passages

    again = index_files(store, lambda: emb, [docs], size=500, overlap=1)
    assert again.unchanged == first.added and again.passages == 0
    assert store.count() == count and emb.calls == 5  # nothing embedded twice

    target = next(docs.glob("004_*"))
    target.write_text("Un texte entièrement nouveau sur le projet Hirondelle.", encoding="utf-8")
    changed = index_files(store, lambda: emb, [docs], size=500, overlap=1)
    assert changed.updated == [target.name]
    passages, _, _ = store.load()
    mine = [p for p in passages if p.doc == target.name]
    assert [p.text for p in mine] == ["Un texte entièrement nouveau sur le projet Hirondelle."]
    assert len(passages) == store.count()


def test_a_bad_file_changes_nothing(tmp_path):
    store, emb = _store(tmp_path / "db"), WordHashEmbedder()
    index_files(store, lambda: emb, [SEEDS], size=500, overlap=1)
    before = store.load()[0]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage")
    report = index_files(store, lambda: emb, [bad], size=500, overlap=1)
    assert report.failed and "bad.txt" in report.failed[0][1]
    assert store.load()[0] == before


class _FailsOn(WordHashEmbedder):
    """An encoder that cannot take one document's text (as a tokenizer may choke on a file)."""

    def embed_documents(self, passages):
        if any(p.doc == "b.txt" for p in passages):
            raise ValueError("sequence too long for the tokenizer")
        return super().embed_documents(passages)


def test_a_document_the_encoder_fails_on_costs_that_document_only(tmp_path):
    store, docs = _store(tmp_path / "db"), tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (docs / name).write_text(f"Le document {name} parle du projet Hirondelle à Lyon. " * 5, encoding="utf-8")
    seen = []
    report = index_files(store, _FailsOn, [docs], size=500, overlap=1, on_progress=seen.append)
    assert report.added == ["a.txt", "c.txt"] and [n for n, _ in report.failed] == ["b.txt"]
    assert "the embedding model failed on it (ValueError: sequence too long" in report.failed[0][1]
    assert sorted(store.documents()) == ["a.txt", "c.txt"]
    assert [p.skipped for p in seen if p.skipped] == [report.failed[0][1]]  # told as it happened
    assert seen[-1].done == seen[-1].total  # and the progress still reaches the end


def test_a_file_that_failed_is_not_read_again_until_it_changes(tmp_path, monkeypatch):
    import chatbot.indexing

    store, emb, docs, memory = _store(tmp_path / "db"), WordHashEmbedder(), tmp_path / "docs", tmp_path / "failed.json"
    docs.mkdir()
    (docs / "bon.txt").write_text("Le projet Hirondelle est à Lyon. " * 5, encoding="utf-8")
    (docs / "abime.docx").write_bytes(b"PK\x03\x04 not really a zip")
    reads = []
    real = chatbot.indexing.read_document
    monkeypatch.setattr(chatbot.indexing, "read_document", lambda path, name: reads.append(name) or real(path, name))
    first = index_files(store, lambda: emb, [docs], size=500, overlap=1, failures=memory)
    assert [n for n, _ in first.failed] == ["abime.docx"] and first.added == ["bon.txt"]
    reads.clear()
    again = index_files(store, lambda: emb, [docs], size=500, overlap=1, failures=memory)
    assert [n for n, _ in again.failed] == ["abime.docx"] and "not read again" in again.failed[0][1]
    assert again.failed[0][1].startswith(first.failed[0][1])
    assert reads == ["bon.txt"]  # the damaged file was not read again
    # changed (here: mended), it is read again, and indexed
    (docs / "abime.docx").unlink()
    (docs / "abime.txt").write_text("Le modèle Martinet est publié sous licence libre. " * 5, encoding="utf-8")
    (docs / "abime.docx").write_bytes(b"PK\x03\x04 still not a zip, but other bytes")
    third = index_files(store, lambda: emb, [docs], size=500, overlap=1, failures=memory)
    assert "abime.docx" in reads and "not read again" not in third.failed[0][1]
    assert third.added == ["abime.txt"]


def test_an_index_built_by_another_embedder_is_refused(tmp_path):
    store = _store(tmp_path / "db")
    index_files(store, lambda: WordHashEmbedder(), [SEEDS], size=500, overlap=1)
    with pytest.raises(IndexMismatchError, match="word-hash.*ingest --rebuild"):
        _store(tmp_path / "db", name="other-model", dim=32)
    rebuilt = ChromaStore.rebuild(tmp_path / "db", embedder="other-model", dim=32)
    assert rebuilt.count() == 0


def test_search_is_exact_and_repeatable(tmp_path):
    store, emb = _store(tmp_path / "db"), WordHashEmbedder()
    index_files(store, lambda: emb, [SEEDS], size=500, overlap=1)
    runs = []
    for _ in range(2):
        passages, vectors, _ = _store(tmp_path / "db").load()
        r = Retriever(passages, vectors, emb)
        runs.append([[h.passage.id for h in r.search(q, 5)] for q in (
            "lettre ouverte de Mozilla", "licence Apache des modèles Granite", "Mistral AI à Paris")])
    assert runs[0] == runs[1]
    assert all(len(ids) == 5 for ids in runs[0])


def test_identical_passages_are_returned_once(tmp_path):
    store, emb = _store(tmp_path / "db"), WordHashEmbedder()
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "Le projet Hirondelle compte dix-sept membres actifs."
    (docs / "a.txt").write_text(text, encoding="utf-8")
    (docs / "b.txt").write_text(text, encoding="utf-8")
    index_files(store, lambda: emb, [docs], size=500, overlap=1)
    passages, vectors, _ = store.load()
    hits = Retriever(passages, vectors, emb).search("Combien de membres compte Hirondelle ?", 5)
    assert [h.passage.text for h in hits] == [text]


def test_a_document_killed_between_two_writes_is_not_searched_until_the_next_ingest_completes_it(tmp_path):
    """Over 512 passages a document is written in batches; the process killed right after the
    first leaves nothing of it to search, the other document whole, and the next run completes it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grand.txt").write_text(" ".join(f"Le modèle numéro {i} est publié à Lyon en {1900 + i}."
                                             for i in range(1300)), encoding="utf-8")
    (docs / "court.txt").write_text("Le modèle Héron est publié à Brest.", encoding="utf-8")
    db = tmp_path / "db"
    head = f"""
import os, signal, sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from chatbot.indexing import index_files
from chatbot.store import ChromaStore
from fakes import WordHashEmbedder
store = ChromaStore(Path({str(db)!r}), embedder="word-hash", dim=32)
"""
    ingest = head + f"""
if sys.argv[1] == "kill":
    upsert = store._col.upsert
    def once(**kw):
        upsert(**kw)
        if len(kw["ids"]) == 512:  # the first batch of the large document is written
            os.kill(os.getpid(), signal.SIGKILL)
    store._col.upsert = once
r = index_files(store, WordHashEmbedder, [Path({str(docs)!r})], size=100, overlap=0)
print(json.dumps([r.added, r.updated, r.unchanged]))
"""
    check = head + """
passages, vectors, _ = store.load()
print(json.dumps({"docs": store.documents(), "searched": sorted({p.doc for p in passages}),
                  "passages": len(passages), "vectors": len(vectors)}))
"""

    def run(script, *args):
        return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)

    killed = run(ingest, "kill")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    partial = json.loads(run(check).stdout)
    grand = partial["docs"]["grand.txt"]
    assert grand["stored"] == 512 < grand["expected"]  # written part way ...
    assert partial["searched"] == ["court.txt"] and partial["passages"] == partial["vectors"] == 1  # ... not searched
    added, updated, unchanged = json.loads(run(ingest, "again").stdout)
    assert "grand.txt" in added + updated and unchanged == ["court.txt"]
    final = json.loads(run(check).stdout)
    assert final["searched"] == ["court.txt", "grand.txt"]
    assert final["docs"]["grand.txt"]["stored"] == final["docs"]["grand.txt"]["expected"] == final["passages"] - 1


def test_a_file_past_the_passage_cap_is_cut_there_and_says_so(tmp_path, monkeypatch):
    import chatbot.indexing

    monkeypatch.setattr(chatbot.indexing, "MAX_PASSAGES", 5)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "long.txt").write_text(" ".join(f"Phrase numéro {i} du journal." for i in range(40)), encoding="utf-8")
    store = _store(tmp_path / "db")
    report = index_files(store, WordHashEmbedder, [docs], size=60, overlap=0)
    assert report.added == ["long.txt"] and report.cut["long.txt"] > 5
    assert store.documents()["long.txt"]["stored"] == 5
    assert any("long.txt: only its first" in n and "split it" in n for n in report.notes())
    again = index_files(store, WordHashEmbedder, [docs], size=60, overlap=0)
    assert again.unchanged == ["long.txt"]  # the cut file is whole as indexed: not read into the index again


def test_killed_mid_ingest_then_rerun_leaves_every_document_once(tmp_path):
    # Each step runs in a process of its own: an embedded Chroma belongs to one process at a time.
    docs = _docs(tmp_path / "docs", 40)
    db = tmp_path / "db"
    head = f"""
import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from chatbot.indexing import index_files
from chatbot.retrieve import Retriever
from chatbot.store import ChromaStore
from fakes import WordHashEmbedder
store = ChromaStore(Path({str(db)!r}), embedder="word-hash", dim=32)
"""
    ingest = head + f"""
emb = WordHashEmbedder(delay=float(sys.argv[1]))
r = index_files(store, lambda: emb, [Path({str(docs)!r})], size=200, overlap=1,
                on_progress=lambda p: p.reading or print("embedded", p.doc, file=sys.stderr, flush=True))
print(len(r.added), len(r.updated), len(r.unchanged))
"""
    check = head + """
docs = store.documents()
passages, vectors, _ = store.load()
r = Retriever(passages, vectors, WordHashEmbedder())
print(json.dumps({"docs": docs, "passages": len(passages), "ids": len({p.id for p in passages}),
                  "count": store.count(), "vectors": len(vectors), "lexical": len(r.bm25._norm)}))
"""

    def run(script, *args):
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    proc = subprocess.Popen([sys.executable, "-c", ingest, "0.15"], stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:  # killed once ten documents are through, with thirty still to go
        if line.startswith("embedded doc010"):
            break
    assert proc.poll() is None, "the ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = json.loads(run(check))
    assert 0 < len(partial["docs"]) < 40
    added, updated, unchanged = map(int, run(ingest, "0").split())
    assert added + updated + unchanged == 40 and added > 0
    final = json.loads(run(check))
    assert sorted(final["docs"]) == sorted(f.name for f in docs.iterdir())
    assert all(d["stored"] == d["expected"] for d in final["docs"].values())
    # every passage once, and the vector and lexical indexes agree with the store
    assert final["passages"] == final["ids"] == final["count"] == final["vectors"] == final["lexical"]


def _in_mount_namespace(script: str, setup: str, folder: Path) -> subprocess.CompletedProcess:
    """Run a Python script after `setup` (mount commands) in a mount namespace of its own."""
    if subprocess.run(["unshare", "-m", "true"]).returncode != 0:
        pytest.fail("`unshare -m` is needed to test read-only and full data folders (run as root)")
    (folder / "script.py").write_text(script, encoding="utf-8")
    return subprocess.run(
        ["unshare", "-m", "bash", "-c", f"set -e; {setup}; {sys.executable} {folder / 'script.py'}"],
        capture_output=True, text=True, timeout=300,
    )


_CHECK = f"""
import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from chatbot.errors import StoreError
from chatbot.indexing import index_files
from chatbot.store import ChromaStore
from fakes import WordHashEmbedder
db = Path(sys.argv[1]) if len(sys.argv) > 1 else None
"""


@pytest.mark.root  # a mount namespace of its own
@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_a_read_only_or_full_data_folder_is_a_clear_error_and_loses_nothing(tmp_path, kind):
    data = tmp_path / "data"
    data.mkdir()
    seed = _CHECK + f"""
store = ChromaStore(Path({str(data / "db")!r}), embedder="word-hash", dim=32)
index_files(store, WordHashEmbedder, [Path({str(SEEDS)!r})], size=500, overlap=1)
print(store.count())
"""
    done = subprocess.run([sys.executable, "-c", seed], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    before = int(done.stdout)
    big = _docs(tmp_path / "big", 60)  # ~1,200 passages: more than the folder can take
    attempt = _CHECK + f"""
try:
    store = ChromaStore(Path({str(data / "db")!r}), embedder="word-hash", dim=32)
    index_files(store, WordHashEmbedder, [Path({str(big)!r})], size=60, overlap=0)
    print("no error")
except StoreError as e:
    print("StoreError:", e)
"""
    if kind == "read-only":
        setup = f"mount --bind {data} {data}; mount -o remount,ro,bind {data}"
    else:  # a tmpfs a little larger than the index, holding a copy of it
        used = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
        setup = (f"cp -a {data} {tmp_path}/copy; mount -t tmpfs -o size={used // 1024 + 200}k tmpfs {data}; "
                 f"cp -a {tmp_path}/copy/. {data}/")
    count = f"\nprint('count', ChromaStore(Path({str(data / 'db')!r}), embedder='word-hash', dim=32).count())"
    if kind == "read-only":
        count = ""  # Chroma cannot open a read-only folder at all
    done = _in_mount_namespace(attempt + count, setup, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "StoreError:" in done.stdout, done.stdout + done.stderr[-2000:]
    message = done.stdout.split("StoreError:")[1].splitlines()[0]
    assert ("read-only" if kind == "read-only" else "full") in message, message
    assert "Traceback" not in done.stderr
    if kind == "full":  # the index still holds exactly what it held
        assert f"count {before}" in done.stdout, done.stdout
    # and, outside the namespace, the index on disk is intact
    check = _CHECK + f"print(ChromaStore(Path({str(data / 'db')!r}), embedder='word-hash', dim=32).count())"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0 and int(done.stdout) == before, done.stderr[-2000:]


def test_a_pdf_page_is_stored_and_cited(tmp_path):
    from test_ingest import _tiny_pdf
    from test_rag_logic import ScriptedModel

    from chatbot.domain import Options
    from chatbot.prompts import Prompts
    from chatbot.rag import Engine

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "rapport.pdf").write_bytes(_tiny_pdf(
        "Le projet Hirondelle est une cooperative fondee a Lyon en 2011.",
        "Elle compte dix-sept membres et publie le modele Martinet.",
        "Le modele Martinet est publie sous licence Apache 2.0."))
    store, emb = _store(tmp_path / "db"), WordHashEmbedder()
    index_files(store, lambda: emb, [docs], size=70, overlap=0)
    passages, vectors, _ = _store(tmp_path / "db").load()  # a new process would read this
    assert [p.page for p in passages] == [1, 2, 3]
    engine = Engine(Retriever(passages, vectors, emb), ScriptedModel("Le modèle Martinet est publié sous licence Apache 2.0."),
                    Prompts(SEEDS.parent / "prompts"), Options(top_k=2, min_dense=0.99))
    a = engine.ask("Sous quelle licence le modèle Martinet est-il publié ?")
    assert not a.refused, a
    assert a.sources[0].where == "p. 3" and a.to_json()["sources"][0]["page"] == 3


def test_each_passage_keeps_its_sentences_vectors_for_choosing_excerpts(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "coop.txt").write_text("Le projet Hirondelle est une coopérative fondée à Lyon. Des bénévoles "
                                   "entretiennent son code chaque semaine. Son modèle s'appelle Martinet.",
                                   encoding="utf-8")
    store, emb = _store(tmp_path / "db"), WordHashEmbedder()
    index_files(store, lambda: emb, [docs], size=500, overlap=1, with_sentences=False)  # excerpts by terms
    assert _store(tmp_path / "db").load()[2] == {}  # no sentence embedded: half the encoder's work
    index_files(store, lambda: emb, [docs], size=500, overlap=1, with_sentences=True)  # by meaning
    assert _store(tmp_path / "db").load()[2] == {}  # an unchanged document is not read again…
    store.delete_doc("coop.txt")  # …until it is indexed anew
    index_files(store, lambda: emb, [docs], size=500, overlap=1, with_sentences=True)
    passages, _, sentences = _store(tmp_path / "db").load()  # a new process would read this
    rows = sentences[passages[0].id]
    assert rows.shape == (3, 32)
    want = emb._vec("Des bénévoles entretiennent son code chaque semaine.")
    assert np.allclose(rows[1], want, atol=1e-3)  # float16 on disk
    # the retriever gives each sentence's closeness to a question in meaning
    _, vectors, _ = _store(tmp_path / "db").load()
    r = Retriever(passages, vectors, emb, sentences)
    close = r.meaning("Quels bénévoles entretiennent le code ?", passages[0])
    assert close is not None and max(range(3), key=lambda j: close[j]) == 1
    # and of sentences it holds no vector for, embedded there and then (what a yes-or-no answer quotes)
    near = r.near("Quels bénévoles entretiennent le code ?", [("", "Son modèle s'appelle Martinet."),
                                                                ("", "Des bénévoles entretiennent son code.")])
    assert near is not None and near[1] > near[0] and near[1] > 0.5
    assert Retriever(passages, vectors, emb, sentences, dense_weight=0).near("code", [("", "code")]) is None


def test_a_file_name_that_is_not_utf8_is_remembered_failed_or_read(tmp_path):
    import os

    from chatbot.indexing import Failures, Originals

    name = os.fsdecode(b"caf\xe9.docx")  # as Linux gives a latin-1 name: a lone surrogate
    path = tmp_path / name
    path.write_bytes(b"PK not a document")
    failed = Failures(tmp_path / "failed.json")
    failed.remember(path, name, "damaged")
    failed.save()
    assert Failures(tmp_path / "failed.json").unchanged(path, name).startswith("damaged")
    Originals(tmp_path / "originals.json").remember({name: path})
    assert Originals(tmp_path / "originals.json").of(name) == path
