"""The heavy analyses on the database's incidents: emerging hot spots and the Knox test.

The statistics are the library's (``forecasting.analysis``); this module chooses the
incidents, puts them on the grid and the calendar, and writes a result the pages can draw:
plain JSON, cell polygons in WGS84, place names instead of indices.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from analytics.forms import (
    AnalysisParams,
    HotspotParams,
    NearRepeatParams,
    first_step,
    time_steps,
)
from analytics.models import AnalysisRun
from callao.errors import InvalidInput
from forecasting import Events, Grid
from forecasting.analysis import (
    emerging_hot_spots,
    knox_test,
    near_repeat_extent,
    space_time_cube,
)
from forecasting.geo import reproject
from incidents.models import District

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Outcome:
    incidents: int
    result: dict[str, Any]


def compute(params: AnalysisParams, *, progress: Progress, previous: AnalysisRun | None) -> Outcome:
    if isinstance(params, HotspotParams):
        return hotspots_compute(params, progress=progress, previous=previous)
    if isinstance(params, NearRepeatParams):
        return near_repeat_compute(params, progress=progress)
    raise TypeError(f"no heavy analysis for {type(params).__name__}")


def _events(params: AnalysisParams, progress: Progress) -> Events:
    progress(5, _("Reading incidents"))
    events = params.selection.incidents().to_events()
    if events is None:
        raise InvalidInput(_("No incident matches this selection."))
    return events


# --- Emerging hot spots ---------------------------------------------------------------------


def hotspots_compute(
    params: HotspotParams, *, progress: Progress, previous: AnalysisRun | None
) -> Outcome:
    grid, cell_districts = _grid(params.cell_m)
    events = _events(params, progress)
    steps, n_steps = _time_steps(events, params)
    cells = grid.locate(events.x, events.y)
    inside = (cells >= 0) & (steps >= 0)
    progress(25, _("Building the space-time cube"))
    cube = space_time_cube(cells[inside], steps[inside], grid.n_cells, n_steps)
    progress(40, _("Getis-Ord Gi* and Mann-Kendall"))
    centres = np.column_stack(grid.centres())
    found = emerging_hot_spots(
        cube, centres, distance=float(params.distance_m), time_window=params.time_window
    )
    progress(85, _("Drawing the map"))
    names = {district.ubigeo: district.name for district in District.objects.all()}
    cells_out = _patterned_cells(found, cell_districts, names)
    result = {
        "grid": {"cell_m": params.cell_m, "n_cells": grid.n_cells, "steps": n_steps},
        "step": params.step,
        "categories": _category_counts(found.category),
        "cells": cells_out,
        "map": _cells_geojson(grid, cells_out),
        "changed": _changes(cells_out, previous),
    }
    return Outcome(incidents=int(inside.sum()), result=result)


def _grid(cell_m: int) -> tuple[Grid, NDArray[np.object_]]:
    """The grid of all districts (its size was checked by the form)."""
    _region, grid, cell_districts = District.objects.grid(cell=float(cell_m))
    return grid, cell_districts


def _local_days(events: Events) -> pd.DatetimeIndex:
    """Each event's local calendar day (midnight, naive)."""
    ns = np.round(np.asarray(events.t) * 86_400e9).astype("int64")
    stamps = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").tz_convert(events.tz)
    return stamps.tz_localize(None).normalize()


