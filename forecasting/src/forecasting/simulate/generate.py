"""Drawing incidents from the space-time Hawkes process of :mod:`forecasting.simulate`."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from ..events import Events
from ..geo import Region
from ..timeutil import TimeLike, to_days
from .process import CATEGORIES, ORIGINS, FloatArray, Simulation, season_factor


def simulate(
    region: Region,
    start: TimeLike,
    days: float,
    random_state: int | None = None,
    *,
    background_per_day: float = 30.0,
    n_hotspots: int = 12,
    hotspot_share: float = 0.8,
    hotspot_sigma: tuple[float, float] = (120.0, 500.0),
    theta: float = 0.3,
    omega: float = 0.5,
    sigma_trigger: float = 75.0,
    daily_amplitude: float = 0.5,
    daily_peak_hour: float = 20.0,
    weekly_amplitude: float = 0.2,
    weekly_peak_day: float = 5.0,
    tz: str = "America/Lima",
) -> Simulation:
    """Simulate a space-time Hawkes process of incidents over ``region``.

    Parameters
    ----------
    region : Region
        Study area (projected metres).
    start : str, datetime or Timestamp
        First instant simulated (naive = local time in ``tz``).
    days : float
        Length of the simulated history in days.
    random_state : int, optional
        Seed; the same seed gives the same incidents.
    background_per_day : float, default 30
        Mean background incidents per day over the whole region.
    n_hotspots, hotspot_share, hotspot_sigma
        Number of Gaussian hotspots, the share of background they carry (the rest is
        uniform) and the range their standard deviations (metres) are drawn from.
    theta, omega, sigma_trigger
        Branching ratio, excitation decay rate per day and trigger displacement (metres).
    daily_amplitude, daily_peak_hour, weekly_amplitude, weekly_peak_day
        Seasonality: ``s(t) = (1 + a_d cos(hour phase)) (1 + a_w cos(weekday phase))``,
        with weekday 0 = Monday.
    tz : str
        Local time zone of the region.

    Returns
    -------
    Simulation
    """
    if not 0 <= theta < 1:
        raise ValueError("theta must be in [0, 1) for the process to be stable")
    rng = np.random.default_rng(random_state)
    t0 = to_days(start, tz)
    t1 = t0 + float(days)
    import pandas as pd

    offset = pd.Timestamp(t0 * 86_400e9, unit="ns", tz="UTC").tz_convert(tz).utcoffset()
    centres = _uniform_points(region, n_hotspots, rng)
    sigmas = rng.uniform(*hotspot_sigma, size=n_hotspots)
    weights = rng.dirichlet(np.ones(n_hotspots)) * hotspot_share
    mass = np.array(
        [
            shapely.contains_xy(
                region.geometry, *(c[:, None] + s * rng.standard_normal((2, 20_000)))
            ).mean()
            for c, s in zip(centres, sigmas, strict=True)
        ]
    )
    params: dict[str, Any] = {
        "background_per_day": float(background_per_day),
        "hotspot_centres": centres,
        "hotspot_sigmas": sigmas,
        "hotspot_weights": weights,
        "hotspot_mass": np.maximum(mass, 1e-6),
        "uniform_share": 1.0 - hotspot_share,
        "theta": float(theta),
        "omega": float(omega),
        "sigma_trigger": float(sigma_trigger),
        "daily_amplitude": float(daily_amplitude),
        "daily_peak_hour": float(daily_peak_hour),
        "weekly_amplitude": float(weekly_amplitude),
        "weekly_peak_day": float(weekly_peak_day),
        "utc_offset_hours": offset.total_seconds() / 3600.0 if offset is not None else 0.0,
        "start": t0,
        "end": t1,
    }
    # Background by thinning a homogeneous process at the seasonal peak rate.
    peak = (1 + daily_amplitude) * (1 + weekly_amplitude)
    t = rng.uniform(t0, t1, size=rng.poisson(background_per_day * peak * days))
    t = t[rng.uniform(size=len(t)) * peak < season_factor(params, t)]
    component = rng.choice(n_hotspots + 1, size=len(t), p=np.append(weights, 1 - hotspot_share))
    x, y = np.empty(len(t)), np.empty(len(t))
    for k in range(n_hotspots + 1):
        sel = np.flatnonzero(component == k)
        if k < n_hotspots:
            x[sel], y[sel] = _gaussian_points(region, centres[k], sigmas[k], len(sel), rng)
        else:
            x[sel], y[sel] = _uniform_points(region, len(sel), rng).T
    cats, probs = list(CATEGORIES), np.array(list(CATEGORIES.values()))
    cat = rng.choice(len(cats), size=len(t), p=probs / probs.sum())
    all_t, all_x, all_y, all_cat = [t], [x], [y], [cat]
    # Offspring generation by generation; each inherits its parent's category.
    while len(t):
        n_child = rng.poisson(theta, size=len(t))
        parent = np.repeat(np.arange(len(t)), n_child)
        t = t[parent] + rng.exponential(1.0 / omega, size=len(parent))
        x = x[parent] + rng.normal(0.0, sigma_trigger, size=len(parent))
        y = y[parent] + rng.normal(0.0, sigma_trigger, size=len(parent))
        cat = cat[parent]
        keep = (t < t1) & shapely.contains_xy(region.geometry, x, y)
        t, x, y, cat = t[keep], x[keep], y[keep], cat[keep]
        all_t.append(t)
        all_x.append(x)
        all_y.append(y)
        all_cat.append(cat)
    t, x, y = np.concatenate(all_t), np.concatenate(all_x), np.concatenate(all_y)
    category = np.asarray(cats, dtype=object)[np.concatenate(all_cat)]
    origin_names = list(ORIGINS)
    origin_p = np.array(list(ORIGINS.values()))
    origin = np.asarray(origin_names, dtype=object)[
        rng.choice(len(origin_names), size=len(t), p=origin_p / origin_p.sum())
    ]
    # Whole seconds, as a CSV would carry them, so that a reloaded file is the same history.
    t = np.round(t * 86_400.0) / 86_400.0
    events = Events(t, x, y, category, origin, region.crs, tz)
    return Simulation(events, region, params)


def _uniform_points(region: Region, n: int, rng: np.random.Generator) -> FloatArray:
    minx, miny, maxx, maxy = region.geometry.bounds
    out = np.empty((0, 2))
    share = max(region.area / ((maxx - minx) * (maxy - miny)), 0.01)
    while len(out) < n:
        m = int((n - len(out)) / share * 1.2) + 10
        pts = rng.uniform([minx, miny], [maxx, maxy], size=(m, 2))
        out = np.vstack([out, pts[shapely.contains_xy(region.geometry, pts[:, 0], pts[:, 1])]])
    return out[:n]


def _gaussian_points(
    region: Region, centre: FloatArray, sigma: float, n: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    out = np.empty((0, 2))
    for _ in range(1000):
        if len(out) >= n:
            break
        pts = centre + sigma * rng.standard_normal((2 * (n - len(out)) + 10, 2))
        out = np.vstack([out, pts[shapely.contains_xy(region.geometry, pts[:, 0], pts[:, 1])]])
    if len(out) < n:  # a hotspot almost entirely outside the region: fall back to uniform
        out = np.vstack([out, _uniform_points(region, n - len(out), rng)])
    return out[:n, 0], out[:n, 1]


def simulate_grid_hawkes(
    mu: FloatArray, theta: float, omega: float, days: float, random_state: int | None = None
) -> tuple[NDArray[np.int64], FloatArray]:
    """Simulate the grid SEPP of :class:`~forecasting.models.GridSEPP` over ``[0, days)``.

    Parameters
    ----------
    mu : ndarray of float
        Background rate per cell, per day.
    theta, omega : float
        Branching ratio and decay rate per day.
    days : float
        Length of the history.
    random_state : int, optional

    Returns
    -------
    cells : ndarray of int
    times : ndarray of float
        Sorted by time.
    """
    rng = np.random.default_rng(random_state)
    counts = rng.poisson(np.asarray(mu) * days)
    c = np.repeat(np.arange(len(mu)), counts)
    t = rng.uniform(0.0, days, size=len(c))
    all_c, all_t = [c], [t]
    while len(t):
        parent = np.repeat(np.arange(len(t)), rng.poisson(theta, size=len(t)))
        c = c[parent]
        t = t[parent] + rng.exponential(1.0 / omega, size=len(parent))
        keep = t < days
        c, t = c[keep], t[keep]
        all_c.append(c)
        all_t.append(t)
    c, t = np.concatenate(all_c), np.concatenate(all_t)
    order = np.argsort(t)
    return c[order].astype(np.int64), t[order]
