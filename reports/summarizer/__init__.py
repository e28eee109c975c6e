"""Grounded natural-language summaries of incident facts, and themes of narratives.

Importing this package loads neither torch, transformers nor scikit-learn: the web
process imports it, and those load only when a backend or the clusterer runs.

    facts = facts_build(district="Bellavista", period="2025-W10", counts={...}, ...)
    summary = summarize(facts, language="es")        # backend from SUMMARIZER_BACKEND
    themes = narrative_themes(narratives)
    summary = summarize(themes_summary(themes, district="Bellavista", period="2025-W10"))
"""

from forecasting.scrub import scrub
from reports.summarizer.backends import Backend, BackendError, Generation
from reports.summarizer.backends.template import render_template
from reports.summarizer.config import SummarizerConfig
from reports.summarizer.facts import (
    SUPPRESSION_THRESHOLD,
    AreaCount,
    CategoryFacts,
    Facts,
    HourCount,
    ThemeFacts,
    WeekdayCount,
    facts_build,
    pct_change,
)
from reports.summarizer.grounding import GroundingResult, grounding_check
from reports.summarizer.pipeline import Summary, scrub_facts, summarize
from reports.summarizer.themes import Theme, narrative_themes, themes_summary

__all__ = [
    "SUPPRESSION_THRESHOLD",
    "AreaCount",
    "Backend",
    "BackendError",
    "CategoryFacts",
    "Facts",
    "Generation",
    "GroundingResult",
    "HourCount",
    "SummarizerConfig",
    "Summary",
    "Theme",
    "ThemeFacts",
    "WeekdayCount",
    "facts_build",
    "grounding_check",
    "narrative_themes",
    "pct_change",
    "render_template",
    "scrub",
    "scrub_facts",
    "summarize",
    "themes_summary",
]
