"""Prompt files from `prompts/`, rendered strictly: a missing or unknown variable is an error;
and what of an excerpt and of a conversation a prompt holds."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from string import Template

from chatbot.domain import Source, Turn
from chatbot.errors import ConfigError

NAMES = ("system", "user", "passage", "english", "keywords", "premise", "yesno")


class Prompts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._templates: dict[str, Template] = {}
        for name in NAMES:
            path = folder / f"{name}.txt"
            try:
                self._templates[name] = Template(path.read_text(encoding="utf-8").strip())
            except OSError as e:
                raise ConfigError(f"prompt file missing: {path} ({e.strerror}).") from e

    def render(self, name: str, **values: object) -> str:
        template = self._templates[name]
        unknown = set(values) - set(template.get_identifiers())
        if unknown:
            raise ConfigError(f"prompt '{name}' has no variable(s) {', '.join(sorted(unknown))}")
        try:
            return template.substitute(values)
        except (KeyError, ValueError) as e:
            raise ConfigError(f"prompt '{name}' needs the variable {e}") from e

    def system(self, decline: str) -> str:
        """The fixed instructions every prompt opens with; `decline` is the sentence the model
        writes when the excerpts do not answer."""
        return self.render("system", decline=decline)


def read(source: Source) -> str:
    """What the model reads of an excerpt: its text, and its document's title (the prompt gives
    it with the document's first excerpt), where an answer may take a name from (a byline)."""
    return f"{source.title} {source.text}" if source.title else source.text


def window(history: Sequence[Turn], n: int) -> list[Turn]:
    """The earlier exchanges a prompt keeps: the last n to 2n - 1, the first one kept moving n
    exchanges at a time. From one question to the next the prompt then keeps its beginning, and
    llama.cpp reads an exchange once as history, not again with every question (a window that
    slides by one exchange changes the prompt right after the instructions: measured with the
    1.5B in MEASUREMENTS.md)."""
    if n <= 0:
        return []
    starts = [i for i, t in enumerate(history) if t.role == "user"]
    if len(starts) <= n:
        return list(history)
    first = (len(starts) - n) // n * n
    return list(history[starts[first]:])
