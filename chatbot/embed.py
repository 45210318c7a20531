"""The sentence-transformers adapter: the only module that imports it (or ONNX Runtime).

Models are loaded from a local folder only (offline: no hub look-up). Where the model defines
retrieval prompts (EmbeddingGemma: `task: search result | query: ` and `title: none | text: `),
queries and documents get their own, with the document's title in place of `none`.

Two back ends give the same vectors (cosine > 0.9999, checked when exporting):
- sentence-transformers on torch, for any model folder;
- ONNX Runtime over a graph that `chatbot models pull` exports from sentence-transformers into
  the model's `onnx/` folder (transformer, mean pooling, dense layers, normalisation; the token
  table stays in model.safetensors, read row by row). Measured here with EmbeddingGemma on
  2 cores: a query in 50 ms instead of 141, passages 1.4x faster, and no torch in the process.
`load_embedder` takes the export when it matches the weights, sentence-transformers otherwise.

Queries are what a user waits for: `quantize_queries` adds an int8 copy of the exported graph
(ONNX Runtime's dynamic quantization, weights per channel in 7 bits) that encodes questions only,
where `chatbot models pull` knows it pays (EmbeddingGemma; all-MiniLM lost a dense hit@1 for
1.5 ms). Passages keep the float32 graph, so an index never mixes the two and needs no rebuild.
Measured here with EmbeddingGemma on the project's 68 questions: a query in 40-49 ms instead of 60-80,
cosine to the float32 vector 0.983 at worst, and the same ranks (fused and dense alone: hit@1/3/5
and MRR unchanged). 8-bit weights over the full range broke it on this CPU (AVX2 without VNNI
saturates: cosine 0.43); 4-bit weight-only blocks were slower and further off (0.96).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from chatbot.domain import Passage
from chatbot.errors import ConfigError

ONNX_DIR = "onnx"
ONNX_GRAPH = "chatbot-encoder.onnx"
ONNX_STAMP = "chatbot-encoder.json"
QUERY_GRAPH = "chatbot-query-int8.onnx"
QUERY_STAMP = "chatbot-query-int8.json"
QUERY_MIN_COSINE = 0.97  # the int8 query vector against the float32 one, on every probe
EXPORT_VERSION = 1
DOC_BATCH = 4  # ONNX Runtime, 2 cores, 800-character passages: 3.4 passages/s at 4, 2.7 at 16


def load_embedder(path: Path, *, max_seq_length: int = 256):
    """The ONNX Runtime encoder where an export matches the weights, else sentence-transformers."""
    _check_folder(path)
    stamp = export_stamp(path)
    if stamp is not None:
        return OnnxEmbedder(path, stamp, max_seq_length=max_seq_length)
    return SentenceEmbedder(path, max_seq_length=max_seq_length)


def _check_folder(path: Path) -> None:
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ConfigError(
            f"{path} is not a sentence-transformers model folder. "
            "Run `chatbot models pull` or set CHATBOT_EMBED_MODEL to a local model folder."
        )


class SentenceEmbedder:
    """Embeds passages and queries into unit vectors (cosine similarity is a dot product)."""

    def __init__(self, path: Path, *, max_seq_length: int = 256, device: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        _check_folder(path)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # "Loading weights" bars on every start
        hf_logging.set_verbosity_error()

        try:
            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot load the embedding model in {path}: {e}") from e
        self._model.max_seq_length = min(max_seq_length, self._model.max_seq_length or max_seq_length)
        self.name = path.name
        self.backend = "sentence-transformers"
        self.dim = int(self._model.get_embedding_dimension())
        _read_token_rows_from_file(self._model, path)
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = prompts.get("query", "")
        self._doc_prompt = prompts.get("document", "")

    def embed_documents(self, passages: Sequence[Passage]) -> np.ndarray:
        if not passages:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            [_doc_text(self._doc_prompt, p) for p in passages],
            batch_size=16,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vec = self._model.encode(
            [self._query_prompt + text], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vec[0], dtype=np.float32)


def _doc_text(prompt: str, p: Passage) -> str:
    if "title: none" in prompt and p.title:
        prompt = prompt.replace("title: none", f"title: {p.title}")
    return prompt + p.text


class OnnxEmbedder:
    """The exported encoder on ONNX Runtime: tokenizer, token rows from the file, one graph for
    passages and, where `quantize_queries` made it, a smaller one for queries.

    The passage graph loads at the first passage to encode: a chat that only asks questions never
    holds it (EmbeddingGemma: 426 MB, about a second of start-up)."""

    def __init__(self, path: Path, stamp: dict, *, max_seq_length: int = 256,
                 folder: Path | None = None, int8_queries: bool = True) -> None:
        from tokenizers import Tokenizer

        folder = folder or path / ONNX_DIR  # another folder: an export being checked
        self._folder = folder
        self._path = path
        try:
            self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as e:  # tokenizers raises its own exception types
            raise self._broken(e) from e
        self._tok.no_padding()
        self._tok.enable_truncation(min(max_seq_length, stamp["max_seq_length"]))
        rows = _FileRows.open(path / "model.safetensors", tuple(stamp["table_shape"]))
        if rows is None:
            raise ConfigError(f"{path / 'model.safetensors'} does not hold the token table it did.")
        self._rows, self._scale = rows, stamp["table_scale"]
        self._pad = stamp["pad_id"]
        self.name = path.name
        self.dim = int(stamp["dim"])
        self._query_prompt = stamp["prompts"].get("query", "")
        self._doc_prompt = stamp["prompts"].get("document", "")
        self._docs = None
        quantized = int8_queries and query_stamp(folder, stamp) is not None
        self._queries = self._session(folder / (QUERY_GRAPH if quantized else ONNX_GRAPH))
        if not quantized:
            self._docs = self._queries
        self.backend = "onnxruntime, int8 queries" if quantized else "onnxruntime"

    def _broken(self, e: Exception) -> ConfigError:
        return ConfigError(
            f"cannot load the exported encoder in {self._folder}: {e}. "
            f"Delete {self._folder} and run `chatbot models pull {self._path.name}` again."
        )

    def _session(self, graph: Path):
        ort = _onnxruntime()
        try:
            options = ort.SessionOptions()
            options.log_severity_level = 3
            # threads busy-wait between the graph's steps (a query: 35 -> 30 ms p50) but stop as
            # each call returns: llama.cpp needs those cores next (measured: 0 ms of CPU in the
            # 50 ms after a call; 40 ms when spinning is simply allowed)
            options.add_session_config_entry("session.intra_op.allow_spinning", "1")
            options.add_session_config_entry("session.force_spinning_stop", "1")
            return ort.InferenceSession(
                str(graph), options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own exception types
            raise self._broken(e) from e

    def _encode(self, texts: Sequence[str], session) -> np.ndarray:
        encs = self._tok.encode_batch(list(texts))
        width = max(len(e.ids) for e in encs)
        ids = np.full((len(encs), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(encs), width), dtype=np.int64)
        for i, e in enumerate(encs):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        x = self._rows.read(ids.reshape(-1).tolist()).reshape(*ids.shape, -1)
        if self._scale is not None:
            x = x * np.float32(self._scale)
        return session.run(None, {"inputs_embeds": x, "attention_mask": mask})[0]

    def _encode_sorted(self, texts: list[str], batch_size: int) -> np.ndarray:
        if self._docs is None:
            self._docs = self._session(self._folder / ONNX_GRAPH)
        # batches of similar length: padding costs as much as text
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for s in range(0, len(texts), batch_size):
            idx = order[s : s + batch_size]
            out[idx] = self._encode([texts[i] for i in idx], self._docs)
        return out

    def embed_documents(self, passages: Sequence[Passage]) -> np.ndarray:
        if not passages:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [_doc_text(self._doc_prompt, p) for p in passages]
        return self._encode_sorted(texts, DOC_BATCH)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prompt + text], self._queries)[0]


def _onnxruntime():
    """ONNX Runtime with its telemetry off (1.29+ reports to Microsoft from Linux too, unless told
    before its first session; found by the offline test's connection trace)."""
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import onnxruntime

    return onnxruntime


def _safetensors_header(path: Path) -> bytes | None:
    """The JSON header of a safetensors file (it opens with the header's length, a u64)."""
    import struct

    try:
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            if n > 1 << 26:  # not a safetensors header
                return None
            raw = f.read(n)
    except (OSError, struct.error):
        return None
    return raw if len(raw) == n else None


def _weights_id(path: Path) -> str | None:
    """Size and header digest of model.safetensors: what the export was made from, read in 1 ms."""
    import hashlib

    f_path = path / "model.safetensors"
    head = _safetensors_header(f_path)
    if head is None:
        return None
    return f"{f_path.stat().st_size}:{hashlib.sha256(head).hexdigest()}"


def export_stamp(path: Path) -> dict | None:
    """The export's description when it exists and was made from these weights."""
    import json

    try:
        stamp = json.loads((path / ONNX_DIR / ONNX_STAMP).read_text())
    except (OSError, ValueError):
        return None
    ok = (
        isinstance(stamp, dict)
        and stamp.get("version") == EXPORT_VERSION
        and stamp.get("weights") == _weights_id(path)
        and (path / ONNX_DIR / ONNX_GRAPH).is_file()
    )
    return stamp if ok else None


def query_stamp(folder: Path, stamp: dict) -> dict | None:
    """The int8 query graph's description when it was made from this export."""
    import json

    try:
        q = json.loads((folder / QUERY_STAMP).read_text())
    except (OSError, ValueError):
        return None
    ok = isinstance(q, dict) and q.get("weights") == stamp.get("weights") and (folder / QUERY_GRAPH).is_file()
    return q if ok else None


QUERY_PROBES = [  # questions as users ask them, French and English, short and long
    "Qui a publié Mistral 7B ?",
    "Sous quelle licence IBM publie-t-il ses modèles Granite 3.0 ?",
    "Quels risques les chercheurs associent-ils à la publication des poids d'un modèle ?",
    "Quelle est la différence entre un modèle ouvert et un modèle open source selon l'OSI ?",
    "Combien de paramètres compte le plus grand modèle Llama publié par Meta en 2024 ?",
    "Which company released the first open-weight model mentioned in the article?",
    "Et lui, quel poste occupe-t-il ?",
    "Qu'est-ce que l'IA générative ?",
]


def quantize_queries(path: Path) -> float | None:
    """Add the int8 query graph next to the export; the worst cosine to float32, None if refused.

    A no-op when it is there. The graph is kept only where every probe question's vector stays
    within QUERY_MIN_COSINE of the float32 one; written beside, then renamed, the stamp last.
    """
    import json
    import tempfile

    stamp = export_stamp(path)
    if stamp is None:
        return None
    folder = path / ONNX_DIR
    done = query_stamp(folder, stamp)
    if done is not None:
        return float(done["min_cosine"])
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    with tempfile.TemporaryDirectory(prefix=".quantize-", dir=folder) as tmp:
        tmpdir = Path(tmp)
        root.setLevel(logging.ERROR)  # its advice to pre-process the graph, printed as a warning
        try:
            quantize_dynamic(folder / ONNX_GRAPH, tmpdir / QUERY_GRAPH, weight_type=QuantType.QInt8,
                             per_channel=True, reduce_range=True)
        except Exception as e:  # onnx and onnxruntime raise their own exception types
            raise ConfigError(f"ONNX Runtime could not quantize {folder / ONNX_GRAPH}: {e}") from e
        finally:
            root.setLevel(level)
        probe = OnnxEmbedder(path, stamp, int8_queries=False)
        want = np.vstack([probe.embed_query(q) for q in QUERY_PROBES])
        probe._queries = probe._session(tmpdir / QUERY_GRAPH)
        got = np.vstack([probe.embed_query(q) for q in QUERY_PROBES])
        worst = float(np.min(np.sum(got * want, axis=1)))
        if worst < QUERY_MIN_COSINE:
            return None
        (tmpdir / QUERY_STAMP).write_text(json.dumps(
            {"weights": stamp["weights"], "min_cosine": round(worst, 5), "probes": len(QUERY_PROBES)}
        ))
        os.replace(tmpdir / QUERY_GRAPH, folder / QUERY_GRAPH)
        os.replace(tmpdir / QUERY_STAMP, folder / QUERY_STAMP)
    return round(worst, 5)  # what the stamp holds, so a later no-op call says the same


def export_onnx(path: Path) -> bool:
    """Export the model's encoder for ONNX Runtime into path/onnx; False if its shape is not ours.

    The graph takes token vectors and the attention mask and returns unit sentence vectors; it is
    checked against sentence-transformers on sample texts before it is put in place.
    """
    import json
    import shutil
    import tempfile
    import warnings

    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    if export_stamp(path) is not None:
        return True
    _check_folder(path)
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    encoder = _export_module(st)
    table = st[0].auto_model.get_input_embeddings()
    shape = tuple(getattr(table, "weight", torch.empty(0)).shape)
    rows = _FileRows.open(path / "model.safetensors", shape) if len(shape) == 2 else None
    if encoder is None or rows is None:
        return False
    scale = getattr(table, "embed_scale", None)
    stamp = {
        "version": EXPORT_VERSION, "weights": _weights_id(path), "dim": int(st.get_embedding_dimension()),
        "max_seq_length": int(st.max_seq_length or 512), "table_shape": list(shape),
        "table_scale": None if scale is None else float(scale),
        "pad_id": int(st.tokenizer.pad_token_id or 0), "prompts": dict(st.prompts or {}),
        "torch": torch.__version__,
    }
    path.joinpath(ONNX_DIR).mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=path / ONNX_DIR) as tmp:
        tmpdir = Path(tmp)
        sample = st.tokenizer(["a b", "c"], return_tensors="pt", padding=True)
        with torch.inference_mode():
            x = table(sample["input_ids"])
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on Python branches it froze
            torch.onnx.export(
                encoder, (x, sample["attention_mask"]), str(tmpdir / ONNX_GRAPH),
                input_names=["inputs_embeds", "attention_mask"], output_names=["embedding"],
                dynamic_axes={"inputs_embeds": {0: "batch", 1: "tokens"},
                              "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
                opset_version=17, dynamo=False,
            )
        tok = st.tokenizer.backend_tokenizer
        tok.no_padding()
        tok.no_truncation()
        (tmpdir / "tokenizer.json").write_text(tok.to_str())
        (tmpdir / ONNX_STAMP).write_text(json.dumps(stamp, indent=1))
        _check_export(st, path, tmpdir, stamp)
        for name in (ONNX_GRAPH, "tokenizer.json", ONNX_STAMP):  # the stamp last: it says "done"
            os.replace(tmpdir / name, path / ONNX_DIR / name)
    shutil.rmtree(path / ONNX_DIR / "__pycache__", ignore_errors=True)
    return True


def _check_export(st, path: Path, folder: Path, stamp: dict) -> None:
    """The export must give sentence-transformers' vectors, short texts and truncated long ones."""
    probes = [
        Passage(id="p0", doc="probe", position=0, start=0, end=0, title="Probe",
                text="Mistral AI a publié Mistral 7B sous licence Apache 2.0."),
        Passage(id="p1", doc="probe", position=1, start=0, end=0, text="Le modèle " * 700),
    ]
    twin = OnnxEmbedder(path, stamp, max_seq_length=stamp["max_seq_length"], folder=folder)
    got = np.vstack([twin.embed_documents(probes), twin.embed_query("Qui a publié Mistral 7B ?")[None]])
    want = np.vstack([
        st.encode([_doc_text(twin._doc_prompt, p) for p in probes], normalize_embeddings=True),
        st.encode([twin._query_prompt + "Qui a publié Mistral 7B ?"], normalize_embeddings=True),
    ])
    worst = float(np.min(np.sum(got * want, axis=1)))
    if worst < 0.9999:
        raise ConfigError(f"the ONNX export of {path.name} differs from sentence-transformers "
                          f"(cosine {worst:.5f}); it was not kept.")


def _export_module(st):
    """Transformer -> mean pooling -> dense layers -> normalisation as one torch module, or None."""
    import torch

    mods = list(st)
    kinds = [type(m).__name__ for m in mods]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k not in ("Dense", "Normalize") for k in kinds[2:]):
        return None
    if mods[1].get_config_dict().get("pooling_mode") != "mean":
        return None
    dense = []
    for m in mods[2:]:
        if isinstance(m, torch.nn.Module) and type(m).__name__ == "Dense":
            if not isinstance(m.activation_function, torch.nn.Identity):
                return None
            dense.append(m.linear)
    normalize = kinds[-1] == "Normalize"
    auto = mods[0].auto_model
    bidirectional = getattr(auto.config, "use_bidirectional_attention", None)
    window = getattr(auto.config, "sliding_window", None)
    if bidirectional is False:
        return None  # a causal mask is not what we pass below
    if window:  # within the window, Gemma's sliding attention sees what full attention sees
        st.max_seq_length = min(st.max_seq_length or window, window)

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.auto = auto
            self.dense = torch.nn.ModuleList(dense)

        def forward(self, inputs_embeds, attention_mask):
            mask = attention_mask
            if bidirectional:  # Gemma's layers take their mask per attention kind
                full = attention_mask[:, None, None, :].bool()
                mask = {"full_attention": full, "sliding_attention": full}
            h = self.auto(inputs_embeds=inputs_embeds, attention_mask=mask, use_cache=False).last_hidden_state
            w = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * w).sum(1) / w.sum(1).clamp(min=1e-9)
            for layer in self.dense:
                v = layer(v)
            return torch.nn.functional.normalize(v, dim=-1) if normalize else v

    return Encoder().eval()


