"""Per-cell features for the learners: lagged counts, neighbour counts, near-repeat signals
and hour/weekday seasonality.

History features describe the incidents before an origin; window features describe the
forecast window (its hour and weekday) and how much of each cell's past falls in those hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.ndimage import convolve

from ..grid import Grid
from ..timeutil import from_days

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

LAGS = (7, 28, 91, 365)
HISTORY_NAMES = (
    *(f"log_count_{d}d" for d in LAGS),
    "log_rate_all",
    "log_ring1_28d",
    "log_ring1_365d",
    "log_ring1_all",
    "log_ring3_365d",
    "near_repeat_cell",
    "near_repeat_ring1",
    "log_days_since_last",
)
WINDOW_NAMES = ("hour_sin", "hour_cos", "weekday_sin", "weekday_cos", "log_horizon", "hour_share")
FEATURE_NAMES = HISTORY_NAMES + WINDOW_NAMES


def _ring(grid: Grid, values: FloatArray, radius: int) -> FloatArray:
    """Sum of ``values`` over the (2r+1)^2 neighbourhood of each cell, excluding the cell."""
    kernel = np.ones((2 * radius + 1, 2 * radius + 1))
    kernel[radius, radius] = 0.0
    return grid.from_image(convolve(grid.to_image(values), kernel, mode="constant"))


def history_features(
    grid: Grid,
    cells: IntArray,
    t: FloatArray,
    hours: IntArray,
    origin: float,
    near_repeat_days: float = 7.0,
) -> tuple[FloatArray, FloatArray]:
    """Features of each cell from the incidents strictly before ``origin``.

    Parameters
    ----------
    grid : Grid
    cells, t, hours : ndarray
        Cell index (>= 0), time (days) and local hour of each incident, sorted by time.
    origin : float
        Cut-off (days since the epoch).
    near_repeat_days : float
        Decay constant of the near-repeat signal.

    Returns
    -------
    features : ndarray, shape (n_cells, len(HISTORY_NAMES))
    hour_histogram : ndarray, shape (n_cells, 24)
        Incidents per local hour in the last 365 days, cell plus its 8 neighbours.
    """
    hi = int(np.searchsorted(t, origin, side="left"))
    c, age, hr = cells[:hi], origin - t[:hi], hours[:hi]
    n = grid.n_cells
    counts = {d: np.bincount(c[age < d], minlength=n).astype(np.float64) for d in LAGS}
    span = max(float(age.max()) if len(age) else 1.0, 1.0)
    rate_all = np.bincount(c, minlength=n) / span * 365.0
    decay = np.bincount(c, weights=np.exp(-age / near_repeat_days), minlength=n).astype(np.float64)
    last = np.full(n, 3650.0)
    if len(c):
        # Incidents are sorted by time, so the last write per cell is the most recent.
        last[c] = age
    cols = [np.log1p(counts[d]) for d in LAGS]
    cols += [
        np.log1p(rate_all),
        np.log1p(_ring(grid, counts[28], 1)),
        np.log1p(_ring(grid, counts[365], 1)),
        np.log1p(_ring(grid, rate_all, 1)),
        np.log1p(_ring(grid, counts[365], 3)),
        decay,
        _ring(grid, decay, 1),
        np.log1p(np.minimum(last, 3650.0)),
    ]
    recent = age < 365
    hist = np.zeros((n, 24))
    np.add.at(hist, (c[recent], hr[recent]), 1.0)
    kernel = np.ones((3, 3))
    for h in range(24):
        hist[:, h] = grid.from_image(convolve(grid.to_image(hist[:, h]), kernel, mode="constant"))
    return np.column_stack(cols), hist


def window_features(
    hour_histogram: FloatArray, start: float, duration: float, tz: str
) -> FloatArray:
    """Features of the forecast window ``[start, start + duration)`` for every cell."""
    local = from_days(start, tz)
    hour = local.hour + local.minute / 60.0
    weekday = local.day_of_week + hour / 24.0
    n = len(hour_histogram)
    if duration < 1.0:
        first = int(np.floor(hour))
        covered = (first + np.arange(max(1, int(np.ceil(duration * 24))))) % 24
        share = (hour_histogram[:, covered].sum(axis=1) + duration) / (
            hour_histogram.sum(axis=1) + 1.0
        )
    else:
        share = np.ones(n)
    const = [
        np.sin(2 * np.pi * hour / 24),
        np.cos(2 * np.pi * hour / 24),
        np.sin(2 * np.pi * weekday / 7),
        np.cos(2 * np.pi * weekday / 7),
        np.log(duration),
    ]
    return np.column_stack([np.full(n, v) for v in const] + [share])


def local_hours(t: FloatArray, tz: str) -> IntArray:
    """Local hour of day (0-23) of times in days since the epoch."""
    ns = np.round(np.asarray(t) * 86_400e9).astype("int64")
    stamps = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    return np.asarray(stamps.hour, dtype=np.int64)
