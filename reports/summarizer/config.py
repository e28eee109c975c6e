"""Summarizer settings, read from a plain mapping or object so no Django set-up is needed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BACKENDS = ("template", "transformers", "openai")


@dataclass(frozen=True)
class SummarizerConfig:
    """Which backend writes summaries, and how it reaches its model.

    Built from the setting names below (``SUMMARIZER_BACKEND``, ``LLM_*``) by
    :meth:`from_settings`; a bad value fails loudly, as the project's settings do.
    """

    backend: str = "template"
    model_path: str = ""
    base_url: str = ""
    model: str = ""
    api_key: str = ""
    timeout_s: float = 30.0
    max_retries: int = 2
    max_new_tokens: int = 400

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"SUMMARIZER_BACKEND must be one of {BACKENDS}, not {self.backend!r}")
        if self.timeout_s <= 0:
            raise ValueError(f"LLM_TIMEOUT_S must be positive, not {self.timeout_s!r}")
        if self.max_retries < 0:
            raise ValueError(f"LLM_MAX_RETRIES must be 0 or more, not {self.max_retries!r}")
        if not 1 <= self.max_new_tokens <= 4096:
            raise ValueError(f"LLM_MAX_NEW_TOKENS must be 1..4096, not {self.max_new_tokens!r}")

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | object | None = None) -> SummarizerConfig:
        """Read the settings from a dict, an object with attributes, or Django's settings.

        With ``None``, Django's settings are used when Django is configured, else the defaults.
        """
        source = settings if settings is not None else _django_settings()
        default = cls()

        def get(name: str, fallback: Any) -> Any:
            if source is None:
                return fallback
            if isinstance(source, Mapping):
                value = source.get(name, fallback)
            else:
                value = getattr(source, name, fallback)
            return fallback if value is None or value == "" else value

        return cls(
            backend=str(get("SUMMARIZER_BACKEND", default.backend)).strip().lower(),
            model_path=str(get("LLM_MODEL_PATH", default.model_path)),
            base_url=str(get("LLM_BASE_URL", default.base_url)),
            model=str(get("LLM_MODEL", default.model)),
            api_key=str(get("LLM_API_KEY", default.api_key)),
            timeout_s=_float("LLM_TIMEOUT_S", get("LLM_TIMEOUT_S", default.timeout_s)),
            max_retries=_int("LLM_MAX_RETRIES", get("LLM_MAX_RETRIES", default.max_retries)),
            max_new_tokens=_int(
                "LLM_MAX_NEW_TOKENS", get("LLM_MAX_NEW_TOKENS", default.max_new_tokens)
            ),
        )

    def __repr__(self) -> str:
        # The API key must never reach a log line through a repr.
        key = "***" if self.api_key else ""
        return (
            f"SummarizerConfig(backend={self.backend!r}, model_path={self.model_path!r}, "
            f"base_url={self.base_url!r}, model={self.model!r}, api_key={key!r}, "
            f"timeout_s={self.timeout_s!r}, max_retries={self.max_retries!r}, "
            f"max_new_tokens={self.max_new_tokens!r})"
        )


def _float(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None


def _int(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def _django_settings() -> object | None:
    """Django's settings when configured; the summarizer also runs in plain scripts and tests."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is always installed in this project
        return None
    return settings if settings.configured else None
