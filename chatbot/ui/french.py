"""The indexing messages, said in French in the page (the command line says them in English).

Each message is « name: what happened. What to do. »; the name is kept, the rest is matched
against the forms the readers write (`ingest`, `formats`, `ocr`, `indexing`). A message of a form
not listed here is shown as it is written, never lost.
"""

from __future__ import annotations

import re

_WHAT = {
    "nested too deeply to be read": "imbriqué trop profondément pour être lu",
    "too large to read in memory": "trop grand pour être lu en mémoire",
    "compressed data in it is corrupt": "ses données compressées sont corrompues",
    "a damaged archive": "une archive endommagée",
    "compressed data in it inflates past the reader's limit": "ses données compressées dépassent, décompressées, "
                                                              "la limite du lecteur",
    "the reader failed": "le lecteur a échoué",
}
_AGAIN = "Ouvrez-le et enregistrez-le à nouveau."

_FORMS: list[tuple[str, str]] = [
    (r"not a valid (\.\w+) file \(it is not the zip archive that \.\w+ files are\)\. Open it and save it again\.",
     r"ce n'est pas un fichier \1 valide (un fichier \1 est une archive zip, celui-ci non). " + _AGAIN),
    (r"a damaged (\.\w+) file \((.*)\)\. Open it and save it again\.", r"fichier \1 endommagé (\2). " + _AGAIN),
    (r"(\S+) inflates to more than (\d+) MiB; not read\.", r"\1 dépasse \2 Mio une fois décompressé : non lu."),
    (r"(\S+) holds more than ([\d ]+) XML elements \(a document made to exhaust memory\?\); not read\.",
     r"\1 contient plus de \2 éléments XML (un document fait pour épuiser la mémoire ?) : non lu."),
    (r"((?:\S+ )?)holds ([\d ]+) HTML tags, more than the ([\d ]+) read in one page \(a page made to exhaust "
     r"memory\?\); not read\.",
     r"\1contient \2 balises HTML, plus que les \3 lues dans une page (une page faite pour épuiser la mémoire ?) : "
     r"non lu."),
    (r"page (\d+) inflates past (\d+) MiB once decompressed \(a file made to exhaust memory\?\); not read\.",
     r"la page \1 dépasse \2 Mio une fois décompressée (un fichier fait pour épuiser la mémoire ?) : non lu."),
    (r"not an RTF file \(it does not start with \{\\rtf\)\. Open it and save it as RTF again\.",
     r"ce n'est pas un fichier RTF (il ne commence pas par {\\rtf). Ouvrez-le et enregistrez-le en RTF."),
    (r"cannot be read: (.*?) \((.*)\)\. Open it and save it again, or leave it out\.",
     r"illisible : \1 (\2). Ouvrez-le et enregistrez-le à nouveau, ou laissez-le de côté."),
    (r"cannot be read \((.*)\)\.", r"illisible (\1)."),
    (r"larger than (\d+) MiB; split it first\.", r"plus de \1 Mio : découpez-le d'abord."),
    (r"holds no text to index\.", "ne contient aucun texte à indexer."),
    (r"holds an image in which OCR found no text\.", "est une image où l'OCR n'a trouvé aucun texte."),
    (r"holds no text layer on any page, and OCR read nothing\.",
     "aucune page n'a de couche de texte, et l'OCR n'a rien lu."),
    (r"holds no readable text: .*", "ne contient aucun texte lisible : ce qu'il contient se lit comme des "
                                    "caractères de remplacement et des symboles (un fichier endommagé ?)."),
    (r"starts as (\S+) text but is not \((.*)\)\.", r"commence comme un texte \1 mais n'en est pas un (\2)."),
    (r"looks like a binary file, not (\.\w+) text\.", r"semble être un fichier binaire, pas un texte \1."),
    (r"not text in any encoding recognised .*",
     "n'est du texte dans aucun encodage reconnu (UTF-8, UTF-16, cp1252, latin-1, Mac Roman). "
     "Enregistrez-le en UTF-8 et réessayez."),
    (r"the PDF is protected by a password\..*",
     "le PDF est protégé par un mot de passe. Ouvrez-le avec son mot de passe, enregistrez-en une copie "
     "sans protection (en l'imprimant en PDF) et ajoutez cette copie."),
    (r"not a readable PDF \((.*)\)\.", r"PDF illisible (\1)."),
    (r"no page has a text layer \(a scan\?\) and OCR is not available; .*",
     "aucune page n'a de couche de texte (un scan ?) et l'OCR n'est pas disponible : installez Tesseract "
     "en français (tesseract-ocr-fra)."),
    (r"OCR took more than (\d+) s; not read\.", r"l'OCR a pris plus de \1 s : non lu."),
    (r"not an image Tesseract can read \((.*)\)\.", r"image que Tesseract ne sait pas lire (\1)."),
    (r"an image, read by OCR, but Tesseract with French is not .*",
     "une image, lue par OCR, mais Tesseract en français n'est pas installé (tesseract-ocr-fra)."),
    (r"cannot be indexed: the embedding model failed on it \((.*)\)\. Leave it out, or report it with the file\.",
     r"non indexé : le modèle d'embedding a échoué dessus (\1). Laissez-le de côté, ou signalez-le avec le fichier."),
    (r"a link to nothing \((.*)\): not read\. Mend or remove the link\.",
     r"un lien vers rien (\1) : non lu. Réparez ou supprimez le lien."),
    (r"unsupported file type '(.*)'\. Supported: (.*)\.", r"type de fichier non pris en charge ('\1'). Pris en "
                                                          r"charge : \2."),
]
_AGAIN_TOLD = " (Unchanged since it failed: not read again.)"


def en_francais(message: str) -> str:
    """An indexing message in French: « name : ce qui s'est passé. Que faire. »"""
    told = message.endswith(_AGAIN_TOLD)
    message = message.removesuffix(_AGAIN_TOLD)
    name, sep, rest = message.partition(": ")
    said = next((re.sub(f"^{form}$", fr, rest, flags=re.S) for form, fr in _FORMS
                 if re.fullmatch(form, rest, flags=re.S)), None) if sep else None
    if said is None:
        return message + (_AGAIN_TOLD if told else "")
    for en, fr_what in _WHAT.items():
        said = said.replace(f"illisible : {en} (", f"illisible : {fr_what} (")
    return f"{name} : {said}" + (" (Inchangé depuis son échec : pas relu.)" if told else "")
