"""Sections that one app provides to others through a setting: the forecast figures.

The official report (reports) and the KPI dashboard (analytics) show forecast accuracy, patrol
coverage and the equity table, which the predictions app computes; the apps are siblings and
never import each other, so a setting names the provider, ``FORECAST_SECTIONS_PROVIDER``
(default ``predictions.reporting.forecast_sections``)::

    def forecast_sections(*, district, start, end) -> dict[str, dict]:
        return {
            "forecast_accuracy": {
                "columns": ["Modelo", "Tasa de acierto (5 %)", "PAI"],
                "rows": [["GridSEPP", 0.41, 8.2]],
                "note": "Backtest rodante, 4 desplazamientos de la grilla.",
            },
            ...
        }

``district`` is a District or ``None`` for all of Callao; ``start``/``end`` are aware
datetimes (end exclusive). A missing provider, a missing key or a failing provider leaves that
section "not available yet": the pages never make numbers up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any, Required, TypedDict

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

FORECAST_SECTIONS = ("forecast_accuracy", "patrol_coverage", "equity", "forecast_total")

Cell = str | int | float | None


class Section(TypedDict, total=False):
    """One provided section as the report stores it; only ``available`` when it is not."""

    available: Required[bool]
    columns: list[str]
    rows: list[list[Cell]]
    note: str


def _provider() -> Callable[..., Mapping[str, Any]] | None:
    path = settings.FORECAST_SECTIONS_PROVIDER
    if not path:
        return None
    try:
        provider: Callable[..., Mapping[str, Any]] = import_string(path)
    except ImportError:
        # Said loudly: a renamed provider (docs/operations.md, "Upgrading") would otherwise
        # leave every section "not available" without a word.
        logger.error("FORECAST_SECTIONS_PROVIDER %r cannot be imported", path)
        return None
    return provider


def _section(raw: Any) -> Section:
    """A provided section, checked for shape; anything else counts as not available."""
    if not isinstance(raw, Mapping):
        return {"available": False}
    columns, rows = raw.get("columns"), raw.get("rows")
    if not isinstance(columns, list | tuple) or not isinstance(rows, list | tuple):
        return {"available": False}
    clean_rows: list[list[Cell]] = []
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) != len(columns):
            return {"available": False}
        clean_rows.append(
            [
                cell if isinstance(cell, int | float) else (None if cell is None else str(cell))
                for cell in row
            ]
        )
    return {
        "available": True,
        "columns": [str(column) for column in columns],
        "rows": clean_rows,
        "note": str(raw.get("note", "")),
    }


def forecast_sections_provided(
    *, district: object | None, start: dt.datetime, end: dt.datetime
) -> dict[str, Section]:
    """The sections of ``FORECAST_SECTIONS`` from the provider, each checked for shape.

    ``district`` is a District (of incidents), or None for the whole region.
    """
    provider = _provider()
    provided: Mapping[str, Any] = {}
    if provider is not None:
        try:
            provided = provider(district=district, start=start, end=end) or {}
        except Exception:  # a broken provider must not stop the monthly report
            logger.exception("forecast sections provider failed")
            provided = {}
    return {key: _section(provided.get(key)) for key in FORECAST_SECTIONS}
