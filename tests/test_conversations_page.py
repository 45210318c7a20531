"""Conversations in the page, in headless Chromium: kept across a killed server and a fresh
browser, continued, exported, limited to chosen documents, and private to each user."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import EMBEDDER, SMALL_LLM, free_port, fresh_browser, start_page

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]
CTO = "Qui est le directeur technologique d'Alibaba Cloud Intelligence ?"


def _env(data: Path) -> dict:
    return dict(os.environ, CHATBOT_DATA_DIR=str(data), CHATBOT_MODEL=str(SMALL_LLM),
                CHATBOT_EMBED_MODEL=str(EMBEDDER))


@contextmanager
def _browser():
    """A fresh profile every time: nothing carried over in the browser itself."""
    with fresh_browser() as ctx:
        yield ctx.new_page()


def _open(page, url: str, login: tuple[str, str] | None = None) -> None:
    page.goto(url)
    if login:
        page.wait_for_selector("input[type=password]", timeout=60_000)
        page.locator("input[type=text]").first.fill(login[0])
        page.locator("input[type=password]").fill(login[1])
        page.locator("input[type=password]").press("Enter")
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_selector("text=passages indexés", timeout=60_000)
    page.wait_for_timeout(500)  # the conversation list loads with the page


@contextmanager
def _served(seeded_data_dir: Path, tmp_path: Path, **env: str):
    """A page serving a copy of the seeded data folder: (that folder, the page's address)."""
    data = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data)
    port = free_port()
    server = start_page(data, port, tmp_path / "serve.log", **env)
    try:
        yield data, f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _ask(page, question: str, n: int) -> str:
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function("([n]) => document.querySelectorAll('#chat .timings').length >= n",
                           arg=[n], timeout=180_000)
    return page.locator("#chat .message.bot, #chat [data-testid='bot']").last.inner_text()


def _listed(page) -> list[str]:
    return [t.strip() for t in page.locator("#conversations label").all_inner_texts()]


def _cli(data: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "chatbot", "conversations", *args], env=_env(data),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_conversation_outlives_a_killed_server_is_continued_exported_and_scoped(seeded_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data)
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/"
    server = start_page(data, port, log)
    try:
        with _browser() as page:
            _open(page, url)
            assert _listed(page) == []
            assert "Jingren Zhou" in _ask(page, CTO, 1)
            assert _listed(page)[0].startswith(CTO)
        server.send_signal(signal.SIGKILL)  # no chance to save anything on the way out
        server.wait()
        server = start_page(data, port, log)
        with _browser() as page:
            _open(page, url)
            assert _listed(page)[0].startswith(CTO)
            page.locator("#conversations label").first.click()
            page.wait_for_function("() => document.querySelectorAll('#chat .message.bot, #chat [data-testid=bot]').length >= 1",
                                   timeout=30_000)
            chat = page.inner_text("#chat")
            assert CTO in chat and "Jingren Zhou" in chat and "[1]" in chat
            sources = page.inner_text("#sources")
            assert "003_4edc3b288bac67c9.txt" in sources and "Jingren Zhou" in sources
            # a follow-up after reopening is answered in the conversation's context
            follow = _ask(page, "Quel est son poste ?", 2)
            assert "irecteur technologique" in follow, follow
            # the Markdown export: each answer with its citations and, under it, the cited passages
            page.locator("#conv-tools").click()
            with page.expect_download() as got:
                page.click("#export-md")
            md = Path(got.value.path()).read_text(encoding="utf-8")
            assert f"## {CTO}" in md and "## Quel est son poste ?" in md and "[1]" in md
            assert re.search(r"- \[1\] \*\*.+\*\* \(003_4edc3b288bac67c9\.txt, passage \d+\) :\n  > .*Jingren Zhou", md), md
            # a question limited to a document that does not hold the answer is declined, and says so
            page.click("#new")
            page.click("#scope input")
            page.get_by_role("option", name="000_4937d34f26cd696d.txt").click()
            page.keyboard.press("Escape")
            scoped = _ask(page, CTO, 1)
            assert "Je ne trouve pas cette information dans les documents choisis (000_4937d34f26cd696d.txt)" in scoped
        listed = _cli(data, "list")
        assert listed.count("\n") == 2 and CTO in listed and "[000_4937d34f26cd696d.txt]" in listed
        first = listed.splitlines()[-1].split()[0]  # the oldest: the conversation continued above
        exported = json.loads(_cli(data, "export", first, "--format", "json"))
        assert [m["role"] for m in exported["messages"]] == ["user", "assistant"] * 2
        assert exported["messages"][1]["sources"][0]["doc"] == "003_4edc3b288bac67c9.txt"
        word = subprocess.run([sys.executable, "-m", "chatbot", "conversations", "export", first, "--format", "docx"],
                              env=_env(data), capture_output=True, timeout=120)
        with zipfile.ZipFile(io.BytesIO(word.stdout)) as z:  # a Word file on stdout, its citations footnotes
            assert "003_4edc3b288bac67c9.txt" in z.read("word/footnotes.xml").decode("utf-8")
        one = subprocess.run([sys.executable, "-m", "chatbot", "conversations", "export", first, "--format", "odt",
                              "--answer", "1"], env=_env(data), capture_output=True, timeout=120)
        with zipfile.ZipFile(io.BytesIO(one.stdout)) as z:  # one answer: its question once as a heading
            assert z.read("content.xml").decode("utf-8").count("<text:h") == 2  # the title, the question
        none = subprocess.run([sys.executable, "-m", "chatbot", "conversations", "export", first, "--format", "docx",
                               "--answer", "3"], env=_env(data), capture_output=True, text=True, timeout=120)
        assert none.returncode != 0 and "has no answer 3" in none.stderr and "Traceback" not in none.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_each_user_sees_only_their_own_conversations(seeded_data_dir, tmp_path):
    with _served(seeded_data_dir, tmp_path, CHATBOT_AUTH="alice:mot-de-passe-a,bob:mot-de-passe-b") as (data, url):
        with _browser() as page:
            _open(page, url, login=("alice", "mot-de-passe-a"))
            _ask(page, "Où est basée la start-up Mistral AI ?", 1)
            assert len(_listed(page)) == 1
        with _browser() as page:
            _open(page, url, login=("bob", "mot-de-passe-b"))
            assert _listed(page) == []
            page.locator("#conv-search").locator("input, textarea").first.fill("Mistral")
            page.wait_for_timeout(1000)
            assert _listed(page) == []
        with _browser() as page:
            _open(page, url, login=("alice", "mot-de-passe-a"))
            assert _listed(page)[0].startswith("Où est basée la start-up Mistral AI ?")
    assert "Mistral" in _cli(data, "list", "--user", "alice")
    assert _cli(data, "list", "--user", "bob") == ""