def _read_token_rows_from_file(model, folder: Path) -> None:
    """Serve the token-embedding table from the weights file, row by row, as tokens occur.

    EmbeddingGemma's table is 262,144 x 768 float32 (805 MB) and a French corpus uses a few
    thousand rows of it. Memory-mapped, each touched row faults in a large folio of neighbours
    (measured here: +235 MiB resident after the seeds' 1,538 distinct tokens, +620 MiB in the
    whole app); read with pread, the rows in use cost 3 KiB each. Same numbers, same vectors.
    Any model whose table is not a plain float32 tensor in model.safetensors is left as it is.
    """
    import torch

    try:
        auto = model[0].auto_model
        table = auto.get_input_embeddings()
    except (AttributeError, IndexError, TypeError, NotImplementedError):
        return
    weight = getattr(table, "weight", None)
    if not isinstance(table, torch.nn.Embedding) or weight is None or weight.dtype != torch.float32:
        return
    rows = _FileRows.open(folder / "model.safetensors", tuple(weight.shape))
    if rows is None or not all(
        np.array_equal(rows.read([i])[0], weight[i].detach().numpy()) for i in (0, weight.shape[0] - 1)
    ):
        return
    auto.set_input_embeddings(_row_lookup(rows, getattr(table, "embed_scale", None)))


