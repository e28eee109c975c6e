"""The official report's forecast sections (the provider named by FORECAST_SECTIONS_PROVIDER).

Every figure comes from stored evaluations, zones and visits of the period, pooled as on the
accuracy page (predictions/querysets.py); a section with no data is left out, so the report
says "not available" instead of showing zeros.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet

from incidents.models import District
from predictions.models import ForecastEvaluation, PatrolVisit, PatrolZone
from predictions.querysets import PooledAccuracy

Cell = str | int | float | None


class ProvidedSection(TypedDict):
    """The shape callao/providers.py expects of each section."""

    columns: list[str]
    rows: list[list[Any]]  # one str, int, float or None per column
    note: str


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _share_pct(part: float, whole: float) -> float | None:
    return _ratio(100 * part, whole)


def forecast_sections(
    *, district: District | None, start: dt.datetime, end: dt.datetime
) -> dict[str, ProvidedSection]:
    """Forecast accuracy, equity and patrol coverage of the windows starting in [start, end).

    ``forecast_total`` is one row for the whole area asked for (all of Callao, or the
    district): the KPI dashboard's figures; the official report shows the other three.
    """
    windows = ForecastEvaluation.objects.windows_starting(start, end)
    evaluations = windows.per_district()
    zones = PatrolZone.objects.filter(
        forecast__window_start__gte=start, forecast__window_start__lt=end
    )
    if district is not None:
        evaluations = evaluations.filter(district=district)
        zones = zones.filter(district=district)
    sections: dict[str, ProvidedSection] = {}
    by_district = sorted(evaluations.pooled_by_district(), key=lambda row: row.district_name or "")
    if by_district:
        sections["forecast_accuracy"] = _accuracy_section(by_district)
        sections["equity"] = _equity_section(by_district)
    coverage = _coverage_rows(zones, end)
    if coverage:
        sections["patrol_coverage"] = {
            "columns": ["Distrito", "Zonas emitidas", "Zonas visitadas", "Cobertura"],
            "rows": coverage,
            "note": "Una zona cuenta como visitada cuando se registró al menos una visita.",
        }
    whole = (windows.callao_wide() if district is None else evaluations).pooled()
    if whole.windows or coverage:
        sections["forecast_total"] = _total_section(whole, coverage)
    return sections


def _total_section(whole: PooledAccuracy, coverage: list[list[Cell]]) -> ProvidedSection:
    zones = sum(int(row[1] or 0) for row in coverage)
    visited = sum(int(row[2] or 0) for row in coverage)
    return {
        "columns": [
            "Turnos evaluados",
            "Incidentes",
            "Tasa de acierto",
            "PAI",
            "PAI línea base",
            "Zonas emitidas",
            "Zonas visitadas",
            "Cobertura",
        ],
        "rows": [
            [
                whole.windows,
                whole.incidents,
                _rounded(whole.hit_rate, 3),
                _rounded(whole.pai, 2),
                _rounded(whole.baseline_pai, 2),
                zones,
                visited,
                _ratio(visited, zones),
            ]
        ],
        "note": "Agregado sobre los turnos del periodo (tasa y PAI agrupados, no promediados).",
    }


def _accuracy_section(by_district: list[PooledAccuracy]) -> ProvidedSection:
    return {
        "columns": [
            "Distrito",
            "Turnos evaluados",
            "Incidentes",
            "Tasa de acierto",
            "PAI",
            "PAI línea base",
        ],
        "rows": [
            [
                row.district_name,
                row.windows,
                row.incidents,
                _rounded(row.hit_rate, 3),
                _rounded(row.pai, 2),
                _rounded(row.baseline_pai, 2),
            ]
            for row in by_district
        ],
        "note": "Incidentes de víctimas y llamadas ciudadanas dentro de las zonas señaladas.",
    }


def _equity_section(by_district: list[PooledAccuracy]) -> ProvidedSection:
    total_flagged = sum(row.flagged_cells for row in by_district)
    total_incidents = sum(row.incidents for row in by_district)
    return {
        "columns": ["Distrito", "% del área señalada", "% de los incidentes"],
        "rows": [
            [
                row.district_name,
                _share_pct(row.flagged_cells, total_flagged),
                _share_pct(row.incidents, total_incidents),
            ]
            for row in by_district
        ],
        "note": (
            "Un distrito con mucha más área señalada que delitos recibe más patrullaje "
            "del que su registro justifica."
        ),
    }


def _coverage_rows(zones: QuerySet[PatrolZone], end: dt.datetime) -> list[list[Cell]]:
    """Per district: zones issued, zones with at least one visit logged before ``end``."""
    rows = (
        zones.values("district__name")
        .annotate(
            zones=Count("id", distinct=True),
            visited=Count(
                "id",
                distinct=True,
                filter=Q(visits__in=PatrolVisit.objects.filter(started_at__lt=end)),
            ),
        )
        .order_by("district__name")
    )
    return [
        [row["district__name"], row["zones"], row["visited"], _ratio(row["visited"], row["zones"])]
        for row in rows
    ]


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None
