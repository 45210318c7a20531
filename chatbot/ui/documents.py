"""The documents panel (the library, uploads, removal) and the model tab."""

from __future__ import annotations

import html
import queue
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from chatbot.app import App
from chatbot.domain import Turn
from chatbot.errors import ChatbotError
from chatbot.indexing import MAX_PASSAGES, Progress, Report
from chatbot.ingest import SUFFIXES
from chatbot.ui.french import en_francais
from chatbot.ui.shared import Shared, Updates, chosen

LIBRARY_COLUMNS = ["Document", "Type", "Pages", "Passages", "OCR", "Ajouté le"]
_KINDS = {"pdf": "PDF", "docx": "Word", "odt": "LibreOffice", "rtf": "RTF", "pptx": "PowerPoint",
          "odp": "LibreOffice (diapos)", "xlsx": "Excel", "ods": "LibreOffice (tableur)", "epub": "EPUB",
          "md": "Markdown", "txt": "Texte", "html": "Page web", "htm": "Page web"}


def library_rows(documents: dict[str, dict]) -> list[list]:
    """The Documents tab's table: one row per indexed document, the latest added first.

    Each row starts with the file name (what removal acts on), then its title when it has one;
    pages (or slides, or sheets), passages, the pages read by OCR and when it was added.
    """
    rows = []
    by_name = sorted(documents.items())
    for name, d in sorted(by_name, key=lambda item: item[1].get("added") or "", reverse=True):
        kind = d.get("kind") or Path(name).suffix.lstrip(".").lower()
        title = d.get("title") or ""
        rows.append([f"{name} — {title}" if title else name,
                     _KINDS.get(kind, "Image" if kind in ("png", "jpg", "jpeg", "tif", "tiff") else kind),
                     d.get("parts") or "", d.get("stored", 0), (d.get("ocr") or "").replace(",", ", "),
                     d.get("added") or ""])
    return rows


def library_name(cell: str) -> str:
    """The file name at the start of a library row's first cell."""
    return str(cell).split(" — ", 1)[0]


def progress_text(p: Progress) -> str:
    """Where an indexing run stands, in French: the file at hand, then passages and time left."""
    if p.reading:
        return f"⏳ Lecture de **{html.escape(p.doc)}** ({p.file}/{p.files})…"
    left = f" — environ {p.left} restantes" if p.left else ""
    return (f"⏳ Indexation de **{html.escape(p.doc)}** : {p.doc_done}/{p.doc_total} passages · "
            f"en tout {p.done}/{p.total}{left}")


def _pages(pages: Sequence[int]) -> str:
    return ("p. " if len(pages) == 1 else "pp. ") + ", ".join(map(str, pages))


def _count(n: int) -> str:
    return f"{n:_}".replace("_", "\u202f")  # 10 000, as French writes it


def upload_notes(report: Report, name: str) -> str:
    """What the reader should know about one indexed file, in French: encoding, OCR, empty pages."""
    notes = []
    if name in report.encodings:
        notes.append(f"lu en {report.encodings[name]}")
    if name in report.ocr:
        notes.append(f"{_pages(report.ocr[name])} lu{'es' if len(report.ocr[name]) > 1 else 'e'} par OCR"
                     if len(report.ocr[name]) > 1 or name.lower().endswith(".pdf") else "lu par OCR")
    if name in report.empty:
        notes.append(f"{_pages(report.empty[name])} sans texte, non indexé"
                     f"{'es' if len(report.empty[name]) > 1 else 'e'}")
    if name in report.garbled:
        n = report.garbled[name]
        notes.append(f"{n} partie{'s' if n > 1 else ''} illisible{'s' if n > 1 else ''} laissée{'s' if n > 1 else ''} "
                     "de côté")
    if name in report.cut:
        notes.append(f"seuls ses {_count(MAX_PASSAGES)} premiers passages sur {_count(report.cut[name])} sont "
                     "indexés ; découpez-le pour indexer la suite")
    return f" ({' ; '.join(notes)})" if notes else ""


def model_choices(app: App) -> list[tuple[str, str]]:
    from chatbot.errors import ModelError
    from chatbot.gguf import read_info

    avail = _free_memory()
    out = []
    for f in sorted(app.settings.models_dir.glob("*.gguf")):
        try:
            i = read_info(f)
        except ModelError:
            continue
        fits = "tient en mémoire" if avail is None or i.size * 1.3 < avail else "mémoire insuffisante"
        out.append((f"{f.name} — {i.name}, {i.quantization}, {i.size / 2**30:.2f} Go, {fits}", str(f)))
    return out