class _FileRows:
    """Rows of a float32 matrix stored at a known offset of a file, cached once read."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, int]) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._offset = offset
        self.shape = shape
        self._row_bytes = shape[1] * 4
        self._cache: dict[int, np.ndarray] = {}

    @classmethod
    def open(cls, path: Path, shape: tuple[int, int]) -> _FileRows | None:
        """Find the tensor of this shape in a safetensors file."""
        import json

        raw = _safetensors_header(path)
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

    def read(self, ids) -> np.ndarray:
        out = np.empty((len(ids), self.shape[1]), dtype=np.float32)
        for j, i in enumerate(ids):
            row = self._cache.get(i)
            if row is None:
                data = os.pread(self._fd, self._row_bytes, self._offset + i * self._row_bytes)
                row = self._cache[i] = np.frombuffer(data, dtype=np.float32)
            out[j] = row
        return out


def _row_lookup(rows: _FileRows, scale):
    """The embedding layer over those rows (defined here: torch is imported only when needed)."""
    import torch

    class RowLookup(torch.nn.Module):
        def __init__(self, rows: _FileRows, scale) -> None:
            super().__init__()
            self.rows = rows
            self.num_embeddings, self.embedding_dim = rows.shape
            self.scale = None if scale is None else float(scale)

        def forward(self, input_ids):
            uniq, inverse = torch.unique(input_ids, return_inverse=True)
            table = torch.from_numpy(self.rows.read(uniq.tolist()))
            out = table[inverse]
            return out * self.scale if self.scale is not None else out

    return RowLookup(rows, scale)
