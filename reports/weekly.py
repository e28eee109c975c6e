"""The weekly public report of one district, built only from privacy-protected counts.

Everything a public page, PDF or API answer shows comes from the ``content`` built here, and
the summary is written from facts made of the same protected numbers: nothing downstream
ever sees a raw count, a point or a narrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from incidents.models import CrimeCategory, District
from reports.advice import EMERGENCY, GENERAL, advice_for
from reports.maps import cell_labels, map_content
from reports.periods import ReportPeriod
from reports.privacy import (
    SHOWN,
    THRESHOLD,
    WITHHELD,
    ProtectedTable,
    protect_sum,
    protect_table,
)
from reports.selectors import (
    counts_by_category,
    counts_by_cell,
    counts_by_hour,
    counts_by_weekday,
    incidents_in,
    public_categories,
)
from reports.summarizer import Facts, facts_build, pct_change
from reports.summarizer.period import period_label, period_parse

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

    def __init__(self, district: District, period: ReportPeriod, codes: list[str]) -> None:
        self.district, self.codes = district, codes
        self.ids = list(CrimeCategory.objects.filter(code__in=codes).values_list("pk", flat=True))
        self.current = self.column(period)
        self.previous = [self.column(period.weeks_before(k)) for k in range(1, PREVIOUS_WEEKS + 1)]
        self.last_year = self.column(period.same_week_last_year())
        self.previous_sum = self._previous_sum()

    def column(self, period: ReportPeriod) -> ProtectedTable:
        raw = counts_by_category(
            incidents_in(period, district=self.district, category_ids=self.ids)
        )
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


def public_weekly_build(*, district: District, period: ReportPeriod) -> BuiltReport:
    categories = public_categories()
    codes = [category.code for category in categories]
    columns = _Columns(district, period, codes)
    current = columns.current
    week = incidents_in(period, district=district, category_ids=columns.ids)
    raw_total = sum(current.counts.values())

    rows: list[dict[str, Any]] = []
    for category in categories:
        count, average = current.value(category.code), columns.average(category.code)
        last_year = columns.last_year.value(category.code)
        change_previous = pct_change(count, average)
        rows.append(
            {
                "code": category.code,
                "name_es": category.name_es,
                "name_en": category.name_en,
                "count": count,
                "status": current.status[category.code],
                "previous_average": average,
                "last_year": last_year,
                "change_vs_previous_pct": change_previous,
                "change_vs_last_year_pct": pct_change(count, last_year),
                "trend": trend(change_previous),
            }
        )
    rows.sort(key=lambda row: (row["count"] is None, -(row["count"] or 0), row["name_es"]))

    by_hour, by_weekday = counts_by_hour(week), counts_by_weekday(week)
    hours = protect_table({str(h): by_hour.get(h, 0) for h in range(24)}, top=TOP_HOURS)
    weekdays = protect_table({str(d): by_weekday.get(d, 0) for d in range(7)}, top=TOP_WEEKDAYS)
    raw_cells = counts_by_cell(week, cell_m=CELL_M)
    cells = protect_table({f"{c},{r}": n for (c, r), n in raw_cells.items()}, total=raw_total)
    shown_cells = {
        (int(key.split(",")[0]), int(key.split(",")[1])): n for key, n in cells.shown().items()
    }
    drawing = map_content(
        district, shown_cells, cell_m=CELL_M, hidden=cells.hidden_sum() > 0 or not shown_cells
    )
    labels = cell_labels(district, list(shown_cells), cell_m=CELL_M)
    hotspots = sorted(
        ((labels[f"{c},{r}"], n) for (c, r), n in shown_cells.items()), key=lambda p: (-p[1], p[0])
    )[:TOP_HOTSPOTS]

    total: dict[str, Any] = {
        "count": current.total,
        "previous_average": columns.average(),
        "last_year": columns.last_year.total,
        "change_vs_previous_pct": pct_change(current.total, columns.average()),
        "change_vs_last_year_pct": pct_change(current.total, columns.last_year.total),
    }
    total["trend"] = trend(total["change_vs_previous_pct"])
    shown_codes = [row["code"] for row in rows if row["count"] is not None]
    parsed = period_parse(period.code)
    content: dict[str, Any] = {
        "schema": 1,
        "kind": "public_weekly",
        "threshold": THRESHOLD,
        "district": {"ubigeo": district.ubigeo, "name": district.name},
        "period": {
            "code": period.code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label_es": period_label(parsed, "es"),
            "label_en": period_label(parsed, "en"),
        },
        "total": total,
        "categories": rows,
        "some_withheld": any(row["status"] == WITHHELD for row in rows),
        "busiest_hours": _busiest(hours, "hour"),
        "busiest_weekdays": _busiest(weekdays, "weekday"),
        "map": drawing,
        "hotspots": [{"label": label, "count": n} for label, n in hotspots],
        "advice": advice_for(shown_codes),
        "general_advice": {language: list(items) for language, items in GENERAL.items()},
        "emergency": {language: list(items) for language, items in EMERGENCY.items()},
    }
    facts = {language: _facts(content, language) for language in ("es", "en")}
    return BuiltReport(content=content, facts=facts)


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
