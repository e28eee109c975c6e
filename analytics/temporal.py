"""When crime happens: hour × weekday, months with their trend, the seasons of the year.

Counts come from the database in local time (``Incident.objects…counts_by_*``); the statistics
(expected counts under independence, moving averages, year-over-year change, seasonality) are
the library's (``forecasting.analysis``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from analytics.caching import cached
from analytics.forms import TemporalParams
from callao.errors import InvalidInput
from forecasting.analysis import day_of_year_profile, hour_weekday_table, monthly_series


def temporal_patterns(params: TemporalParams) -> dict[str, Any]:
    """The temporal tables of a selection (cached by parameters and data version)."""
    return cached("temporal", params, lambda: _temporal(params))


def _temporal(params: TemporalParams) -> dict[str, Any]:
    rows = params.selection.incidents()
    total = rows.count()
    if total == 0:
        raise InvalidInput(_("No incident matches this selection."))
    counts = np.zeros((7, 24))
    for (weekday, hour), n in rows.counts_by_hour_weekday().items():
        counts[weekday, hour] = n
    table = hour_weekday_table(counts)
    selection = params.selection
    by_month = sorted(rows.counts_by_month().items())
    series = monthly_series(
        [month for month, _n in by_month],
        [n for _m, n in by_month],
        start=(selection.start.year, selection.start.month),
        end=(selection.end.year, selection.end.month),
    )
    by_day = sorted(rows.counts_by_day().items())
    season = day_of_year_profile(
        [day for day, _n in by_day],
        [n for _d, n in by_day],
        start=selection.start,
        end=selection.end,
    )
    return {
        "incidents": total,
        "selection": params.canonical()["selection"],
        "hour_weekday": {
            "counts": _matrix(table.counts),
            "expected": _matrix(table.expected, 2),
            "ratio": _matrix(table.ratio, 3),
        },
        "monthly": [
            {
                "month": f"{year}-{month:02d}",
                "count": int(count),
                "moving_average_12": _value(average, 2),
                "change_vs_last_year_pct": _value(change, 1),
            }
            for (year, month), count, average, change in zip(
                series.months,
                series.counts,
                series.moving_average,
                series.yoy_pct,
                strict=True,
            )
        ],
        "day_of_year": [
            {"day": int(day), "ratio": _value(ratio, 3)}
            for day, ratio in zip(season.day, season.ratio, strict=True)
        ],
    }


def _value(value: Any, digits: int) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if not np.isfinite(number) else round(number, digits)


def _matrix(values: Any, digits: int = 0) -> list[list[float | None]]:
    return [[_value(v, digits) for v in row] for row in np.asarray(values, dtype=float)]
