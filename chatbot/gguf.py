"""Read a GGUF file's header (metadata only) without loading the model.

Enough to list models, check a file before handing it to llama.cpp, and say clearly why a file
is not usable: truncated, not GGUF at all, or not a chat model.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from chatbot.errors import ModelError

# llama.cpp's LLAMA_FTYPE values for the common quantizations.
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 23: "IQ3_XXS", 25: "IQ4_NL",
    30: "IQ4_XS", 32: "BF16",
}

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    name: str
    architecture: str
    quantization: str
    context_length: int
    chat_template: str
    size: int

    @property
    def is_chat(self) -> bool:
        return bool(self.chat_template)


class _Reader:
    def __init__(self, f: BinaryIO) -> None:
        self.f = f

    def read(self, n: int) -> bytes:
        b = self.f.read(n)
        if len(b) != n:
            raise ModelError("truncated")
        return b

    def scalar(self, t: int) -> int | float | bool:
        fmt = _SCALARS[t]
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        (n,) = struct.unpack("<Q", self.read(8))
        if n > 1 << 26:
            raise ModelError("implausible string length")
        return self.read(n).decode("utf-8", errors="replace")

    def value(self, t: int) -> object:
        if t == 8:
            return self.string()
        if t == 9:
            (item_t,) = struct.unpack("<I", self.read(4))
            (count,) = struct.unpack("<Q", self.read(8))
            if item_t in _SCALARS:
                self.f.seek(count * struct.calcsize(_SCALARS[item_t]), 1)
            else:
                for _ in range(count):
                    self.value(item_t)
            return None
        if t not in _SCALARS:
            raise ModelError(f"unknown metadata type {t}")
        return self.scalar(t)


def read_info(path: Path) -> GGUFInfo:
    """The header of a GGUF file; ModelError naming the problem when it is not a usable one."""
    if not path.exists():
        raise ModelError(
            f"model file not found: {path}. Run `chatbot models pull` or give the path of a .gguf file."
        )
    size = path.stat().st_size
    meta: dict[str, object] = {}
    try:
        with path.open("rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelError(f"{path.name} is not a GGUF model file (wrong magic bytes).")
            r = _Reader(f)
            version, _tensors, kv_count = struct.unpack("<IQQ", r.read(20))
            if version < 2 or kv_count > 100_000:
                raise ModelError(f"{path.name}: unsupported GGUF version {version}.")
            for _ in range(kv_count):
                key = r.string()
                (t,) = struct.unpack("<I", r.read(4))
                meta[key] = r.value(t)
    except ModelError as e:
        if str(e) in ("truncated", "implausible string length") or str(e).startswith("unknown"):
            raise ModelError(
                f"{path.name} is truncated or corrupt ({e}). Delete it and provision it again "
                "(`chatbot models pull`)."
            ) from e
        raise
    except OSError as e:
        raise ModelError(f"cannot read {path}: {e.strerror}.") from e
    arch = str(meta.get("general.architecture", "?"))
    ftype = meta.get("general.file_type")
    return GGUFInfo(
        path=path,
        name=str(meta.get("general.name", path.stem)),
        architecture=arch,
        quantization=FILE_TYPES.get(ftype, str(ftype)) if isinstance(ftype, int) else "?",
        context_length=n if isinstance(n := meta.get(f"{arch}.context_length"), int) else 0,
        chat_template=str(meta.get("tokenizer.chat_template", "") or ""),
        size=size,
    )
