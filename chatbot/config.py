"""One typed settings object: CHATBOT_* environment variables, overridden by CLI flags.

Read once at the edge (CLI, UI start-up) and passed down; adapters never import this module.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatbot.catalogue import ARTIFACTS, DEFAULT_EMBEDDER, DEFAULT_LLM
from chatbot.errors import ConfigError


def project_root() -> Path:
    """The checkout the package lives in (editable install), else the current directory."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").is_file() else Path.cwd()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHATBOT_", extra="ignore")

    model: str = Field(DEFAULT_LLM, description="GGUF chat model: a known name or a path to a .gguf file")
    models_dir: Path = Field(project_root() / "models", description="where models are provisioned and listed")
    data_dir: Path = Field(project_root() / "data", description="where the index and the conversations live")
    embed_model: str = Field(
        DEFAULT_EMBEDDER,
        description="sentence-transformers model: a known name or a path to a local model folder",
    )
    n_ctx: int = Field(4096, ge=512, description="context size in tokens (capped by the model's own)")
    n_threads: int = Field(0, ge=0, description="threads for generation; 0: all cores")
    n_threads_batch: int = Field(0, ge=0, description="threads for prompt processing; 0: all cores")
    n_batch: int = Field(512, ge=16, description="prompt-processing batch size")
    flash_attn: bool = Field(
        False, description="llama.cpp's fused attention: on 2 CPU cores prompts read 1-4 % faster, "
        "the same answers; worth trying on a GPU"
    )
    n_gpu_layers: int = Field(
        -2, ge=-2, description="layers offloaded to the GPU; -1 all, 0 none, -2 auto (all on a GPU build)"
    )
    cpu_repack: bool = Field(
        False, description="llama.cpp's CPU weight repacking (a second copy of the weights; "
        "measured: no faster here, +600 MiB)",
    )
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="sampling temperature")
    max_tokens: int = Field(320, ge=16, description="maximum answer length in tokens")
    seed: int = Field(0, description="sampling seed")
    chunk_size: int = Field(800, ge=100, description="target passage size in characters")
    chunk_overlap: int = Field(1, ge=0, le=3, description="sentences repeated between neighbouring passages")
    top_k: int = Field(4, ge=1, le=20, description="passages retrieved for the model")
    context_chars: int = Field(
        500, ge=100, description="characters of those passages the model reads (best sentences first)"
    )
    excerpts_by_meaning: bool = Field(
        True, description="choose the excerpts' sentences by their meaning too (each passage's sentences "
        "embedded at indexing by the encoder's int8 graph, indexing about 1.3× longer; a sentence close to the question in "
        "meaning is shown though it shares few of its words)",
    )
    lexical_weight: float = Field(1.0, ge=0.0, description="weight of the lexical ranking in the fusion")
    dense_weight: float = Field(1.0, ge=0.0, description="weight of the dense ranking in the fusion")
    rrf_k: int = Field(5, ge=1, description="reciprocal-rank fusion constant: lower favours each ranking's top")
    min_dense: float = Field(
        0.18, ge=0.0, le=1.0,
        description="relevance gate: when the best passage's cosine similarity is below this and "
        "few question terms occur in it, the answer is declined without calling the model",
    )
    check_claims: bool = Field(
        True, description="retract an answer a sentence of which does not stand on the passage it "
        "cites (its names, numbers and the entity asked about found together there)",
    )
    max_decline_p: float = Field(
        0.08, ge=0.0, le=1.0,
        description="decline when the model gave at least this probability to declining at the "
        "answer's first token (1 turns it off)",
    )
    speculate: bool = Field(
        True, description="in the page, read a question's excerpts while it is typed: the first "
        "word comes sooner after Enter (the same answer), for CPU while typing",
    )
    host: str = Field("127.0.0.1", description="address the page binds to")
    port: int = Field(7860, ge=1, le=65535, description="port the page listens on")
    auth: str = Field("", description="user:password (several: comma-separated) required by the page, "
                      "each user with conversations of their own (mandatory off loopback)")
    chroma_url: str = Field("", description="use a Chroma server at this URL instead of the embedded store")
    chroma_token: str = Field("", description="bearer token for the Chroma server, if it wants one")
    llm_url: str = Field(
        "", description="use an OpenAI-compatible chat server at this URL (…/v1) instead of the GGUF model"
    )
    llm_model: str = Field("", description="model name on that server (default: the first it lists)")
    llm_api_key: str = Field("", description="API key for that server, if it wants one")

    def model_path(self) -> Path:
        return resolve_model(self.model, self.models_dir)

    def embed_path(self) -> Path:
        return resolve_embedder(self.embed_model, self.models_dir)

    def threads(self) -> tuple[int, int]:
        cores = os.cpu_count() or 1
        return (self.n_threads or cores, self.n_threads_batch or cores)

    def public(self) -> dict:
        data = self.model_dump(mode="json")
        for secret in ("auth", "chroma_token", "llm_api_key"):
            if data[secret]:
                data[secret] = "***"
        return data


def resolve_model(model: str, models_dir: Path) -> Path:
    """A known model name maps to its file in models_dir; anything else is a path."""
    if model in ARTIFACTS and ARTIFACTS[model].kind == "gguf":
        return models_dir / ARTIFACTS[model].target
    p = Path(model).expanduser()
    if not p.suffix and not p.exists() and (models_dir / f"{model}.gguf").exists():
        return models_dir / f"{model}.gguf"
    if p.suffix != ".gguf" and not p.exists():
        raise ConfigError(
            f"unknown model '{model}': give a path to a .gguf file or one of "
            f"{', '.join(n for n, a in ARTIFACTS.items() if a.kind == 'gguf')}."
        )
    return p


def resolve_embedder(name: str, models_dir: Path) -> Path:
    if name in ARTIFACTS and ARTIFACTS[name].kind == "embedder":
        return models_dir / ARTIFACTS[name].target
    p = Path(name).expanduser()
    if not p.is_dir():
        known = ", ".join(n for n, a in ARTIFACTS.items() if a.kind == "embedder")
        raise ConfigError(
            f"embedding model '{name}' is neither a known name ({known}) "
            "nor a local sentence-transformers model folder."
        )
    return p