def _free_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class DocumentsPanel(Shared):
    def status(self) -> str:
        m = self.app.model()
        where = "GPU" if m.on_gpu else "CPU"
        n = len(self.app.retriever())
        warn = f" — ⚠️ {m.warning}" if m.warning else ""
        return f"Modèle : **{m.name}** ({where}) · {n} passages indexés{warn}"

    def library(self) -> list[list]:
        return library_rows(self.app.store().documents())

    def on_load(self, request: gr.Request | None) -> Updates:
        """The tab's user's conversations, and the documents (read once for the picker and the table)."""
        documents = self.app.store().documents()
        return {"conversations": self.listed(self.user_of(request), "", None),
                "scope": gr.update(choices=sorted(documents), value=[]), "library": library_rows(documents)}

    def documents_changed(self, scope: list[str] | None) -> Updates:
        """The question's scope picker after documents were added or removed: the indexed
        documents to choose from, and what was chosen, less what is gone."""
        documents = sorted(self.app.store().documents())
        return {"scope": gr.update(choices=documents, value=[d for d in chosen(scope) if d in documents])}

    def upload(self, files: list[Any] | None) -> Iterator[Updates]:
        """Index the files received, showing progress as it goes; a generator, so the page updates."""
        hide = gr.update(visible=False)
        if not files:
            yield {"upload_status": "Aucun fichier reçu.", "cancel": hide}
            return
        self.uploads.mkdir(parents=True, exist_ok=True)
        staged: list[Path] = []
        names: dict[Path, str] = {}
        refused: list[str] = []
        for f in files:
            src = Path(f if isinstance(f, str) else f.name)
            name = src.name
            if src.suffix.lower() not in SUFFIXES:
                refused.append(f"{name} : type non pris en charge ({', '.join(SUFFIXES)})")
                continue
            dest = self.uploads / name
            shutil.copyfile(src, dest)
            staged.append(dest)
            names[dest] = name
        report = None
        if staged:
            cancel = threading.Event()
            self.job["cancel"] = cancel
            steps: queue.Queue = queue.Queue()
            result: dict = {}

            def work() -> None:
                try:
                    result["report"] = self.app.ingest(staged, names=names, on_progress=steps.put, cancel=cancel)
                except ChatbotError as e:
                    result["error"] = str(e)
                finally:
                    steps.put(None)

            threading.Thread(target=work, name="upload-ingest", daemon=True).start()
            shown = 0.0
            while (step := steps.get()) is not None:
                if time.monotonic() - shown > 0.4:
                    shown = time.monotonic()
                    yield {"upload_status": progress_text(step), "cancel": gr.update(visible=True)}
            self.job.pop("cancel", None)
            if "error" in result:
                for dest in staged:
                    dest.unlink(missing_ok=True)
                yield {"library": self.library(), "upload_status": f"❌ {en_francais(result['error'])}", "cancel": hide}
                return
            report = result["report"]
        lines = [f"❌ {r}" for r in refused]
        if report:
            for name, msg in report.failed:
                (self.uploads / name).unlink(missing_ok=True)
                lines.append(f"❌ {en_francais(msg)}")
            for name in report.added + report.updated:
                lines.append(f"✅ {name} indexé{upload_notes(report, name)}")
            for name in report.unchanged:
                lines.append(f"✅ {name} déjà indexé")
            for name in report.cancelled:
                (self.uploads / name).unlink(missing_ok=True)
                lines.append(f"⏹️ {name} : indexation annulée, rien n'en a été gardé")
        message = "\n\n".join(lines)
        if any(line.startswith("❌") for line in lines):
            gr.Warning(message.replace("❌ ", "").replace("\n\n", " — "))
        yield {"library": self.library(), "upload_status": message, "cancel": hide}

    def cancel_ingest(self) -> Updates:
        if "cancel" in self.job:
            self.job["cancel"].set()
            return {"upload_status": "⏹️ Annulation demandée : le document en cours ne sera pas gardé."}
        return {}

    def pick(self, rows: Any, evt: gr.SelectData) -> Updates:
        """A click on a row of the library selects its document for removal."""
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        try:
            cell = rows.iloc[row, 0] if hasattr(rows, "iloc") else rows[row][0]
            name = library_name(cell)
        except (IndexError, KeyError, TypeError):
            return {"to_remove": None, "remove": gr.update(interactive=False)}
        return {"to_remove": name, "remove": gr.update(value=f"Retirer « {name} » de l'index", interactive=True)}

    def remove(self, name: str | None) -> Updates:
        if not name:
            return {"upload_status": "Cliquez d'abord sur un document du tableau."}
        self.app.remove_document(name)
        (self.uploads / name).unlink(missing_ok=True)
        return {"library": self.library(), "upload_status": f"🗑️ {name} retiré de l'index.", "to_remove": None,
                "remove": gr.update(value="Retirer de l'index", interactive=False)}

    def load_model(self, path: str | None) -> Updates:
        if not path:
            return {"model_status": "Choisissez un modèle.", "status": self.status()}
        t0 = time.perf_counter()
        try:
            self.app.switch_model(Path(path))
            probe = self.app.model().complete([Turn("user", "Réponds seulement : OK")], max_tokens=4)
        except ChatbotError as e:
            return {"model_status": f"❌ Échec du chargement : {e}", "status": self.status()}
        if not probe.strip():
            return {"model_status": "❌ Le modèle est chargé mais ne répond pas au test.", "status": self.status()}
        return {"model_status": f"✅ Chargé en {time.perf_counter() - t0:.1f} s (test : « {probe.strip()} »)",
                "status": self.status()}
