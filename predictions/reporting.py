"""The official report's forecast sections (the provider named in reports/providers.py).

Every figure comes from stored evaluations, zones and visits of the period; a section with no
data is left out, so the report says "not available" instead of showing zeros.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, Sum

from incidents.models import District
from predictions.models import ForecastEvaluation, PatrolVisit, PatrolZone


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def official_sections(
    *, district: District | None, start: dt.datetime, end: dt.datetime
) -> dict[str, dict[str, Any]]:
    evaluations = ForecastEvaluation.objects.filter(
        forecast__window_start__gte=start, forecast__window_start__lt=end, district__isnull=False
    )
    zones = PatrolZone.objects.filter(
        forecast__window_start__gte=start, forecast__window_start__lt=end
    )
    if district is not None:
        evaluations = evaluations.filter(district=district)
        zones = zones.filter(district=district)
    sections: dict[str, dict[str, Any]] = {}

    by_district = list(
        evaluations.values("district__name")
        .annotate(
            windows=Count("id"),
            incidents=Sum("incidents"),
            hits=Sum("hits"),
            flagged=Sum("flagged_cells"),
            cells=Sum("cells"),
        )
        .order_by("district__name")
    )
    if by_district:
        rows = []
        for row in by_district:
            hit_rate = _ratio(row["hits"] or 0, row["incidents"] or 0)
            area = _ratio(row["flagged"] or 0, row["cells"] or 0)
            pai = round(hit_rate / area, 2) if hit_rate is not None and area else None
            rows.append([row["district__name"], row["windows"], row["incidents"], hit_rate, pai])
        sections["forecast_accuracy"] = {
            "columns": ["Distrito", "Turnos evaluados", "Incidentes", "Tasa de acierto", "PAI"],
            "rows": rows,
            "note": "Incidentes de víctimas y llamadas ciudadanas dentro de las zonas señaladas.",
        }
        total_incidents = sum(row["incidents"] or 0 for row in by_district)
        total_flagged = sum(row["flagged"] or 0 for row in by_district)
        sections["equity"] = {
            "columns": ["Distrito", "% del área señalada", "% de los incidentes"],
            "rows": [
                [
                    row["district__name"],
                    _ratio(100 * (row["flagged"] or 0), total_flagged),
                    _ratio(100 * (row["incidents"] or 0), total_incidents),
                ]
                for row in by_district
            ],
            "note": "Un distrito con mucha más área señalada que delitos recibe más patrullaje del que su registro justifica.",
        }

    coverage = list(
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
    if coverage:
        sections["patrol_coverage"] = {
            "columns": ["Distrito", "Zonas emitidas", "Zonas visitadas", "Cobertura"],
            "rows": [
                [
                    row["district__name"],
                    row["zones"],
                    row["visited"],
                    _ratio(row["visited"], row["zones"]),
                ]
                for row in coverage
            ],
            "note": "Una zona cuenta como visitada cuando se registró al menos una visita.",
        }
    return sections
