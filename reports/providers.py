"""Optional sections of the official report that other apps provide (forecast accuracy,
patrol coverage, the equity table).

The predictions app offers them by defining a callable at ``REPORTS_OFFICIAL_SECTIONS_PROVIDER``
(default ``predictions.reporting.official_sections``)::

    def official_sections(*, district, start, end) -> dict[str, dict]:
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
section "not available yet": the report never makes numbers up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from incidents.models import District

logger = logging.getLogger(__name__)

SECTIONS = ("forecast_accuracy", "patrol_coverage", "equity")
DEFAULT_PROVIDER = "predictions.reporting.official_sections"

Cell = str | int | float | None


def _provider() -> Callable[..., Mapping[str, Any]] | None:
    path = getattr(settings, "REPORTS_OFFICIAL_SECTIONS_PROVIDER", DEFAULT_PROVIDER)
    if not path:
        return None
    try:
        provider: Callable[..., Mapping[str, Any]] = import_string(path)
    except ImportError:
        return None
    return provider


def _section(raw: Any) -> dict[str, Any]:
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


def official_sections(
    *, district: District | None, start: dt.datetime, end: dt.datetime
) -> dict[str, dict[str, Any]]:
    provider = _provider()
    provided: Mapping[str, Any] = {}
    if provider is not None:
        try:
            provided = provider(district=district, start=start, end=end) or {}
        except Exception:  # a broken provider must not stop the monthly report
            logger.exception("official report section provider failed")
            provided = {}
    return {key: _section(provided.get(key)) for key in SECTIONS}
