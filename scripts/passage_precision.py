"""Passage encoding in lighter precisions on this CPU: speed, closeness to float32, and retrieval.

For EmbeddingGemma's exported graph, compares the float32 passage graph with int8 graphs made by
ONNX Runtime's dynamic quantisation (per channel; 7-bit weights as the query graph uses, and full
8-bit, which CPUs without AVX-512 VNNI saturate). Each encodes the seeds' passages (alternating
runs, the best of three timed) and the project's questions are searched over the vectors each one
gives, dense alone and fused: hit@1, hit@5, MRR.

    python scripts/passage_precision.py [QUESTIONS.jsonl …]   # needs `make models`; ~2 min a set
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from chatbot.app import App
    from chatbot.config import Settings
    from chatbot.embed import ONNX_GRAPH, QUERY_GRAPH
    from chatbot.evaluate import load_questions, retrieval_figures

    flags = sorted(set(Path("/proc/cpuinfo").read_text().split()) & {"avx2", "avx512_vnni", "avx512_bf16", "amx_tile", "avx_vnni"})
    with tempfile.TemporaryDirectory() as d:
        app = App(Settings(data_dir=Path(d)))
        app.ingest([ROOT / "seeds"])
        passages, f32, _ = app.store().load()
        emb = app.embedder()
        folder = emb._folder
        graphs = {"float32": folder / ONNX_GRAPH, "int8 (7-bit, per channel)": folder / QUERY_GRAPH}
        full = Path(d) / "int8-full.onnx"
        quantize_dynamic(folder / ONNX_GRAPH, full, weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=False)
        graphs["int8 (8-bit, per channel)"] = full
        sessions = {name: emb._session(g) for name, g in graphs.items()}
        sets = [Path(a) for a in sys.argv[1:]] or [ROOT / "tests" / "eval" / "questions.jsonl"]
        items = [it for path in sets for it in load_questions(path)]
        best = {name: float("inf") for name in sessions}
        vectors = {}
        for _ in range(3):  # alternating, so that a busy moment hits every variant alike
            for name, session in sessions.items():
                emb._docs = session
                emb.embed_documents(passages[:4])
                t0 = time.perf_counter()
                vectors[name] = emb.embed_documents(passages)
                best[name] = min(best[name], time.perf_counter() - t0)
        out = {"cpu": flags, "passages": len(passages), "questions": [p.name for p in sets], "variants": {}}
        for name in sessions:
            cos = np.sum(vectors[name] * vectors["float32"], axis=1)
            r = app.build_retriever(passages, vectors[name])
            app._retriever, app._engine = r, None
            engine = app.engine_for_retrieval()
            fused = retrieval_figures(engine, items)
            r.lexical_weight = 0.0
            dense = retrieval_figures(engine, items)
            out["variants"][name] = {
                "passages_per_s": round(len(passages) / best[name], 2),
                "min_cosine": round(float(cos.min()), 4), "median_cosine": round(float(np.median(cos)), 4),
                "fused": {k: round(v, 3) for k, v in fused.items() if k != "questions"},
                "dense": {k: round(v, 3) for k, v in dense.items() if k != "questions"},
            }
        print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
