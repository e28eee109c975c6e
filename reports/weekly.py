"""The weekly public report of one district, built only from privacy-protected counts.

Everything a public page, PDF or API answer shows comes from the ``content`` built here, and
the summary is written from facts made of the same protected numbers: nothing downstream
ever sees a raw count, a point or a narrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from incidents.models import CrimeCategory, District, Incident, IncidentQuerySet
from reports.advice import EMERGENCY, GENERAL, advice_for
from reports.maps import cell_labels, map_content
from reports.periods import period_content
from reports.privacy import (
    SHOWN,
    THRESHOLD,
    WITHHELD,
    ProtectedTable,
    protect_sum,
    protect_table,
)
from reports.summarizer import Facts, facts_build, pct_change
from reports.summarizer.period import Period

CELL_M = 500
PREVIOUS_WEEKS = 4
TOP_HOURS = 3
TOP_WEEKDAYS = 2
TOP_HOTSPOTS = 5
# A change smaller than this, either way, reads as "stable".
TREND_PCT = 10.0
CELL_NAME = {"es": "cuadrícula {label}", "en": "grid square {label}"}


@dataclass(frozen=True)
class BuiltReport:
    content: dict[str, Any]
    facts: dict[str, Facts]  # by language


def trend(change_pct: float | None) -> str:
    if change_pct is None:
        return "unknown"
    if change_pct >= TREND_PCT:
        return "up"
    if change_pct <= -TREND_PCT:
        return "down"
    return "stable"


class _Columns:
    """The protected category tables of a week, the four before it and a year before."""

    def __init__(self, district: District, period: Period, codes: list[str]) -> None:
        self.district, self.codes = district, codes
        self.ids = list(CrimeCategory.objects.filter(code__in=codes).values_list("pk", flat=True))
        self.current = self.column(period)
        self.previous = [self.column(period.weeks_before(k)) for k in range(1, PREVIOUS_WEEKS + 1)]
        self.last_year = self.column(period.same_week_last_year())
        self.previous_sum = self._previous_sum()

    def incidents(self, period: Period) -> IncidentQuerySet:
        """The district's incidents of the public categories in ``period``."""
        return (
            Incident.objects.between(period.start_at, period.end_at)
            .in_district(self.district)
            .of_categories(self.ids)
        )

    def column(self, period: Period) -> ProtectedTable:
        raw = self.incidents(period).counts_by_category()
        return protect_table({code: raw.get(code, 0) for code in self.codes})

    def _previous_sum(self) -> ProtectedTable:
        # Rule 3 per category and for the total, then rules 1, 2 and 4 across categories.
        sums = {code: sum(week.counts[code] for week in self.previous) for code in self.codes}
        unsafe = [
            code
            for code in self.codes
            if protect_sum(
                (week.counts[code], week.status[code] == SHOWN) for week in self.previous
            )
            is None
        ]
        total_safe = protect_sum(
            (sum(week.counts.values()), week.total is not None) for week in self.previous
        )
        return protect_table(sums, show_total=total_safe is not None, force_hidden=unsafe)

    def average(self, code: str | None = None) -> float | None:
        value = self.previous_sum.total if code is None else self.previous_sum.value(code)
        return None if value is None else value / PREVIOUS_WEEKS


def public_weekly_build(*, district: District, period: Period) -> BuiltReport:
    categories = list(CrimeCategory.objects.public().order_by("code"))
    columns = _Columns(district, period, [category.code for category in categories])
    week = columns.incidents(period)
    rows = _category_rows(categories, columns)
    cells, some_hidden = _shown_cells(week, total=sum(columns.current.counts.values()))
    shown_codes = [row["code"] for row in rows if row["count"] is not None]
    content: dict[str, Any] = {
        "schema": 1,
        "kind": "public_weekly",
        "threshold": THRESHOLD,
        "district": {"ubigeo": district.ubigeo, "name": district.name},
        "period": period_content(period),
        "total": _total_row(columns),
        "categories": rows,
        "some_withheld": any(row["status"] == WITHHELD for row in rows),
        "busiest_hours": _busiest_hours(week),
        "busiest_weekdays": _busiest_weekdays(week),
        "map": map_content(district, cells, cell_m=CELL_M, hidden=some_hidden),
        "hotspots": _hotspots(district, cells),
        "advice": advice_for(shown_codes),
        "general_advice": {language: list(items) for language, items in GENERAL.items()},
        "emergency": {language: list(items) for language, items in EMERGENCY.items()},
    }
    facts = {language: _facts(content, language) for language in ("es", "en")}
    return BuiltReport(content=content, facts=facts)