def test_every_conversation_button_is_clicked_stop_rename_export_and_delete(seeded_data_dir, tmp_path):
    with _served(seeded_data_dir, tmp_path) as (data, url):
        with _browser() as page:
            _open(page, url)
            assert "Jingren Zhou" in _ask(page, CTO, 1)
            # 👍 on the answer: kept with it, for `chatbot eval --from-feedback`
            page.get_by_role("button", name="J'aime").last.click()
            from chatbot.conversations import LOCAL_USER, Conversations

            deadline = time.monotonic() + 10
            while not Conversations(data).rated(LOCAL_USER) and time.monotonic() < deadline:
                time.sleep(0.1)
            [(question, rated)] = Conversations(data).rated(LOCAL_USER)
            assert question == CTO and rated.detail["feedback"]["liked"] is True
            # 👎 instead: a field opens for what it should have said, kept with the 👎
            page.get_by_role("button", name="Je n'aime pas").last.click()
            page.wait_for_selector("#correction textarea", state="visible", timeout=10_000)
            page.fill("#correction textarea", "Jingren Zhou, directeur technologique")
            page.click("#correct")
            page.wait_for_selector("#correction textarea", state="hidden", timeout=10_000)
            [(_, rated)] = Conversations(data).rated(LOCAL_USER)
            assert rated.detail["feedback"] == {**rated.detail["feedback"], "liked": False,
                                                "correction": "Jingren Zhou, directeur technologique"}
            # « Arrêter » while the next answer is on its way: no answer comes, the question is kept as stopped
            page.fill("#question textarea", "Quels sont les avantages de l'IA open source pour les entreprises ?")
            page.click("#send")
            page.wait_for_function("() => document.querySelectorAll('#chat .message.user, #chat [data-testid=user]')"
                                   ".length >= 2", timeout=30_000)
            page.click("#stop")
            page.wait_for_timeout(4000)
            assert page.locator("#chat .timings").count() == 1
            # « Renommer »
            page.locator("#conv-tools").click()
            page.locator("#conv-title").locator("input, textarea").first.fill("Alibaba")
            page.click("#conv-rename")
            page.wait_for_function("() => [...document.querySelectorAll('#conversations label')]"
                                   ".some((l) => l.innerText.startsWith('Alibaba'))", timeout=30_000)
            # reopened, the stopped answer says so
            page.click("#new")
            page.locator("#conversations label").first.click()
            page.wait_for_function("() => document.querySelector('#chat').innerText.includes('réponse arrêtée')",
                                   timeout=30_000)
            # « Exporter (JSON) »: both questions, the first answered with its source
            with page.expect_download() as got:
                page.click("#export-json")
            exported = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
            assert exported["title"] == "Alibaba"
            assert [m["role"] for m in exported["messages"]] == ["user", "assistant"] * 2
            assert exported["messages"][3]["status"] == "stopped"
            # « Exporter (LibreOffice .odt) »: an OpenDocument text, the citation a footnote
            with page.expect_download() as got:
                page.click("#export-odt")
            from odf import teletype
            from odf.opendocument import load
            from odf.text import Note

            odt = load(got.value.path())
            assert any("003_4edc3b288bac67c9.txt" in teletype.extractText(n) for n in odt.getElementsByType(Note))
            # « Exporter (Word .docx) »: the same, as Word writes footnotes
            with page.expect_download() as got:
                page.click("#export-docx")
            with zipfile.ZipFile(got.value.path()) as z:
                assert "003_4edc3b288bac67c9.txt" in z.read("word/footnotes.xml").decode("utf-8")
            # « Dernière réponse seule »: the stopped answer and its question, nothing of the first
            with page.expect_download() as got:
                page.click("#export-answer")
            with zipfile.ZipFile(got.value.path()) as z:
                body = z.read("word/document.xml").decode("utf-8")
            assert body.count('w:val="Heading2"') == 1 and "réponse arrêtée" in body and "footnoteReference" not in body
            # « Supprimer la conversation »: gone from the list, and the page is a new one
            page.click("#conv-delete")
            page.wait_for_function("() => document.querySelectorAll('#conversations label').length === 0",
                                   timeout=30_000)
            assert page.locator("#chat .timings").count() == 0
        assert _cli(data, "list") == ""
