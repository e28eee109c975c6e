"""Issue the champion's forecast for a shift window, with patrol zones for every district."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import IntegrityError, transaction
from django.utils import timezone
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from forecasting import Events, Grid, GridSpec, Region
from forecasting.geo import reproject
from forecasting.models.base import ForecastModel
from forecasting.models.features import local_hours
from forecasting.persistence import load_model
from forecasting.timeutil import to_days
from incidents.models import District, Incident
from predictions.conf import PredictionSettings, prediction_settings
from predictions.explain import main_driver, zone_drivers
from predictions.models import Forecast, ModelRun, PatrolZone
from predictions.shifts import ShiftWindow, shift_next
from predictions.zones import ZonePlan, zones_plan
from predictions.zones_cache import zones_json_forget


class NoChampionError(RuntimeError):
    """No model has succeeded yet, so there is nothing to forecast with."""


@lru_cache(maxsize=2)
def _load(path: str) -> ForecastModel:
    model, _ = load_model(path)
    return model


def surface_encode(risk: NDArray[np.float64], grid: Grid) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, risk=risk.astype(np.float32), active=np.packbits(grid.active.ravel())
    )
    return buffer.getvalue()


def surface_decode(data: bytes, spec: GridSpec) -> tuple[NDArray[np.float64], Grid]:
    with np.load(io.BytesIO(bytes(data))) as npz:
        n = spec["nx"] * spec["ny"]
        active = np.unpackbits(npz["active"])[:n].astype(bool)
        grid = Grid.from_spec(spec, active.reshape(spec["ny"], spec["nx"]))
        return npz["risk"].astype(np.float64), grid


def _to_multipolygon(geometry: BaseGeometry, crs: str) -> MultiPolygon:
    wgs84 = reproject(geometry, crs, "EPSG:4326")
    polygons = [g for g in getattr(wgs84, "geoms", [wgs84]) if g.geom_type == "Polygon"]
    geos = GEOSGeometry(memoryview(shapely.to_wkb(shapely.MultiPolygon(polygons))), srid=4326)
    assert isinstance(geos, MultiPolygon)
    return geos


def _shift_hours(hours: NDArray[np.int64], window: ShiftWindow) -> NDArray[np.bool_]:
    start, end = window.start.hour, window.end.hour
    if start < end:
        return (hours >= start) & (hours < end)
    return (hours >= start) | (hours < end)


def forecast_issue(
    *, window: ShiftWindow | None = None, conf: PredictionSettings | None = None
) -> Forecast:
    """The champion's forecast and zones for ``window`` (default: the next shift).

    Idempotent: a forecast already issued by the same champion for the window is returned.
    """
    conf = conf or prediction_settings()
    window = window or shift_next(moment=timezone.now(), conf=conf)
    champion = ModelRun.objects.champion()
    if champion is None:
        raise NoChampionError("no champion model yet; train first")
    existing = Forecast.objects.filter(model_run=champion, window_start=window.start).first()
    if existing is not None:
        return existing
    began = time.perf_counter()
    model = _load(str(Path(settings.MEDIA_ROOT) / champion.artifact))
    start = max(window.start, champion.trained_until)
    risk = model.predict(start, window.end)
    grid: Grid = model.grid_
    region, own_grid, cell_districts = District.objects.grid(cell=grid.cell)
    if own_grid.spec() != grid.spec():
        cell_districts = grid.districts(region)
    events = (
        Incident.objects.of_origins(conf.training_origins)
        .between(window.start - timedelta(days=366), window.start)
        .to_events(tz=conf.timezone)
    )
    plans_by_district = _plan(window, risk, grid, region, cell_districts, events, conf)
    try:
        with transaction.atomic():
            forecast = Forecast.objects.create(
                model_run=champion,
                shift_code=window.code,
                window_start=window.start,
                window_end=window.end,
                cell_m=grid.cell,
                grid=grid.spec(),
                surface=surface_encode(risk, grid),
            )
            PatrolZone.objects.bulk_create(
                PatrolZone(forecast=forecast, rank=rank, **fields)
                for zones in plans_by_district
                for rank, fields in enumerate(zones, start=1)
            )
            forecast.issue_seconds = time.perf_counter() - began
            forecast.save(update_fields=["issue_seconds"])
            # The API's rendered zones for this window would otherwise show the old forecast.
            transaction.on_commit(lambda: zones_json_forget(window_start=window.start))
    except IntegrityError:
        return Forecast.objects.get(model_run=champion, window_start=window.start)
    return forecast


def _plan(
    window: ShiftWindow,
    risk: NDArray[np.float64],
    grid: Grid,
    region: Region,
    cell_districts: NDArray[np.object_],
    events: Events | None,
    conf: PredictionSettings,
) -> list[list[dict[str, Any]]]:
    """Each district's zones, as the fields of its PatrolZone rows."""
    districts = {d.ubigeo: d for d in District.objects.all()}
    hour_seed = int(window.start.timestamp()) // 3600
    explain = _explainer(window, grid, events, conf)
    out: list[list[dict[str, Any]]] = []
    for index, ubigeo in enumerate(sorted(districts)):
        members = np.flatnonzero(cell_districts == ubigeo).astype(np.int64)
        if len(members) == 0 or ubigeo not in region.districts:
            continue
        plans = zones_plan(
            grid=grid,
            risk=risk,
            members=members,
            district_geometry=region.districts[ubigeo],
            flagged_share=conf.flagged_share,
            exploration_share=conf.exploration_share,
            max_zones=conf.units_for(ubigeo),
            rng=np.random.default_rng([conf.seed, hour_seed, index]),
        )
        out.append(
            [
                _zone_fields(plan, districts[ubigeo], explain(plan, members), grid.crs)
                for plan in plans
            ]
        )
    return out


Explainer = Callable[[ZonePlan, NDArray[np.int64]], dict[str, float]]


def _explainer(
    window: ShiftWindow, grid: Grid, events: Events | None, conf: PredictionSettings
) -> Explainer:
    """(zone plan, its district's cells) → the zone's drivers; empty without past incidents."""
    if events is None:
        return lambda plan, members: {}
    event_cells = grid.locate(events.x, events.y)
    in_shift = _shift_hours(local_hours(events.t, events.tz), window)
    start_days = to_days(window.start, conf.timezone)

    def drivers(plan: ZonePlan, members: NDArray[np.int64]) -> dict[str, float]:
        return zone_drivers(
            zone_cells=plan.cells,
            district_cells=members,
            event_cells=event_cells,
            events=events,
            in_shift_hours=in_shift,
            window_start=start_days,
        )

    return drivers


def _zone_fields(
    plan: ZonePlan, district: District, drivers: dict[str, float], crs: str
) -> dict[str, Any]:
    if drivers:
        driver = main_driver(drivers, exploration=plan.exploration)
    else:
        driver = "exploration" if plan.exploration else "long_term"
    return {
        "district": district,
        "geometry": _to_multipolygon(plan.geometry, crs),
        "cells": [int(c) for c in plan.cells],
        "expected_incidents": plan.expected,
        "area_share": plan.area_share,
        "exploration": plan.exploration,
        "driver": driver,
        "explanation": drivers,
    }
