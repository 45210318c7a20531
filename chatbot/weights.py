"""Reading a safetensors weights file without loading it: its header, an identity for it, and the
rows of one float32 matrix, read as they are needed (no torch, no memory map)."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def safetensors_header(path: Path) -> bytes | None:
    """The JSON header of a safetensors file (it opens with the header's length, a u64)."""
    try:
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            if n > 1 << 26:  # not a safetensors header
                return None
            raw = f.read(n)
    except (OSError, struct.error):
        return None
    return raw if len(raw) == n else None


def weights_id(path: Path) -> str | None:
    """Size and header digest of model.safetensors: what the export was made from, read in 1 ms."""
    f_path = path / "model.safetensors"
    head = safetensors_header(f_path)
    if head is None:
        return None
    return f"{f_path.stat().st_size}:{hashlib.sha256(head).hexdigest()}"


class FileRows:
    """Rows of a float32 matrix stored at a known offset of a file, cached once read."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, int]) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._offset = offset
        self.shape = shape
        self._row_bytes = shape[1] * 4
        self._cache: dict[int, np.ndarray] = {}

    @classmethod
    def open(cls, path: Path, shape: tuple[int, int]) -> FileRows | None:
        """Find the tensor of this shape in a safetensors file."""
        raw = safetensors_header(path)
        if raw is None:
            return None
        try:
            header = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(header, dict):
            return None
        found = [
            v for k, v in header.items()
            if k != "__metadata__" and v.get("dtype") == "F32" and tuple(v.get("shape", ())) == shape
        ]
        if len(found) != 1:
            return None
        start, end = found[0]["data_offsets"]
        if end - start != shape[0] * shape[1] * 4:
            return None
        return cls(path, 8 + len(raw) + start, shape)

    def read(self, ids: Sequence[int]) -> np.ndarray:
        out = np.empty((len(ids), self.shape[1]), dtype=np.float32)
        for j, i in enumerate(ids):
            row = self._cache.get(i)
            if row is None:
                data = os.pread(self._fd, self._row_bytes, self._offset + i * self._row_bytes)
                row = self._cache[i] = np.frombuffer(data, dtype=np.float32)
            out[j] = row
        return out
