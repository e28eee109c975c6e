"""Display helpers: zone reasons, GeoJSON of zones, and server-side SVG (chart, sheet map)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _

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
            "%(expected).1f expected from the past year."
        ) % {"recent": e.get("recent_incidents", 0), "expected": e.get("recent_expected", 0)}
    if zone.driver == Driver.TIME_OF_DAY:
        return _(
            "Time of day: %(share)d%% of this area's incidents of the past year fell in "
            "these hours (district: %(district)d%%)."
        ) % {
            "share": round(100 * e.get("shift_share", 0)),
            "district": round(100 * e.get("district_shift_share", 0)),
        }
    return _(
        "Long-term hotspot: %(share).1f%% of the district's incidents of the past year in "
        "%(area).1f%% of its area."
    ) % {"share": 100 * e.get("year_share", 0), "area": 100 * e.get("area_share", 0)}


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


def accuracy_chart_svg(
    evaluations: Sequence[ForecastEvaluation], *, width: int = 720, height: int = 240
) -> str:
    """PAI per evaluated window (champion and naive baseline) as an inline SVG line chart."""
    points = [e for e in evaluations if e.pai is not None]
    if not points:
        return ""
    pad = 36
    top = max(max(e.pai or 0 for e in points), max(e.baseline_pai or 0 for e in points), 1.0)

    def xy(i: int, value: float) -> str:
        x = pad + (width - 2 * pad) * (i / max(len(points) - 1, 1))
        y = height - pad - (height - 2 * pad) * (value / top)
        return f"{x:.1f},{y:.1f}"

    champion = " ".join(xy(i, e.pai or 0) for i, e in enumerate(points))
    baseline = " ".join(
        xy(i, e.baseline_pai) for i, e in enumerate(points) if e.baseline_pai is not None
    )
    first = points[0].forecast.window_start.strftime("%d/%m")
    last = points[-1].forecast.window_start.strftime("%d/%m")
    title = escape(_("Evaluated PAI per shift"))
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}"/>'
        f'<line class="axis" x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}"/>'
        f'<text x="4" y="{pad}">{top:.1f}</text><text x="4" y="{height - pad}">0</text>'
        f'<text x="{pad}" y="{height - 8}">{first}</text>'
        f'<text x="{width - pad - 30}" y="{height - 8}">{last}</text>'
        f'<polyline class="series-baseline" points="{baseline}"/>'
        f'<polyline class="series-champion" points="{champion}"/>'
        "</svg>"
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
