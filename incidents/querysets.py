"""Reads of districts, categories and incidents: QuerySet methods, role rules first.

Counts are in local time (``settings.TIME_ZONE``); conversions to the forecasting library's
objects (``to_events``, ``to_region``, ``grid``) happen here so every app reads them one way.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import Polygon
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    Max,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractHour,
    ExtractIsoWeekDay,
    TruncDate,
    TruncMonth,
)
from django.utils.timezone import get_default_timezone
from django.utils.translation import gettext as _

from accounts.roles import district_scope
from incidents.caching import incidents_revision
from incidents.filters import FilterError, IncidentFilters

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from forecasting import Events, Grid, Region
    from incidents.models import (  # noqa: F401 — row types
        CategorySuggestion,
        CrimeCategory,
        District,
        Incident,
    )

MAX_TILE_ZOOM = 22
POINT_ZOOM = 14  # from this zoom on a tile may carry single incidents, below it counts per cell
TILE_MAX_POINTS = 2_000  # more points than this in a tile are counted per cell (≈ 100 KB)
# The source name of simulated incidents (the demo); forecasts made from them say so.
SYNTHETIC_SOURCE = "simulado"


def projected_crs() -> str:
    return f"EPSG:{settings.PROJECTED_SRID}"


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """West, south, east, north in degrees of web-mercator tile ``z/x/y``."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def _cells_per_side(z: int) -> int:
    """Cells per side of a counted tile: ~300 m at zoom 11, ~75 m at 13 (tiles under 200 KB
    with a million incidents in Callao; docs/benchmarks.md)."""
    return 128 if z <= 12 else 64


class DistrictQuerySet(models.QuerySet["District"]):
    """Boundaries are public; ``in_scope_of`` is for the districts of operational records."""

    def get_by_natural_key(self, ubigeo: str) -> District:
        return self.get(ubigeo=ubigeo)

    def in_scope_of(self, user: object) -> DistrictQuerySet:
        """The districts whose incidents, zones and visits the user may see (DistrictScope)."""
        return district_scope(user).apply(self, "pk")

    def to_region(self) -> Region:
        """These districts, keyed by UBIGEO, in projected metres (the library's Region)."""
        import shapely

        from forecasting import Region
        from forecasting.geo import reproject

        crs = projected_crs()
        parts = {
            district.ubigeo: reproject(
                shapely.from_wkb(bytes(district.geometry.wkb)), "EPSG:4326", crs
            )
            for district in self.order_by("ubigeo")
        }
        if not parts:
            raise ValueError("no districts loaded; run manage.py import_boundaries first")
        return Region(shapely.union_all(list(parts.values())), crs, parts)

    def grid(self, *, cell: float) -> tuple[Region, Grid, NDArray[np.object_]]:
        """The region of *all* districts, its grid and each cell's district.

        Cached in the process until a district is added or updated.
        """
        latest = self.model.objects.aggregate(latest=Max("updated_at"))["latest"]
        return _grid_of_districts(f"{self.model.objects.count()}:{latest}", cell)


@lru_cache(maxsize=4)
def _grid_of_districts(version: str, cell: float) -> tuple[Region, Grid, NDArray[np.object_]]:
    from forecasting import Grid
    from incidents.models import District

    region = District.objects.all().to_region()
    grid = Grid.from_region(region, cell)
    return region, grid, grid.districts(region)


class CrimeCategoryQuerySet(models.QuerySet["CrimeCategory"]):
    def public(self) -> CrimeCategoryQuerySet:
        """Categories that public outputs may name: public and not sensitive."""
        return self.filter(public=True, sensitive=False)


class CategorySuggestionQuerySet(models.QuerySet["CategorySuggestion"]):
    def visible_to(self, user: object) -> CategorySuggestionQuerySet:
        """Suggestions of the incidents the user may see (the incidents' district scope)."""
        return district_scope(user).apply(self, "incident__district_id")

    def pending(self) -> CategorySuggestionQuerySet:
        return self.filter(status="pending")

    def disputes(self, *, min_probability: float = 0.0) -> CategorySuggestionQuerySet:
        """Pending disputes of a stated category, the surest first."""
        return self.pending().filter(reason="disputed", probability__gte=min_probability)

    def counts_by_category(self) -> list[dict[str, Any]]:
        """Pending suggestions per suggested category: code, name, count, mean probability."""
        return list(
            self.pending()
            .values("category__code", "category__name_es", "category__name_en")
            .annotate(count=Count("pk"), mean_probability=Avg("probability"))
            .order_by("-count", "category__code")
        )


