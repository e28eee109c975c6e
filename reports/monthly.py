"""The monthly official report: KPIs, tables by category and district, provided sections.

Official reports are for analysts (planners, officials, admins), who may see aggregated counts
of every category, so no suppression is applied here; sensitive categories are flagged.
"""

from __future__ import annotations

from typing import Any

from incidents.models import CrimeCategory, District, Origin
from reports.periods import ReportPeriod
from reports.providers import official_sections
from reports.selectors import (
    counts_by_category,
    counts_by_district,
    counts_by_hour,
    counts_by_origin,
    counts_by_weekday,
    incidents_in,
    severity_index,
)
from reports.summarizer import facts_build, pct_change
from reports.summarizer.formatting import round_half_up
from reports.summarizer.period import period_label, period_parse
from reports.weekly import BuiltReport


def _share(part: int, whole: int) -> float | None:
    return round_half_up(part / whole * 100, 1) if whole else None


def official_monthly_build(*, district: District | None, period: ReportPeriod) -> BuiltReport:
    current_qs = incidents_in(period, district=district)
    previous_qs = incidents_in(period.previous_month(), district=district)
    last_year_qs = incidents_in(period.same_month_last_year(), district=district)
    current, previous = counts_by_category(current_qs), counts_by_category(previous_qs)
    last_year = counts_by_category(last_year_qs)
    total, previous_total, last_year_total = (
        sum(current.values()),
        sum(previous.values()),
        sum(last_year.values()),
    )

    categories: list[dict[str, Any]] = [
        {
            "code": category.code,
            "name_es": category.name_es,
            "name_en": category.name_en,
            "sensitive": category.sensitive,
            "count": current.get(category.code, 0),
            "previous": previous.get(category.code, 0),
            "last_year": last_year.get(category.code, 0),
            "change_vs_previous_pct": pct_change(
                current.get(category.code, 0), previous.get(category.code, 0)
            ),
            "change_vs_last_year_pct": pct_change(
                current.get(category.code, 0), last_year.get(category.code, 0)
            ),
        }
        for category in CrimeCategory.objects.order_by("code")
    ]
    categories.sort(key=lambda row: (-row["count"], row["name_es"]))

    districts: list[dict[str, Any]] = []
    if district is None:
        by_district, before = counts_by_district(current_qs), counts_by_district(previous_qs)
        for item in District.objects.order_by("ubigeo"):
            count = by_district.get(item.ubigeo, 0)
            districts.append(
                {
                    "ubigeo": item.ubigeo,
                    "name": item.name,
                    "count": count,
                    "previous": before.get(item.ubigeo, 0),
                    "change_vs_previous_pct": pct_change(count, before.get(item.ubigeo, 0)),
                    "share_pct": _share(count, total),
                }
            )
    origins = counts_by_origin(current_qs)
    severity, previous_severity = severity_index(current_qs), severity_index(previous_qs)
    hours, weekdays = counts_by_hour(current_qs), counts_by_weekday(current_qs)
    parsed = period_parse(period.code)
    area = district.name if district else "Callao"
    content: dict[str, Any] = {
        "schema": 1,
        "kind": "official_monthly",
        "district": {"ubigeo": district.ubigeo, "name": district.name} if district else None,
        "area": area,
        "period": {
            "code": period.code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label_es": period_label(parsed, "es"),
            "label_en": period_label(parsed, "en"),
        },
        "kpis": {
            "total": total,
            "previous": previous_total,
            "last_year": last_year_total,
            "change_vs_previous_pct": pct_change(total, previous_total),
            "change_vs_last_year_pct": pct_change(total, last_year_total),
            "severity_index": round_half_up(severity, 1),
            "severity_change_pct": pct_change(severity, previous_severity),
            "without_district": counts_by_district(current_qs).get(None, 0)
            if district is None
            else None,
            "origins": [
                {
                    "origin": origin.value,
                    "count": origins.get(origin.value, 0),
                    "share_pct": _share(origins.get(origin.value, 0), total),
                }
                for origin in Origin
            ],
        },
        "categories": categories,
        "districts": districts,
        "hours": [{"hour": h, "count": hours.get(h, 0)} for h in range(24)],
        "weekdays": [{"weekday": d, "count": weekdays.get(d, 0)} for d in range(7)],
        "sections": official_sections(district=district, start=period.start_at, end=period.end_at),
    }
    facts = {
        language: facts_build(
            district=area,
            period=period.code,
            counts={
                row["name_es" if language == "es" else "name_en"]: row["count"]
                for row in categories
                if row["count"] or row["previous"] or row["last_year"]
            },
            previous_average={
                row["name_es" if language == "es" else "name_en"]: float(row["previous"])
                for row in categories
            },
            last_year={
                row["name_es" if language == "es" else "name_en"]: row["last_year"]
                for row in categories
            },
            total=total,
            previous_total_average=float(previous_total),
            last_year_total=last_year_total,
            hotspots=[(row["name"], row["count"]) for row in districts if row["count"]],
            hours=hours,
            weekdays=weekdays,
            previous_periods=1,
        )
        for language in ("es", "en")
    }
    return BuiltReport(content=content, facts=facts)
