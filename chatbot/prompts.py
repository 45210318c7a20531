"""Prompt files from `prompts/`, rendered strictly: a missing or unknown variable is an error."""

from __future__ import annotations

from pathlib import Path
from string import Template

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
