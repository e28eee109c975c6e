"""Reads of incidents: filters from query parameters, statistics and vector tiles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from incidents.models import Incident, IncidentQuerySet

MAX_TILE_ZOOM = 22
POINT_ZOOM = 14  # from this zoom on tiles carry single incidents, below it counts per cell


class FilterError(ValueError):
    """A query parameter that cannot be understood; the message names it."""


@dataclass(frozen=True)
class IncidentFilters:
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _moment(name: str, raw: str, *, end_of_day: bool) -> dt.datetime:
    moment = parse_datetime(raw)
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise FilterError(f"{name}: use YYYY-MM-DD or an ISO 8601 date-time, not {raw!r}.")
        moment = dt.datetime.combine(day + dt.timedelta(days=1 if end_of_day else 0), dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _codes(raw: str | None) -> tuple[str, ...]:
    return tuple(code.strip() for code in (raw or "").split(",") if code.strip())


def incident_filters_parse(params: Any) -> IncidentFilters:
    """Filters from ?start=&end=&category=&district=&origin=&bbox= (comma-separated lists).

    A date-only ``end`` includes that whole day.
    """
    start = _moment("start", params["start"], end_of_day=False) if params.get("start") else None
    end = _moment("end", params["end"], end_of_day=True) if params.get("end") else None
    if start and end and end <= start:
        raise FilterError("end must be after start.")
    bbox = None
    if params.get("bbox"):
        try:
            west, south, east, north = (float(value) for value in params["bbox"].split(","))
        except ValueError as exc:
            raise FilterError("bbox: four numbers west,south,east,north in degrees.") from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise FilterError("bbox: west < east and south < north, within ±180/±90.")
        bbox = (west, south, east, north)
    return IncidentFilters(
        start=start,
        end=end,
        categories=_codes(params.get("category")),
        districts=_codes(params.get("district")),
        origins=_codes(params.get("origin")),
        bbox=bbox,
    )


def incidents_filtered(queryset: IncidentQuerySet, filters: IncidentFilters) -> IncidentQuerySet:
    queryset = queryset.between(filters.start, filters.end)
    if filters.categories:
        queryset = queryset.filter(category__code__in=filters.categories)
    if filters.districts:
        queryset = queryset.filter(district__ubigeo__in=filters.districts)
    if filters.origins:
        queryset = queryset.filter(origin__in=filters.origins)
    if filters.bbox:
        queryset = queryset.filter(location__within=Polygon.from_bbox(filters.bbox))
    return queryset


def incident_stats(queryset: QuerySet[Incident]) -> dict[str, Any]:
    """Counts by day, hour and ISO weekday (local time), category and district."""
    by_day = (
        queryset.annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    by_hour = (
        queryset.annotate(h=ExtractHour("occurred_at"))
        .values("h")
        .annotate(n=Count("id"))
        .order_by("h")
    )
    by_weekday = (
        queryset.annotate(w=ExtractIsoWeekDay("occurred_at"))
        .values("w")
        .annotate(n=Count("id"))
        .order_by("w")
    )
    by_category = (
        queryset.values("category__code", "category__name_es", "category__name_en")
        .annotate(n=Count("id"))
        .order_by("-n", "category__code")
    )
    by_district = (
        queryset.values("district__ubigeo", "district__name")
        .annotate(n=Count("id"))
        .order_by("district__ubigeo")
    )
    hours = {row["h"]: row["n"] for row in by_hour}
    weekdays = {row["w"]: row["n"] for row in by_weekday}
    return {
        "total": queryset.count(),
        "by_day": [{"date": row["day"].isoformat(), "count": row["n"]} for row in by_day],
        "by_hour": [{"hour": hour, "count": hours.get(hour, 0)} for hour in range(24)],
        "by_weekday": [{"weekday": day, "count": weekdays.get(day, 0)} for day in range(1, 8)],
        "by_category": [
            {
                "code": row["category__code"],
                "name_es": row["category__name_es"],
                "name_en": row["category__name_en"],
                "count": row["n"],
            }
            for row in by_category
        ],
        "by_district": [
            {"ubigeo": row["district__ubigeo"], "name": row["district__name"], "count": row["n"]}
            for row in by_district
        ],
    }


def incident_tile(queryset: QuerySet[Incident], *, z: int, x: int, y: int) -> bytes:
    """A Mapbox vector tile (layer ``incidents``) of the queryset, built by PostGIS ST_AsMVT.

    Below zoom 14 each feature is a cell of the tile's 256×256 grid with its ``count``, so a
    tile stays small whatever the number of incidents; from zoom 14 on, single incidents.
    """
    if not (0 <= z <= MAX_TILE_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise FilterError("Tile coordinates out of range.")
    ids_sql, ids_params = queryset.order_by().values("id").query.sql_with_params()
    if z >= POINT_ZOOM:
        features = """
            SELECT i.id, c.code AS category, to_char(i.occurred_at AT TIME ZONE 'America/Lima',
                   'YYYY-MM-DD HH24:MI') AS occurred_at,
                   ST_AsMVTGeom(ST_Transform(i.location, 3857), bounds.geom, 4096, 64, true) AS geom
              FROM incidents_incident i
              JOIN incidents_crimecategory c ON c.id = i.category_id, bounds
             WHERE i.id IN ({ids})
               AND i.location && ST_Transform(bounds.geom, 4326)
        """
    else:
        features = """
            SELECT count(*) AS count,
                   ST_AsMVTGeom(ST_Centroid(ST_Collect(p.merc)), p.tile, 4096, 64, true) AS geom
              FROM (SELECT ST_Transform(i.location, 3857) AS merc,
                           bounds.geom AS tile,
                           ST_SnapToGrid(ST_Transform(i.location, 3857),
                                         (ST_XMax(bounds.geom) - ST_XMin(bounds.geom)) / 256) AS cell
                      FROM incidents_incident i, bounds
                     WHERE i.id IN ({ids})
                       AND i.location && ST_Transform(bounds.geom, 4326)) p
             GROUP BY p.cell, p.tile
        """
    sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
             features AS ({features.format(ids=ids_sql)})
        SELECT ST_AsMVT(features, 'incidents', 4096, 'geom') FROM features WHERE geom IS NOT NULL
    """  # noqa: S608 — the inner query is Django's own SQL with its parameters bound below
    with connection.cursor() as cursor:
        cursor.execute(sql, [z, x, y, *ids_params])
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""
