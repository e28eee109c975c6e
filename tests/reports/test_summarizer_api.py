from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from reports.summarizer import (
    BackendError,
    Generation,
    SummarizerConfig,
    render_template,
    summarize,
    themes_summary,
)
from reports.summarizer.themes import narrative_themes
from tests.reports.samples import NARRATIVES, weekly_facts

ROOT = Path(__file__).resolve().parents[2]


class ScriptedBackend:
    """A backend that answers with fixed text and remembers what it was sent."""

    name = "scripted"

    def __init__(self, answer: str | Exception) -> None:
        self.answer = answer
        self.prompts: list[tuple[str, str]] = []

    def model_name(self) -> str:
        return "scripted-model"

    def generate(self, system: str, user: str) -> Generation:
        self.prompts.append((system, user))
        if isinstance(self.answer, Exception):
            raise self.answer
        return Generation(self.answer, "scripted-model", prompt_tokens=100, completion_tokens=20)


def test_it_writes_the_template_by_default_without_django_settings() -> None:
    summary = summarize(weekly_facts(), settings={})

    assert summary.text == render_template(weekly_facts())
    assert (summary.backend, summary.model, summary.language) == ("template", "template", "es")
    assert not summary.fell_back
    assert summary.fallback_reason == ""
    assert summary.prompt_tokens is None


def test_it_reads_the_backend_from_a_settings_object() -> None:
    settings = SimpleNamespace(SUMMARIZER_BACKEND="template")

    assert summarize(weekly_facts(), language="en", settings=settings).text.startswith(
        "In Bellavista, 42 incidents"
    )


def test_it_reads_djangos_settings_when_none_are_given(settings: SimpleNamespace) -> None:
    settings.SUMMARIZER_BACKEND = "openai"
    settings.LLM_TIMEOUT_S = "7.5"
    settings.LLM_MAX_RETRIES = 4

    config = SummarizerConfig.from_settings()

    assert (config.backend, config.timeout_s, config.max_retries) == ("openai", 7.5, 4)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SUMMARIZER_BACKEND", "gpt"),
        ("LLM_TIMEOUT_S", "soon"),
        ("LLM_TIMEOUT_S", 0),
        ("LLM_MAX_RETRIES", -1),
        ("LLM_MAX_NEW_TOKENS", 0),
    ],
)
def test_it_fails_loudly_on_a_bad_setting(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=name):
        SummarizerConfig.from_settings({name: value})


def test_it_never_shows_the_api_key_in_a_repr() -> None:
    config = SummarizerConfig.from_settings({"LLM_API_KEY": "sk-secret"})

    assert "sk-secret" not in repr(config)


def test_it_uses_a_grounded_answer_from_the_model() -> None:
    answer = "Resumen: En Bellavista hubo 42 incidentes, 12 % más que el promedio (37,5)."

    summary = summarize(weekly_facts(), backend=ScriptedBackend(answer), settings={})

    assert summary.text == "En Bellavista hubo 42 incidentes, 12 % más que el promedio (37,5)."
    assert (summary.backend, summary.model) == ("scripted", "scripted-model")
    assert (summary.prompt_tokens, summary.completion_tokens) == (100, 20)
    assert not summary.fell_back


def test_it_falls_back_when_the_model_invents_a_number() -> None:
    backend = ScriptedBackend("En Bellavista hubo 57 incidentes.")

    summary = summarize(weekly_facts(), backend=backend, settings={})

    assert summary.text == render_template(weekly_facts())
    assert summary.fell_back
    assert summary.fallback_reason == "numbers not in the facts: 57"
    assert summary.completion_tokens == 20  # what the rejected answer cost is still recorded


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (BackendError("LLM_BASE_URL is not set"), "LLM_BASE_URL is not set"),
        (RuntimeError("out of memory"), "RuntimeError: out of memory"),
    ],
)
def test_it_falls_back_when_the_backend_fails(error: Exception, reason: str) -> None:
    summary = summarize(weekly_facts(), backend=ScriptedBackend(error), settings={})

    assert summary.text == render_template(weekly_facts())
    assert (summary.fell_back, summary.fallback_reason) == (True, reason)
    assert summary.model == "scripted-model"


def test_it_falls_back_when_the_model_returns_nothing() -> None:
    summary = summarize(weekly_facts(), backend=ScriptedBackend("  \n"), settings={})

    assert summary.fallback_reason == "the model returned no text"


def test_it_scrubs_notes_and_narrative_examples_before_the_model_sees_them() -> None:
    themes = narrative_themes(NARRATIVES)
    facts = themes_summary(themes, district="Bellavista", period="2025-W10", include_examples=True)
    facts = dataclasses.replace(
        facts, notes=("Denuncia del señor Juan Pérez Quispe, DNI 45678912, tel. 987654321.",)
    )
    backend = ScriptedBackend("Se analizaron 12 relatos.")

    summarize(facts, backend=backend, settings={})

    system, user = backend.prompts[0]
    for personal in ("Juan", "Pérez", "45678912", "987654321", "Colonial", "Jr. Callao 123"):
        assert personal not in user
    assert "[NOMBRE]" in user and "[DNI]" in user and "[TELÉFONO]" in user
    assert "null" in system or "«menos de 5»" in system
    payload = json.loads(user.split("\n", 1)[1])
    assert payload["narratives_analysed"] == 12


def test_it_records_everything_a_report_needs_as_json() -> None:
    summary = summarize(weekly_facts(), settings={"SUMMARIZER_BACKEND": "template"})

    assert json.loads(json.dumps(summary.to_dict()))["backend"] == "template"


def test_importing_the_summarizer_loads_no_machine_learning_library() -> None:
    code = (
        "import sys, reports.summarizer\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
