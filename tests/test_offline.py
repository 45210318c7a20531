"""The whole flow with the network cut (`unshare -n`): ingest, ask, serve and answer through /ask.

A new network namespace has only a loopback interface (brought up here), so any call to the
outside fails: if ingesting, answering or serving needed one, this test would fail.
"""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import EMBEDDER, SEEDS, SMALL_LLM

pytestmark = pytest.mark.model


def test_ingest_ask_and_serve_with_the_network_cut(tmp_path):
    if not shutil.which("unshare") or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        pytest.fail("`unshare -n` is needed to prove the product works offline (run as root)")
    py = sys.executable
    script = textwrap.dedent(f"""
        set -e
        ip link set lo up 2>/dev/null || true
        export CHATBOT_DATA_DIR={tmp_path}/data CHATBOT_MODEL={SMALL_LLM} CHATBOT_EMBED_MODEL={EMBEDDER}
        {py} -m chatbot ingest {SEEDS / "002_252018651c2d012b.txt"}
        {py} -m chatbot ask --json "Où est basée la start-up Mistral AI ?" > {tmp_path}/ask.json
        {py} -m chatbot serve --port 7871 > {tmp_path}/serve.log 2>&1 &
        pid=$!
        for i in $(seq 1 120); do
          {py} -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7871/', timeout=2)" 2>/dev/null && break
          sleep 1
        done
        {py} -c "from gradio_client import Client; print(Client('http://127.0.0.1:7871/', verbose=False).predict('Sous quelle licence IBM publie-t-il ses modèles Granite ?', None, api_name='/ask')['answer'])" > {tmp_path}/page.txt
        kill $pid
    """)
    done = subprocess.run(["unshare", "-n", "bash", "-c", script], capture_output=True, text=True,
                          env=dict(os.environ), timeout=600)
    log = tmp_path / "serve.log"
    assert done.returncode == 0, done.stderr[-3000:] + (log.read_text()[-2000:] if log.exists() else "")
    assert "Paris" in (tmp_path / "ask.json").read_text()
    assert "Apache" in (tmp_path / "page.txt").read_text()