class IncidentQuerySet(models.QuerySet["Incident"]):
    # --- Which rows ---------------------------------------------------------------------

    def visible_to(self, user: object) -> IncidentQuerySet:
        """Deny by default: the rows a user's role may count or see (DistrictScope).

        Officers see their own district; planners, officials (aggregates only, enforced by
        the views' audiences) and admins every district; everybody else nothing.
        """
        return district_scope(user).apply(self, "district_id")

    def between(self, start: Any = None, end: Any = None) -> IncidentQuerySet:
        queryset = self
        if start is not None:
            queryset = queryset.filter(occurred_at__gte=start)
        if end is not None:
            queryset = queryset.filter(occurred_at__lt=end)
        return queryset

    def in_district(self, district: District | None) -> IncidentQuerySet:
        return self if district is None else self.filter(district=district)

    def of_categories(self, category_ids: Iterable[int] | None) -> IncidentQuerySet:
        return self if category_ids is None else self.filter(category_id__in=list(category_ids))

    def of_origins(self, origins: Iterable[str] | None) -> IncidentQuerySet:
        return self if origins is None else self.filter(origin__in=list(origins))

    def data_version(self) -> str:
        """A fingerprint of the whole incident table (incidents/caching.py says how it moves)."""
        last = self.model.objects.aggregate(last=Max("id"))["last"] or 0
        # The database's name too: a test run and a server may share one cache.
        return f"{connection.settings_dict['NAME']}:{last}:{incidents_revision()}"

    def export_query(self, *, with_narrative: bool) -> tuple[str, tuple[Any, ...]]:
        """SQL and parameters of the CSV export's rows, oldest first, every cell already text.

        PostgreSQL formats the cells (local time with its offset, six decimals, cells that a
        spreadsheet would run as formulas prefixed with an apostrophe) so that the export can
        stream its COPY output untouched (incidents/exports.py). ``occurred_at`` is local time
        in the session's time zone, which the export sets.
        """
        text: CharField[str, str] = CharField()

        def safe(field: str) -> Case:
            return Case(
                When(**{f"{field}__regex": r"^[-=+@\t\r]"}, then=Concat(Value("'"), F(field))),
                default=F(field),
                output_field=text,
            )

        def decimals(function: str) -> Func:
            located = Func(F("location"), function=function, output_field=FloatField())
            return Func(located, Value("FM9990.000000"), function="to_char", output_field=text)

        columns = {
            "x_id": Cast("id", text),
            "x_at": Func(
                F("occurred_at"),
                Value('YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
                function="to_char",
                output_field=text,
            ),
            "x_lat": decimals("ST_Y"),
            "x_lon": decimals("ST_X"),
            "x_category": F("category__code"),
            "x_district": Coalesce("district__ubigeo", Value(""), output_field=text),
            "x_origin": F("origin"),
            "x_severity": Coalesce(Cast("severity", text), Value(""), output_field=text),
            "x_source": safe("source"),
            "x_external_id": safe("external_id"),
            **({"x_narrative": safe("narrative")} if with_narrative else {}),
        }
        rows = self.annotate(**columns).order_by("occurred_at", "id").values_list(*columns)
        sql, params = rows.query.sql_with_params()
        return sql, tuple(params)

    def synthetic(self) -> IncidentQuerySet:
        return self.filter(source=SYNTHETIC_SOURCE)

    def filtered(self, filters: IncidentFilters) -> IncidentQuerySet:
        """The rows matching the filters of a page or endpoint (incidents/filters.py)."""
        queryset = self.between(filters.start, filters.end)
        if filters.categories:
            queryset = queryset.filter(category__code__in=filters.categories)
        if filters.districts:
            queryset = queryset.filter(district__ubigeo__in=filters.districts)
        if filters.origins:
            queryset = queryset.filter(origin__in=filters.origins)
        if filters.bbox:
            queryset = queryset.filter(location__within=Polygon.from_bbox(filters.bbox))
        return queryset

    # --- Counts (local time) ------------------------------------------------------------

    def _counts(self, *fields: str) -> models.QuerySet[Incident, dict[str, Any]]:
        return self.order_by().values(*fields).annotate(n=Count("id"))

    def tally(self, *fields: str) -> dict[tuple[Any, ...], int]:
        """Counts by the values of ``fields`` (lookups such as ``district__ubigeo``)."""
        return {tuple(row[f] for f in fields): row["n"] for row in self._counts(*fields)}

    def counts_by_category(self) -> dict[str, int]:
        return {row["category__code"]: row["n"] for row in self._counts("category__code")}

    def counts_by_district(self) -> dict[str | None, int]:
        """By UBIGEO; ``None`` counts the incidents outside every district."""
        return {row["district__ubigeo"]: row["n"] for row in self._counts("district__ubigeo")}

    def counts_by_origin(self) -> dict[str, int]:
        return {row["origin"]: row["n"] for row in self._counts("origin")}

    def counts_by_hour(self) -> dict[int, int]:
        """Counts by local hour of day (0–23); hours without incidents are absent."""
        rows = self.annotate(h=ExtractHour("occurred_at", tzinfo=get_default_timezone()))
        return {row["h"]: row["n"] for row in rows._counts("h")}

    def counts_by_weekday(self) -> dict[int, int]:
        """Counts by local weekday, 0 being Monday (as ``datetime.weekday()``)."""
        rows = self.annotate(w=ExtractIsoWeekDay("occurred_at", tzinfo=get_default_timezone()))
        return {row["w"] - 1: row["n"] for row in rows._counts("w")}

    def counts_by_hour_weekday(self) -> dict[tuple[int, int], int]:
        """Counts by (local weekday, 0 being Monday; local hour)."""
        zone = get_default_timezone()
        rows = self.annotate(
            w=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
            h=ExtractHour("occurred_at", tzinfo=zone),
        )
        return {(row["w"] - 1, row["h"]): row["n"] for row in rows._counts("w", "h")}

    def counts_by_month(self) -> dict[tuple[int, int], int]:
        """Counts by local (year, month)."""
        rows = self.annotate(month=TruncMonth("occurred_at", tzinfo=get_default_timezone()))
        return {(row["month"].year, row["month"].month): row["n"] for row in rows._counts("month")}

    def counts_by_day(self) -> dict[dt.date, int]:
        rows = self.annotate(day=TruncDate("occurred_at", tzinfo=get_default_timezone()))
        return {row["day"]: row["n"] for row in rows._counts("day")}

    def severity_index(self) -> float:
        """Incidents weighted by their category's severity weight."""
        total = self.order_by().aggregate(s=Sum("category__severity_weight"))["s"]
        return float(total or 0.0)

    def counts_by_cell(self, *, cell_m: int) -> dict[tuple[int, int], int]:
        """Counts per square cell of a fixed projected grid: ``(column, row) -> count``.

        The grid is anchored at the CRS origin, not at the data, so every report uses the same
        cells and two maps cannot be subtracted to isolate a smaller area.
        """
        ids_sql, ids_params = self.order_by().values("id").query.sql_with_params()
        sql = f"""
            SELECT floor(ST_X(p) / %s)::int AS col, floor(ST_Y(p) / %s)::int AS row, count(*)
              FROM (SELECT ST_Transform(location, %s) AS p
                      FROM incidents_incident WHERE id IN ({ids_sql})) AS projected
             GROUP BY 1, 2
        """  # noqa: S608 — the inner query is Django's own SQL with its parameters bound below
        with connection.cursor() as cursor:
            cursor.execute(sql, [cell_m, cell_m, settings.PROJECTED_SRID, *ids_params])
            return {(col, row): n for col, row, n in cursor.fetchall()}

    def stats(self) -> dict[str, Any]:
        """Counts by day, hour and ISO weekday (local time), category and district."""
        hours, weekdays = self.counts_by_hour(), self.counts_by_weekday()
        categories = self._counts("category__code", "category__name_es", "category__name_en")
        districts = self._counts("district__ubigeo", "district__name")
        return {
            "total": self.count(),
            "by_day": [
                {"date": day.isoformat(), "count": n}
                for day, n in sorted(self.counts_by_day().items())
            ],
            "by_hour": [{"hour": hour, "count": hours.get(hour, 0)} for hour in range(24)],
            "by_weekday": [{"weekday": day + 1, "count": weekdays.get(day, 0)} for day in range(7)],
            "by_category": [
                {
                    "code": row["category__code"],
                    "name_es": row["category__name_es"],
                    "name_en": row["category__name_en"],
                    "count": row["n"],
                }
                for row in categories.order_by("-n", "category__code")
            ],
            "by_district": [
                {
                    "ubigeo": row["district__ubigeo"],
                    "name": row["district__name"],
                    "count": row["n"],
                }
                for row in districts.order_by("district__ubigeo")
            ],
        }

    # --- Other shapes ---------------------------------------------------------------------

    def narratives(self, *, limit: int) -> list[tuple[int, str]]:
        """(id, narrative) of the newest incidents that have one."""
        rows = (
            self.exclude(narrative="")
            .order_by("-occurred_at", "-id")
            .values_list("id", "narrative")[:limit]
        )
        return list(rows)

    def vector_tile(self, *, z: int, x: int, y: int) -> bytes:
        """A Mapbox vector tile (layer ``incidents``) of these rows, built by PostGIS ST_AsMVT.

        Single incidents from zoom 14 on when the tile holds at most ``TILE_MAX_POINTS`` of
        them; otherwise each feature is a cell of a grid over the tile (``_cells_per_side``)
        with its ``count``, so that a tile stays small whatever the number of incidents.
        """
        if not (0 <= z <= MAX_TILE_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
            raise FilterError(_("Tile coordinates out of range."))
        # The tile's own rows first (GiST index), so that the SQL below never sees the rest.
        rows = self.filter(location__bboverlaps=Polygon.from_bbox(tile_bounds(z, x, y)))
        as_points = z >= POINT_ZOOM and len(rows.values_list("id")[: TILE_MAX_POINTS + 1]) <= (
            TILE_MAX_POINTS
        )
        ids_sql, ids_params = rows.order_by().values("id").query.sql_with_params()
        params: list[Any] = [z, x, y]
        if as_points:
            features = """
                SELECT i.id, c.code AS category, to_char(i.occurred_at AT TIME ZONE %s,
                       'YYYY-MM-DD HH24:MI') AS occurred_at,
                       ST_AsMVTGeom(ST_Transform(i.location, 3857), bounds.geom, 4096, 64, true)
                         AS geom
                  FROM incidents_incident i
                  JOIN incidents_crimecategory c ON c.id = i.category_id, bounds
                 WHERE i.id IN ({ids})
            """
            params.append(settings.TIME_ZONE)
        else:
            features = """
                SELECT count(*) AS count,
                       ST_AsMVTGeom(ST_Centroid(ST_Collect(p.merc)), p.tile, 4096, 64, true) AS geom
                  FROM (SELECT ST_Transform(i.location, 3857) AS merc,
                               bounds.geom AS tile,
                               ST_SnapToGrid(ST_Transform(i.location, 3857),
                                             (ST_XMax(bounds.geom) - ST_XMin(bounds.geom)) / %s)
                                 AS cell
                          FROM incidents_incident i, bounds
                         WHERE i.id IN ({ids})) p
                 GROUP BY p.cell, p.tile
            """
            params.append(_cells_per_side(z))
        sql = f"""
            WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
                 features AS ({features.format(ids=ids_sql)})
            SELECT ST_AsMVT(features, 'incidents', 4096, 'geom') FROM features
             WHERE geom IS NOT NULL
        """  # noqa: S608 — the inner query is Django's own SQL with its parameters bound below
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *ids_params])
            row = cursor.fetchone()
        return bytes(row[0]) if row and row[0] is not None else b""

    def to_events(self, *, tz: str | None = None) -> Events | None:
        """These incidents as the library's Events (projected metres); None when there are none."""
        import numpy as np
        import pandas as pd

        from forecasting import Events

        tz = tz or settings.TIME_ZONE
        # ST_X/ST_Y in SQL: building a GEOS point per row costs more than the whole query.
        rows = list(
            self.order_by()
            .annotate(
                lon=Func(F("location"), function="ST_X", output_field=FloatField()),
                lat=Func(F("location"), function="ST_Y", output_field=FloatField()),
            )
            .values_list("occurred_at", "lon", "lat", "category__code", "origin")
        )
        if not rows:
            return None
        times = pd.DatetimeIndex([r[0] for r in rows]).tz_convert(tz)
        lon = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
        lat = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
        category = np.asarray([r[3] for r in rows], dtype=object)
        origin = np.asarray([r[4] for r in rows], dtype=object)
        return Events.from_lonlat(times, lon, lat, category, origin, tz=tz, crs=projected_crs())
