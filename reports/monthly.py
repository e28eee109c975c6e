"""The monthly official report: KPIs, tables by category and district, provided sections.

Official reports are for analysts (planners, officials, admins), who may see aggregated counts
of every category, so no suppression is applied here; sensitive categories are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callao.providers import Section, forecast_sections_provided
from incidents.models import CrimeCategory, District, Incident, IncidentQuerySet, Origin
from reports.periods import period_content
from reports.summarizer import Facts, facts_build, pct_change
from reports.summarizer.formatting import round_half_up
from reports.summarizer.period import Period
from reports.weekly import BuiltReport


def official_monthly_build(*, district: District | None, period: Period) -> BuiltReport:
    month = _incidents(period, district)
    previous_month = _incidents(period.previous_month(), district)
    counts = _CategoryCounts(
        current=month.counts_by_category(),
        previous=previous_month.counts_by_category(),
        last_year=_incidents(period.same_month_last_year(), district).counts_by_category(),
    )
    categories = _category_rows(counts)
    districts = _district_rows(month, previous_month, counts.total) if district is None else []
    hours, weekdays = month.counts_by_hour(), month.counts_by_weekday()
    content: dict[str, Any] = {
        "schema": 1,
        "kind": "official_monthly",
        "district": {"ubigeo": district.ubigeo, "name": district.name} if district else None,
        "area": district.name if district else "Callao",
        "period": period_content(period),
        "kpis": _kpis(month, previous_month, counts, whole_callao=district is None),
        "categories": categories,
        "districts": districts,
        "hours": [{"hour": h, "count": hours.get(h, 0)} for h in range(24)],
        "weekdays": [{"weekday": d, "count": weekdays.get(d, 0)} for d in range(7)],
        "sections": _sections(district, period),
    }
    facts = {
        language: _facts(content, hours=hours, weekdays=weekdays, language=language)
        for language in ("es", "en")
    }
    return BuiltReport(content=content, facts=facts)


@dataclass(frozen=True)
class _CategoryCounts:
    """Incidents by category code: the month, the month before and the same month last year."""

    current: dict[str, int]
    previous: dict[str, int]
    last_year: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.current.values())


def _incidents(period: Period, district: District | None) -> IncidentQuerySet:
    return Incident.objects.between(period.start_at, period.end_at).in_district(district)


def _share(part: int, whole: int) -> float | None:
    return round_half_up(part / whole * 100, 1) if whole else None


def _category_rows(counts: _CategoryCounts) -> list[dict[str, Any]]:
    """One row per category of the taxonomy, sensitive ones flagged; biggest first."""
    rows: list[dict[str, Any]] = []
    for category in CrimeCategory.objects.order_by("code"):
        count = counts.current.get(category.code, 0)
        previous = counts.previous.get(category.code, 0)
        last_year = counts.last_year.get(category.code, 0)
        rows.append(
            {
                "code": category.code,
                "name_es": category.name_es,
                "name_en": category.name_en,
                "sensitive": category.sensitive,
                "count": count,
                "previous": previous,
                "last_year": last_year,
                "change_vs_previous_pct": pct_change(count, previous),
                "change_vs_last_year_pct": pct_change(count, last_year),
            }
        )
    rows.sort(key=lambda row: (-row["count"], row["name_es"]))
    return rows


def _district_rows(
    month: IncidentQuerySet, previous_month: IncidentQuerySet, total: int
) -> list[dict[str, Any]]:
    """One row per district (reports on all of Callao): this month, the month before, share."""
    by_district, before = month.counts_by_district(), previous_month.counts_by_district()
    rows: list[dict[str, Any]] = []
    for item in District.objects.order_by("ubigeo"):
        count = by_district.get(item.ubigeo, 0)
        rows.append(
            {
                "ubigeo": item.ubigeo,
                "name": item.name,
                "count": count,
                "previous": before.get(item.ubigeo, 0),
                "change_vs_previous_pct": pct_change(count, before.get(item.ubigeo, 0)),
                "share_pct": _share(count, total),
            }
        )
    return rows


def _kpis(
    month: IncidentQuerySet,
    previous_month: IncidentQuerySet,
    counts: _CategoryCounts,
    *,
    whole_callao: bool,
) -> dict[str, Any]:
    """Totals and their changes, the severity-weighted index, and the share of each origin."""
    total = counts.total
    previous_total, last_year_total = sum(counts.previous.values()), sum(counts.last_year.values())
    severity, previous_severity = month.severity_index(), previous_month.severity_index()
    origins = month.counts_by_origin()
    return {
        "total": total,
        "previous": previous_total,
        "last_year": last_year_total,
        "change_vs_previous_pct": pct_change(total, previous_total),
        "change_vs_last_year_pct": pct_change(total, last_year_total),
        "severity_index": round_half_up(severity, 1),
        "severity_change_pct": pct_change(severity, previous_severity),
        # Incidents outside every district: only a report on all of Callao counts them.
        "without_district": month.counts_by_district().get(None, 0) if whole_callao else None,
        "origins": [
            {
                "origin": origin.value,
                "count": origins.get(origin.value, 0),
                "share_pct": _share(origins.get(origin.value, 0), total),
            }
            for origin in Origin
        ],
    }


def _sections(district: District | None, period: Period) -> dict[str, Section]:
    """Forecast accuracy, patrol coverage and equity, from the provider (callao/providers.py)."""
    return forecast_sections_provided(district=district, start=period.start_at, end=period.end_at)


def _facts(
    content: dict[str, Any],
    *,
    hours: dict[int, int],
    weekdays: dict[int, int],
    language: str,
) -> Facts:
    """Summary facts of the report: categories, totals, the districts as hotspots."""
    name = "name_es" if language == "es" else "name_en"
    categories, kpis = content["categories"], content["kpis"]
    return facts_build(
        district=content["area"],
        period=content["period"]["code"],
        counts={
            row[name]: row["count"]
            for row in categories
            if row["count"] or row["previous"] or row["last_year"]
        },
        previous_average={row[name]: float(row["previous"]) for row in categories},
        last_year={row[name]: row["last_year"] for row in categories},
        total=kpis["total"],
        previous_total_average=float(kpis["previous"]),
        last_year_total=kpis["last_year"],
        hotspots=[(row["name"], row["count"]) for row in content["districts"] if row["count"]],
        hours=hours,
        weekdays=weekdays,
        previous_periods=1,
    )