def _time_steps(events: Events, params: HotspotParams) -> tuple[NDArray[np.int64], int]:
    """Each event's whole week or month (forms.time_steps); -1 outside every whole one."""
    start, end = params.selection.start, params.selection.end
    first = first_step(start, params.step)
    n_steps = time_steps(start, end, params.step)
    days = _local_days(events)
    if params.step == "week":
        steps = np.asarray((days - pd.Timestamp(first)).days // 7, dtype=np.int64)
    else:
        steps = np.asarray((days.year - first.year) * 12 + days.month - first.month, dtype=np.int64)
    steps[(steps < 0) | (steps >= n_steps)] = -1
    return steps, n_steps


def _patterned_cells(
    found: Any, cell_districts: NDArray[np.object_], names: dict[str, str]
) -> list[dict[str, Any]]:
    out = []
    for index in np.flatnonzero(np.asarray(found.category) != "no_pattern"):
        ubigeo = str(cell_districts[index])
        out.append(
            {
                "cell": int(index),
                "category": str(found.category[index]),
                "district": names.get(ubigeo, ""),
                "trend_z": _number(found.trend_z[index]),
                "trend_p": _number(found.trend_p[index]),
                "last_z": _number(found.gi_z[-1, index]),
                "hot_steps": int(found.hot[:, index].sum()),
                "cold_steps": int(found.cold[:, index].sum()),
            }
        )
    return out


def _number(value: float) -> float | None:
    value = float(value)
    return None if not np.isfinite(value) else round(value, 4)


def _category_counts(categories: NDArray[Any]) -> dict[str, int]:
    codes, counts = np.unique(np.asarray(categories, dtype=str), return_counts=True)
    return {str(code): int(n) for code, n in zip(codes, counts, strict=True)}


def _cells_geojson(grid: Grid, cells: list[dict[str, Any]]) -> dict[str, Any]:
    boxes = grid.boxes()
    features = []
    for cell in cells:
        polygon = reproject(boxes[cell["cell"]], grid.crs, "EPSG:4326")
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(shapely.set_precision(polygon, 1e-6))),
                "properties": cell,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _changes(cells: list[dict[str, Any]], previous: AnalysisRun | None) -> list[dict[str, Any]]:
    """Places whose category differs from the last run of the same parameters."""
    if previous is None:
        return []
    before = {cell["cell"]: cell for cell in previous.result.get("cells", [])}
    now = {cell["cell"]: cell for cell in cells}
    changed = []
    for index in sorted(set(before) | set(now)):
        old = before.get(index, {}).get("category", "no_pattern")
        new = now.get(index, {}).get("category", "no_pattern")
        if old != new:
            district = (now.get(index) or before.get(index) or {}).get("district", "")
            changed.append({"cell": index, "district": district, "before": old, "after": new})
    return changed


# --- Near repeat (Knox) ----------------------------------------------------------------------


def near_repeat_compute(params: NearRepeatParams, *, progress: Progress) -> Outcome:
    """Knox table as the Near Repeat Calculator shows it: rows "same place", 1–100 m, …;
    columns 0–7, 8–14 … days, on local calendar days."""
    events = _events(params, progress)
    if len(events) < 2:
        raise InvalidInput(_("The near-repeat test needs at least two incidents."))
    distances = [
        0.0,
        *(float(params.distance_band_m * k) for k in range(1, params.distance_bands + 1)),
    ]
    times = [float(params.time_band_days * k) for k in range(1, params.time_bands + 1)]
    days = _local_days(events)
    day_numbers = np.asarray((days - pd.Timestamp("1970-01-01")).days, dtype=np.float64)
    progress(20, _("Counting pairs and permuting times"))
    found = knox_test(
        events.x,
        events.y,
        day_numbers,
        distance_bands=distances,
        time_bands=times,
        permutations=params.permutations,
    )
    progress(90, _("Writing the table"))
    # A wide cumulative band keeps the excess of the close ones at a diluted ratio: say what
    # stands out (at least 20 % above chance), not a band that barely does.
    extent = near_repeat_extent(found, min_ratio=1.2)
    result = {
        "distance_edges": distances,
        "time_edges": times,
        "permutations": params.permutations,
        "pairs": found.n_pairs,
        "observed": np.asarray(found.observed).tolist(),
        "expected": np.round(np.asarray(found.expected, dtype=float), 3).tolist(),
        "ratio": _rounded(found.ratio),
        "p_value": _rounded(found.p_value),
        "extent": None
        if extent is None
        else {"distance_m": extent.distance, "days": extent.days, "ratio": round(extent.ratio, 3)},
    }
    return Outcome(incidents=len(events), result=result)


def _rounded(values: Any) -> list[list[float | None]]:
    array = np.asarray(values, dtype=float)
    return [[None if not np.isfinite(v) else round(float(v), 4) for v in row] for row in array]
