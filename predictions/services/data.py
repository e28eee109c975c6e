"""Incidents and districts from PostGIS as the forecasting library's objects."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from django.db.models import F, FloatField, Func, Max
from numpy.typing import NDArray

from forecasting import Events, Grid, Region
from forecasting.geo import reproject
from incidents.models import District, Incident

CRS = "EPSG:32718"  # UTM 18S: Callao (DESIGN.md)
SYNTHETIC_SOURCE = "simulado"


def region_load() -> Region:
    """Callao's districts from the database, keyed by UBIGEO, in projected metres."""
    parts = {
        d.ubigeo: reproject(shapely.from_wkb(bytes(d.geometry.wkb)), "EPSG:4326", CRS)
        for d in District.objects.order_by("ubigeo")
    }
    if not parts:
        raise ValueError("no districts loaded; run manage.py import_boundaries first")
    return Region(shapely.union_all(list(parts.values())), CRS, parts)


def _districts_version() -> str:
    latest = District.objects.aggregate(latest=Max("updated_at"))["latest"]
    return f"{District.objects.count()}:{latest}"


@lru_cache(maxsize=4)
def _grid_and_districts(version: str, cell: float) -> tuple[Region, Grid, NDArray[np.object_]]:
    region = region_load()
    grid = Grid.from_region(region, cell)
    return region, grid, grid.districts(region)


def grid_load(*, cell: float) -> tuple[Region, Grid, NDArray[np.object_]]:
    """The region, its grid and each cell's district (cached until districts change)."""
    return _grid_and_districts(_districts_version(), cell)


def grid_from_spec(spec: dict[str, object], active: NDArray[np.bool_]) -> Grid:
    return Grid(
        float(spec["x0"]),  # type: ignore[arg-type]
        float(spec["y0"]),  # type: ignore[arg-type]
        float(spec["cell"]),  # type: ignore[arg-type]
        int(spec["nx"]),  # type: ignore[call-overload]
        int(spec["ny"]),  # type: ignore[call-overload]
        active,
        str(spec["crs"]),
        tuple(spec.get("offset", (0.0, 0.0))),  # type: ignore[arg-type]
    )


def events_load(
    *,
    origins: tuple[str, ...] | None,
    start: datetime | None = None,
    end: datetime | None = None,
    tz: str = "America/Lima",
) -> Events | None:
    """Incidents of the given origins in ``[start, end)`` as Events; None when there are none."""
    queryset = Incident.objects.all()
    if origins is not None:
        queryset = queryset.filter(origin__in=origins)
    queryset = queryset.between(start, end)
    # ST_X/ST_Y in SQL: building a GEOS point per row costs more than the whole query.
    rows = list(
        queryset.order_by()
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
    return Events.from_lonlat(times, lon, lat, category, origin, tz=tz, crs=CRS)


def data_is_synthetic() -> bool:
    return Incident.objects.filter(source=SYNTHETIC_SOURCE).exists()
