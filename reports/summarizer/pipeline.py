"""summarize(): pick a backend, scrub what the model sees, check its numbers, fall back."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forecasting.scrub import scrub
from reports.summarizer.backends import Backend, BackendError, backend_for
from reports.summarizer.backends.template import render_template
from reports.summarizer.config import SummarizerConfig
from reports.summarizer.facts import Facts
from reports.summarizer.formatting import check_language
from reports.summarizer.grounding import grounding_check
from reports.summarizer.prompt import prompt_messages

logger = logging.getLogger(__name__)

_PREAMBLE = re.compile(r"^\s*(?:resumen|summary)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Summary:
    """A summary and how it was made.

    ``backend`` and ``model`` name what was tried; when ``fell_back`` is true the text is
    the template's and ``fallback_reason`` says why the model's text was not used.
    ``latency_ms`` covers the backend call (or the template rendering for ``template``).
    """

    text: str
    language: str
    backend: str
    model: str
    latency_ms: int
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    fell_back: bool = False
    fallback_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def summarize(
    facts: Facts,
    *,
    language: str = "es",
    backend: str | Backend | None = None,
    settings: Mapping[str, Any] | object | None = None,
) -> Summary:
    """Write the summary of ``facts``; never raises for a failing model.

    ``backend`` overrides ``SUMMARIZER_BACKEND``: a name, or an object with ``name``,
    ``model_name()`` and ``generate(system, user)``. ``settings`` is a dict or an object
    with the ``SUMMARIZER_BACKEND`` and ``LLM_*`` names; by default Django's settings.
    """
    check_language(language)
    config = SummarizerConfig.from_settings(settings)
    started = time.perf_counter()
    template_text = render_template(facts, language)
    if backend is None:
        backend = config.backend
    if backend == "template":
        return Summary(template_text, language, "template", "template", _ms_since(started))
    chosen = backend_for(backend, config) if isinstance(backend, str) else backend

    model_facts = scrub_facts(facts)
    system, user = prompt_messages(model_facts, language)
    started = time.perf_counter()
    try:
        generation = chosen.generate(system, user)
    except BackendError as error:
        return _fallback(template_text, language, chosen, started, str(error))
    except Exception as error:  # a local model can fail in many ways; a report must not
        logger.warning("summarizer backend %s failed", chosen.name, exc_info=True)
        return _fallback(
            template_text, language, chosen, started, f"{type(error).__name__}: {error}"
        )
    latency_ms = _ms_since(started)
    text = _PREAMBLE.sub("", generation.text).strip()
    grounding = grounding_check(text, model_facts, language=language)
    reason = "the model returned no text" if not text else grounding.reason
    if reason:
        logger.info("summary from %s rejected: %s", chosen.name, reason)
    return Summary(
        text=template_text if reason else text,
        language=language,
        backend=chosen.name,
        model=generation.model,
        latency_ms=latency_ms,
        prompt_tokens=generation.prompt_tokens,
        completion_tokens=generation.completion_tokens,
        fell_back=bool(reason),
        fallback_reason=reason,
    )


def scrub_facts(facts: Facts) -> Facts:
    """``facts`` with free text (notes, theme labels and examples) scrubbed of personal data."""
    themes = tuple(
        dataclasses.replace(
            t,
            label=scrub(t.label),
            example=scrub(t.example),
            terms=tuple(scrub(term) for term in t.terms),
        )
        for t in facts.themes
    )
    return dataclasses.replace(
        facts,
        notes=tuple(scrub(note) for note in facts.notes),
        subject=scrub(facts.subject),
        themes=themes,
    )


def _fallback(
    template_text: str, language: str, backend: Backend, started: float, reason: str
) -> Summary:
    logger.info("summary from %s fell back to the template: %s", backend.name, reason)
    return Summary(
        text=template_text,
        language=language,
        backend=backend.name,
        model=backend.model_name(),
        latency_ms=_ms_since(started),
        fell_back=True,
        fallback_reason=reason,
    )


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
