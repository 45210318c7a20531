"""The whole flow with the network cut (`unshare -n`): ingest, ask, serve and answer through /ask.

A new network namespace has only a loopback interface (brought up here), so any call to the
outside fails: if ingesting, answering or serving needed one, this test would fail. A call that
fails quietly (telemetry, an update check) would not stop the flow, so every connect() the
product's processes make is recorded with strace, and only loopback and local sockets may appear.
"""

import os
import re
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
    if not shutil.which("strace"):
        pytest.fail("strace is needed to record connections (`make test` installs it)")
    py = f"strace -f -qq -e trace=connect -e signal=none -o {tmp_path}/connect.%s {sys.executable}"
    script = textwrap.dedent(f"""
        set -e
        ip link set lo up 2>/dev/null || true
        export CHATBOT_DATA_DIR={tmp_path}/data CHATBOT_MODEL={SMALL_LLM} CHATBOT_EMBED_MODEL={EMBEDDER}
        {py % "ingest"} -m chatbot ingest {SEEDS / "002_252018651c2d012b.txt"}
        {py % "ask"} -m chatbot ask --json "Où est basée la start-up Mistral AI ?" > {tmp_path}/ask.json
        {py % "serve"} -m chatbot serve --port 7871 > {tmp_path}/serve.log 2>&1 &
        tracer=$!
        for i in $(seq 1 120); do
          {sys.executable} -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7871/', timeout=2)" 2>/dev/null && break
          sleep 1
        done
        {sys.executable} -c "from gradio_client import Client; print(Client('http://127.0.0.1:7871/', verbose=False).predict('Sous quelle licence IBM publie-t-il ses modèles Granite ?', None, api_name='/ask')['answer'])" > {tmp_path}/page.txt
        pkill -TERM -P $tracer  # the server, child of its tracer
        wait $tracer || true
    """)
    done = subprocess.run(["unshare", "-n", "bash", "-c", script], capture_output=True, text=True,
                          env=dict(os.environ), timeout=600)
    log = tmp_path / "serve.log"
    assert done.returncode == 0, done.stderr[-3000:] + (log.read_text()[-2000:] if log.exists() else "")
    assert "Paris" in (tmp_path / "ask.json").read_text()
    assert "Apache" in (tmp_path / "page.txt").read_text()
    traces = {name: (tmp_path / f"connect.{name}").read_text() for name in ("ingest", "ask", "serve")}
    assert "connect(" in traces["serve"]  # the tracer saw the page's own loopback connections
    outside = [line for text in traces.values() for line in text.splitlines()
               if "connect(" in line and not _local(line)]
    assert outside == [], "the product tried to reach outside:\n" + "\n".join(outside)


def _local(line: str) -> bool:
    """A connect() to a local socket or to loopback."""
    if re.search(r"sa_family=AF_(UNIX|LOCAL|NETLINK)", line):
        return True
    addr = re.search(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', line)
    if addr is None:
        return "AF_UNSPEC" in line  # a disconnect, not a connection
    ip = addr.group(1) or addr.group(2)
    return ip.startswith("127.") or ip in ("::1", "::ffff:127.0.0.1")
