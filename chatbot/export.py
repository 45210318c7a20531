"""Made once, by `chatbot models pull`: the ONNX export of a sentence-transformers encoder and its
int8 query graph, each checked against the model before it is kept.

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

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.domain import Passage
from chatbot.embed import (
    EXPORT_VERSION,
    ONNX_DIR,
    ONNX_GRAPH,
    ONNX_STAMP,
    QUERY_GRAPH,
    QUERY_STAMP,
    OnnxEmbedder,
    check_folder,
    doc_text,
    export_stamp,
    query_stamp,
)
from chatbot.errors import ConfigError
from chatbot.weights import FileRows, weights_id

QUERY_MIN_COSINE = 0.97  # the int8 query vector against the float32 one, on every probe


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
    stamp = export_stamp(path)
    if stamp is None:
        return None
    folder = path / ONNX_DIR
    done = query_stamp(folder, stamp)
    if done is not None:
        return float(done["min_cosine"])
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
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    if export_stamp(path) is not None:
        return True
    check_folder(path)
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    encoder = _export_module(st)
    table = st[0].auto_model.get_input_embeddings()
    shape = tuple(getattr(table, "weight", torch.empty(0)).shape)
    rows = FileRows.open(path / "model.safetensors", shape) if len(shape) == 2 else None
    if encoder is None or rows is None:
        return False
    scale = getattr(table, "embed_scale", None)
    stamp = {
        "version": EXPORT_VERSION, "weights": weights_id(path), "dim": int(st.get_embedding_dimension()),
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


def _check_export(st: Any, path: Path, folder: Path, stamp: dict) -> None:
    """The export must give sentence-transformers' vectors, short texts and truncated long ones."""
    probes = [
        Passage(id="p0", doc="probe", position=0, start=0, end=0, title="Probe",
                text="Mistral AI a publié Mistral 7B sous licence Apache 2.0."),
        Passage(id="p1", doc="probe", position=1, start=0, end=0, text="Le modèle " * 700),
    ]
    twin = OnnxEmbedder(path, stamp, max_seq_length=stamp["max_seq_length"], folder=folder)
    got = np.vstack([twin.embed_documents(probes), twin.embed_query("Qui a publié Mistral 7B ?")[None]])
    want = np.vstack([
        st.encode([doc_text(twin._doc_prompt, p) for p in probes], normalize_embeddings=True),
        st.encode([twin._query_prompt + "Qui a publié Mistral 7B ?"], normalize_embeddings=True),
    ])
    worst = float(np.min(np.sum(got * want, axis=1)))
    if worst < 0.9999:
        raise ConfigError(f"the ONNX export of {path.name} differs from sentence-transformers "
                          f"(cosine {worst:.5f}); it was not kept.")


def _export_module(st: Any) -> Any:
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

        def forward(self, inputs_embeds: Any, attention_mask: Any) -> Any:
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
