"""Which module may import which library: each heavy library has one adapter, the logic none."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "chatbot"
# library -> the only modules allowed to import it
OWNERS = {
    "llama_cpp": {"llm", "gguf"},
    "chromadb": {"store"},
    "onnxruntime": {"embed"},
    "sentence_transformers": {"embed"},
    "torch": {"embed"},
    "gradio": {"ui"},
    "gradio_client": set(),
    "httpx": {"remote"},
    "pypdfium2": {"ocr"},
}
PURE = {"rag", "context", "retrieve", "grounding", "citations", "text", "lexical", "domain",
        "protocols", "formats", "conversations", "catalogue"}  # no third-party library at all
ALLOWED_IN_PURE = {"numpy", "snowballstemmer"}


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_each_heavy_library_is_imported_by_its_adapter_only():
    wrong = []
    for path in sorted(PACKAGE.glob("*.py")):
        for lib in _imports(path) & OWNERS.keys():
            if path.stem not in OWNERS[lib]:
                wrong.append(f"{path.name} imports {lib}")
    assert wrong == []


def test_the_answering_logic_imports_no_third_party_library():
    import sys

    stdlib = sys.stdlib_module_names
    wrong = [f"{name}.py imports {lib}" for name in sorted(PURE)
             for lib in _imports(PACKAGE / f"{name}.py")
             if lib not in stdlib and lib != "chatbot" and lib not in ALLOWED_IN_PURE]
    assert wrong == []


def test_configuration_does_not_import_provisioning():
    assert "provision" not in {n.split(".")[-1] for n in _imports_full(PACKAGE / "config.py")}


def _imports_full(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out
