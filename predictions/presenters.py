"""Display helpers: zone reasons, GeoJSON of zones, the accuracy chart, the sheet map (SVG)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from callao.charts import Series, SeriesChart
from predictions.models import Driver, ForecastEvaluation, PatrolZone


def zone_reason(zone: PatrolZone) -> str:
    e = zone.explanation or {}
    if zone.driver == Driver.EXPLORATION:
        return _(
            "Exploration: chosen at random outside the top cells so that patrols do not "
            "only confirm their own records."
        )
    if zone.driver == Driver.NEAR_REPEAT:
        return _(
            "Recent near-repeat activity: %(recent)d incidents in the last 14 days, "
            "%(expected)s expected from the past year."
        ) % {
            "recent": e.get("recent_incidents", 0),
            "expected": number_format(e.get("recent_expected", 0), 1),
        }
    if zone.driver == Driver.TIME_OF_DAY:
        return _(
            "Time of day: %(share)d%% of this area's incidents of the past year fell in "
            "these hours (district: %(district)d%%)."
        ) % {
            "share": round(100 * e.get("shift_share", 0)),
            "district": round(100 * e.get("district_shift_share", 0)),
        }
    return _(
        "Long-term hotspot: %(share)s %% of the district's incidents of the past year in "
        "%(area)s %% of its area."
    ) % {
        "share": number_format(100 * e.get("year_share", 0), 1),
        "area": number_format(100 * e.get("area_share", 0), 1),
    }


def zones_geojson(zones: Iterable[PatrolZone]) -> dict[str, Any]:
    features = []
    for zone in zones:
        features.append(
            {
                "type": "Feature",
                "id": zone.pk,
                "geometry": json.loads(zone.geometry.geojson),
                "properties": {
                    "zone": zone.pk,
                    "rank": zone.rank,
                    "district": zone.district.ubigeo,
                    "district_name": zone.district.name,
                    "expected_incidents": round(zone.expected_incidents, 2),
                    "area_share": round(zone.area_share, 4),
                    "exploration": zone.exploration,
                    "driver": zone.driver,
                    "reason": zone_reason(zone),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def accuracy_chart(evaluations: Sequence[ForecastEvaluation]) -> SeriesChart:
    """PAI per evaluated window, the champion's zones against the naive baseline's."""
    points = [e for e in evaluations if e.pai is not None]
    return SeriesChart(
        id="accuracy-chart",
        title=_("Evaluated PAI per shift"),
        x_labels=[
            date_format(timezone.localtime(e.forecast.window_start), "d/m H:i") for e in points
        ],
        series=[
            Series(_("Champion"), [e.pai for e in points]),
            Series(_("Naive baseline"), [e.baseline_pai for e in points], reference=True),
        ],
        x_label=_("Shift"),
        y_label="PAI",
        empty_message=_("No window has been evaluated yet."),
    )


def sheet_map_svg(zones: Sequence[PatrolZone], *, size: int = 560) -> str:
    """The zones of a patrol sheet drawn to scale, labelled by rank (prints without tiles)."""
    if not zones:
        return ""
    extents = [z.geometry.extent for z in zones]
    xmin = min(e[0] for e in extents)
    ymin = min(e[1] for e in extents)
    xmax = max(e[2] for e in extents)
    ymax = max(e[3] for e in extents)
    span = max(xmax - xmin, ymax - ymin, 1e-4) * 1.1
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2

    def pt(x: float, y: float) -> str:
        return f"{(x - cx) / span * size + size / 2:.1f},{(cy - y) / span * size + size / 2:.1f}"

    parts = [f'<svg class="sheet-map" viewBox="0 0 {size} {size}" role="img">']
    for zone in zones:
        css = "zone exploration" if zone.exploration else "zone"
        for polygon in zone.geometry:
            ring = " ".join(pt(x, y) for x, y in polygon.exterior_ring.coords)  # type: ignore[attr-defined]
            parts.append(f'<polygon class="{css}" points="{ring}"/>')
        centre = zone.geometry.centroid
        label_x, label_y = pt(centre.x, centre.y).split(",")
        parts.append(f'<text x="{label_x}" y="{label_y}" class="rank">{zone.rank}</text>')
    parts.append("</svg>")
    return "".join(parts)
