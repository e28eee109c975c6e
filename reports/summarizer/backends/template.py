"""The template backend: deterministic text from the facts, the default and the fallback.

It needs no model and no network, and every number it writes comes from the facts,
so it is also what any other backend falls back to.
"""

from __future__ import annotations

from reports.summarizer.backends import template_en, template_es
from reports.summarizer.facts import Facts
from reports.summarizer.formatting import check_language


def render_template(facts: Facts, language: str = "es") -> str:
    """The summary of ``facts`` in Spanish (es-PE) or English; paragraphs split by a blank line."""
    writer = template_es if check_language(language) == "es" else template_en
    paragraphs = writer.render(facts)
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs if sentences)
