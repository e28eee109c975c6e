"""Backends that turn a prompt into text. The template backend lives here too but needs none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reports.summarizer.config import SummarizerConfig


class BackendError(Exception):
    """A backend could not produce text; the message becomes the summary's fallback reason."""


@dataclass(frozen=True)
class Generation:
    text: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class Backend(Protocol):
    name: str

    def model_name(self) -> str:
        """The model this backend would use, recorded even when generation fails."""
        ...

    def generate(self, system: str, user: str) -> Generation: ...


def backend_for(name: str, config: SummarizerConfig) -> Backend:
    """The model-backed backend called ``name``, configured from ``config``."""
    # Imported here so choosing the template backend never touches the others' modules.
    if name == "transformers":
        from reports.summarizer.backends.transformers_backend import TransformersBackend

        return TransformersBackend(config)
    if name == "openai":
        from reports.summarizer.backends.openai_backend import OpenAIBackend

        return OpenAIBackend(config)
    raise ValueError(f"no model backend called {name!r}")