def _category_rows(categories: list[CrimeCategory], columns: _Columns) -> list[dict[str, Any]]:
    """One row per public category: this week, the average before, a year ago; biggest first."""
    rows: list[dict[str, Any]] = []
    for category in categories:
        count, average = columns.current.value(category.code), columns.average(category.code)
        last_year = columns.last_year.value(category.code)
        change_previous = pct_change(count, average)
        rows.append(
            {
                "code": category.code,
                "name_es": category.name_es,
                "name_en": category.name_en,
                "count": count,
                "status": columns.current.status[category.code],
                "previous_average": average,
                "last_year": last_year,
                "change_vs_previous_pct": change_previous,
                "change_vs_last_year_pct": pct_change(count, last_year),
                "trend": trend(change_previous),
            }
        )
    rows.sort(key=lambda row: (row["count"] is None, -(row["count"] or 0), row["name_es"]))
    return rows


def _total_row(columns: _Columns) -> dict[str, Any]:
    count, average, last_year = columns.current.total, columns.average(), columns.last_year.total
    change_previous = pct_change(count, average)
    return {
        "count": count,
        "previous_average": average,
        "last_year": last_year,
        "change_vs_previous_pct": change_previous,
        "change_vs_last_year_pct": pct_change(count, last_year),
        "trend": trend(change_previous),
    }


def _busiest_hours(week: IncidentQuerySet) -> list[dict[str, int]]:
    by_hour = week.counts_by_hour()
    hours = protect_table({str(h): by_hour.get(h, 0) for h in range(24)}, top=TOP_HOURS)
    return _busiest(hours, "hour")


def _busiest_weekdays(week: IncidentQuerySet) -> list[dict[str, int]]:
    by_weekday = week.counts_by_weekday()
    weekdays = protect_table({str(d): by_weekday.get(d, 0) for d in range(7)}, top=TOP_WEEKDAYS)
    return _busiest(weekdays, "weekday")


def _shown_cells(week: IncidentQuerySet, *, total: int) -> tuple[dict[tuple[int, int], int], bool]:
    """The map cells that may be shown (column, row -> count), and whether any is hidden."""
    raw_cells = week.counts_by_cell(cell_m=CELL_M)
    cells = protect_table({f"{c},{r}": n for (c, r), n in raw_cells.items()}, total=total)
    shown = {
        (int(key.split(",")[0]), int(key.split(",")[1])): n for key, n in cells.shown().items()
    }
    return shown, cells.hidden_sum() > 0 or not shown


def _hotspots(district: District, cells: dict[tuple[int, int], int]) -> list[dict[str, Any]]:
    """The busiest shown cells by their map label ("C4"), at most TOP_HOTSPOTS."""
    labels = cell_labels(district, list(cells), cell_m=CELL_M)
    hotspots = sorted(
        ((labels[f"{c},{r}"], n) for (c, r), n in cells.items()), key=lambda p: (-p[1], p[0])
    )[:TOP_HOTSPOTS]
    return [{"label": label, "count": n} for label, n in hotspots]


def _busiest(table: ProtectedTable, name: str) -> list[dict[str, int]]:
    ranked = sorted(table.shown().items(), key=lambda item: (-item[1], int(item[0])))
    return [{name: int(key), "count": count} for key, count in ranked]


def _facts(content: dict[str, Any], language: str) -> Facts:
    """Summary facts from the protected content only: hidden cells are simply not there."""
    name = "name_es" if language == "es" else "name_en"
    shown = [row for row in content["categories"] if row["count"] is not None]
    total = content["total"]
    return facts_build(
        district=content["district"]["name"],
        period=content["period"]["code"],
        counts={row[name]: row["count"] for row in shown},
        previous_average={row[name]: row["previous_average"] for row in shown},
        last_year={row[name]: row["last_year"] for row in shown},
        total=total["count"],
        previous_total_average=total["previous_average"],
        last_year_total=total["last_year"],
        hotspots=[
            (CELL_NAME[language].format(label=spot["label"]), spot["count"])
            for spot in content["hotspots"]
        ],
        hours={item["hour"]: item["count"] for item in content["busiest_hours"]},
        weekdays={item["weekday"]: item["count"] for item in content["busiest_weekdays"]},
        previous_periods=PREVIOUS_WEEKS,
    )
