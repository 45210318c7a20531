"""Provisioning through a stand-in for pip that serves wheels from a folder (real zips, real hashes)."""

import hashlib
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

from chatbot.errors import ProvisionError
from chatbot.provision import ARTIFACTS, Artifact, Part, is_present, pull

FAKE_PIP = """
import shutil, sys, json, pathlib
args = sys.argv[1:]
dest = pathlib.Path(args[args.index("-d") + 1])
spec = args[-1]
log = pathlib.Path(sys.argv[0]).with_suffix(".log")
log.open("a").write(spec + "\\n")
src = pathlib.Path(sys.argv[0]).parent / "index" / (spec.replace("==", "-") + ".whl")
if not src.exists():
    print("ERROR: No matching distribution found for " + spec, file=sys.stderr); sys.exit(1)
dest.mkdir(parents=True, exist_ok=True)
shutil.copy(src, dest / src.name)
"""


@pytest.fixture
def index(tmp_path):
    """A folder of wheels, a fake pip serving it, and the log of what it served."""
    (tmp_path / "index").mkdir()
    script = tmp_path / "pip.py"
    script.write_text(FAKE_PIP)
    return tmp_path, [sys.executable, str(script)], script.with_suffix(".log")


def _wheel(folder: Path, package: str, version: str, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(folder / "index" / f"{package}-{version}.whl", "w") as z:
        z.writestr(f"{package.replace('-', '_')}/__init__.py", "raise SystemExit('never import me')")
        for name, data in members.items():
            z.writestr(name, data)


def _split_artifact(tmp: Path, data: bytes, *, sha: str | None = None) -> Artifact:
    parts = []
    for i, chunk in enumerate([data[:100], data[100:]], 1):
        pkg = f"weights-part{i}"
        _wheel(tmp, pkg, "1.0", {f"weights_part{i}/data/part{i:02d}.bin": chunk})
        parts.append(Part(pkg, "1.0", f"weights_part{i}/data/part{i:02d}.bin"))
    return Artifact(
        name="tiny", kind="gguf", target="tiny.gguf", parts=tuple(parts), size=len(data),
        sha256=sha or hashlib.sha256(data).hexdigest(), licence="test",
    )


def test_pull_assembles_verifies_and_then_is_a_no_op(index, tmp_path):
    folder, pip, log = index
    data = bytes(range(256)) * 3
    art = _split_artifact(folder, data)
    models = tmp_path / "models"
    messages = []
    target = pull("tiny", models, pip=pip, artifact=art, progress=messages.append)
    assert target.read_bytes() == data
    assert any("part 2/2" in m for m in messages)  # progress was shown
    assert is_present(models, art)
    assert sorted(p.name for p in models.iterdir()) == [".tiny.gguf.verified.json", "tiny.gguf"]
    served = log.read_text().splitlines()
    pull("tiny", models, pip=pip, artifact=art, progress=messages.append)
    assert log.read_text().splitlines() == served  # nothing downloaded the second time
    assert "already" in messages[-1]


def test_a_hash_mismatch_is_refused_and_nothing_is_left(index, tmp_path):
    folder, pip, _ = index
    art = _split_artifact(folder, b"x" * 300, sha="0" * 64)
    models = tmp_path / "models"
    with pytest.raises(ProvisionError, match="does not match"):
        pull("tiny", models, pip=pip, artifact=art, progress=lambda m: None)
    assert list(models.iterdir()) == []  # no partial file, no temporary folder


def test_a_changed_file_in_place_is_detected_and_replaced(index, tmp_path):
    folder, pip, _ = index
    data = b"abc" * 100
    art = _split_artifact(folder, data)
    models = tmp_path / "models"
    pull("tiny", models, pip=pip, artifact=art, progress=lambda m: None)
    (models / "tiny.gguf").write_bytes(b"corrupted")
    assert not is_present(models, art)
    pull("tiny", models, pip=pip, artifact=art, progress=lambda m: None)
    assert (models / "tiny.gguf").read_bytes() == data


def test_a_zipped_model_folder_is_extracted_and_checked(index, tmp_path):
    folder, pip, _ = index
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("model_download/config.json", json.dumps({"a": 1}))
        z.writestr("model_download/model.safetensors", b"weights")
        z.writestr("elsewhere/ignored.txt", b"no")
    blob = buf.getvalue()
    _wheel(folder, "chunky", "0.1", {"chunky/chunk.bin": blob})
    art = Artifact(
        name="emb", kind="embedder", target="emb", parts=(Part("chunky", "0.1", "chunky/chunk.bin"),),
        size=len(blob), sha256=hashlib.sha256(blob).hexdigest(), licence="test",
        unzip="model_download/", check=("model.safetensors", hashlib.sha256(b"weights").hexdigest()),
    )
    target = pull("emb", tmp_path / "models", pip=pip, artifact=art, progress=lambda m: None)
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.safetensors"]


def test_unknown_name_and_unreachable_package_are_clear_errors(index, tmp_path):
    _, pip, _ = index
    with pytest.raises(ProvisionError, match="unknown model 'nope'.*Known models"):
        pull("nope", tmp_path, pip=pip)
    art = Artifact(name="gone", kind="gguf", target="gone.gguf",
                   parts=(Part("missing-pkg", "9.9", "x"),), size=1, sha256="0" * 64, licence="t")
    with pytest.raises(ProvisionError, match="could not download missing-pkg==9.9"):
        pull("gone", tmp_path / "m", pip=pip, artifact=art, progress=lambda m: None)


def test_weight_packages_are_never_installed_or_imported():
    for art in ARTIFACTS.values():
        for part in art.parts:
            module = part.package.replace("-", "_")
            assert module not in sys.modules
            assert importlib.util.find_spec(module) is None, f"{part.package} is installed"


@pytest.mark.model  # `make test` pulls the small chat model; `make test-fast` does not
def test_the_provisioned_models_match_their_pins():
    root = Path(__file__).resolve().parent.parent / "models"
    for name in ("qwen2.5-coder-0.5b-instruct-q4_k_m", "embeddinggemma-300m"):
        assert is_present(root, ARTIFACTS[name]), f"{name} is not provisioned and verified"
