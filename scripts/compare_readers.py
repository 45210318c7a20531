"""Compare ways of reading office files and e-books into passage text: ours, markitdown, pandoc.

Needs, besides the project: `pip install 'markitdown[docx,pptx,xlsx]' python-docx python-pptx
openpyxl odfpy` in the interpreter that runs it, and Debian's `pandoc`. It writes one French
document in each format (pandoc for .docx/.odt/.epub/.rtf/.pptx, openpyxl for .xlsx, odfpy for
.ods/.odp), reads each with every reader able to, and prints per file: the facts found (of 6),
headings kept as headings, table rows that still name their columns, and the reading time.

    python scripts/compare_readers.py /tmp/readers
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

SOURCE = """# Rapport sur les modèles ouverts

## Licences

Le modèle Martinet est publié sous licence Apache 2.0 par la société Héron.

- Premier point : l'entraînement a coûté 3 millions d'euros.
- Second point : 42 langues sont prises en charge.

## Chiffres

| Modèle | Paramètres | Licence |
|--------|-----------|---------|
| Martinet | 7 milliards | Apache 2.0 |
| Pinson | 13 milliards | MIT |

Le directeur technique de Héron s'appelle Amélie Durand.
"""
FACTS = ["Apache 2.0", "Héron", "3 millions", "42 langues", "13 milliards", "Amélie Durand"]
HEADINGS = ["Licences", "Chiffres"]
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
ROWS = [("Pinson", "13 milliards", "Paramètres")]  # a row line that still says which column


def write_files(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "doc.md").write_text(SOURCE, encoding="utf-8")
    files = []
    for ext in ("docx", "odt", "epub", "rtf", "pptx"):
        subprocess.run(["pandoc", "-s", "--metadata", "title=Rapport", str(out / "doc.md"), "-o",
                        str(out / f"doc.{ext}")], check=True, capture_output=True)
        files.append(out / f"doc.{ext}")
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chiffres"
    for row in (["Modèle", "Paramètres", "Licence"], ["Martinet", "7 milliards", "Apache 2.0"],
                ["Pinson", "13 milliards", "MIT"]):
        ws.append(row)
    ws2 = wb.create_sheet("Notes")
    for line in SOURCE.splitlines():
        if line and not line.startswith("|"):
            ws2.append([line.lstrip("#- ").strip()])
    wb.save(out / "doc.xlsx")
    files.append(out / "doc.xlsx")
    files += _odf(out)
    return files


def _odf(out: Path) -> list[Path]:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet
    from odf.style import MasterPage, PageLayout
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    ods = OpenDocumentSpreadsheet()
    for name, rows in (("Chiffres", [["Modèle", "Paramètres", "Licence"], ["Martinet", "7 milliards", "Apache 2.0"],
                                     ["Pinson", "13 milliards", "MIT"]]),
                       ("Notes", [[line.lstrip("#- ").strip()] for line in SOURCE.splitlines()
                                  if line and not line.startswith("|")])):
        t = Table(name=name)
        for r in rows:
            tr = TableRow()
            for c in r:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=c))
                tr.addElement(cell)
            t.addElement(tr)
        ods.spreadsheet.addElement(t)
    ods.save(str(out / "doc.ods"))
    odp = OpenDocumentPresentation()
    layout = PageLayout(name="L")
    odp.automaticstyles.addElement(layout)
    master = MasterPage(name="M", pagelayoutname=layout)
    odp.masterstyles.addElement(master)
    for title, lines in (("Licences", [SOURCE.splitlines()[4], SOURCE.splitlines()[6], SOURCE.splitlines()[7]]),
                         ("Chiffres", [SOURCE.splitlines()[16]])):
        page = Page(masterpagename=master)
        for k, text in enumerate([title, *lines]):
            frame = Frame(width="20cm", height="2cm", x="1cm", y=f"{1 + 2 * k}cm")
            frame.attributes[(PRESENTATION, "class")] = "title" if k == 0 else "outline"
            box = TextBox()
            box.addElement(P(text=text.lstrip("- ")))
            frame.addElement(box)
            page.addElement(frame)
        odp.presentation.addElement(page)
    odp.save(str(out / "doc.odp"))
    return [out / "doc.ods", out / "doc.odp"]


def ours(path: Path) -> tuple[str, list[str]]:
    from chatbot.ingest import read_document

    d = read_document(path)
    return d.text, [h for _, _, h in d.headings]


def markitdown(path: Path) -> tuple[str, list[str]]:
    from markitdown import MarkItDown

    text = MarkItDown(enable_plugins=False).convert(str(path)).text_content
    return text, [m.group(1).strip() for m in re.finditer(r"^#+\s*(.+)$", text, re.M)]


def pandoc(path: Path) -> tuple[str, list[str]]:
    text = subprocess.run(["pandoc", "-t", "markdown", "--wrap=none", str(path)], check=True,
                          capture_output=True, text=True).stdout
    return text, [m.group(1).strip() for m in re.finditer(r"^#+\s*(.+?)(?:\s*\{.*\})?$", text, re.M)]


def score(text: str, headings: list[str]) -> tuple[int, int, int]:
    text = text.replace("’", "'")
    facts = sum(f in text for f in FACTS)
    heads = sum(any(h in x for x in headings) for h in HEADINGS)
    rows = sum(any(all(w in line for w in row) for line in text.splitlines()) for row in ROWS)
    return facts, heads, rows


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/readers")
    files = write_files(out)
    readers = {"ours": ours, "markitdown": markitdown}
    if shutil.which("pandoc"):
        readers["pandoc"] = pandoc
    print(f"{'file':<10} {'reader':<11} facts/6 headings/2 rows-named/1 ms")
    for f in files:
        for name, read in readers.items():
            t0 = time.perf_counter()
            try:
                text, heads = read(f)
            except Exception as e:  # a reader that cannot read the format at all
                print(f"{f.name:<10} {name:<11} fails: {type(e).__name__}: {str(e)[:60]}")
                continue
            ms = (time.perf_counter() - t0) * 1000
            facts, h, rows = score(text, heads)
            print(f"{f.name:<10} {name:<11} {facts}/6     {h}/2        {rows}/1          {ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
