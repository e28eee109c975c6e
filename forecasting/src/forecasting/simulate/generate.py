"""Drawing incidents from the space-time Hawkes process of :mod:`forecasting.simulate`."""

from __future__ import annotations

from dataclasses import dataclass
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
    hotspots = _draw_hotspots(region, n_hotspots, hotspot_sigma, hotspot_share, rng)
    params: dict[str, Any] = {
        "background_per_day": float(background_per_day),
        "hotspot_centres": hotspots.centres,
        "hotspot_sigmas": hotspots.sigmas,
        "hotspot_weights": hotspots.weights,
        "hotspot_mass": np.maximum(hotspots.mass, 1e-6),
        "uniform_share": 1.0 - hotspot_share,
        "theta": float(theta),
        "omega": float(omega),
        "sigma_trigger": float(sigma_trigger),
        "daily_amplitude": float(daily_amplitude),
        "daily_peak_hour": float(daily_peak_hour),
        "weekly_amplitude": float(weekly_amplitude),
        "weekly_peak_day": float(weekly_peak_day),
        "utc_offset_hours": _utc_offset_hours(t0, tz),
        "start": t0,
        "end": t1,
    }
    peak = (1 + daily_amplitude) * (1 + weekly_amplitude)
    t = _draw_background_times(params, t0, t1, background_per_day * peak * days, peak, rng)
    x, y = _draw_background_places(region, hotspots, 1 - hotspot_share, len(t), rng)
    background = _Incidents(t, x, y, _draw_categories(len(t), rng))
    every = _add_offspring(region, background, theta, omega, sigma_trigger, t1, rng)
    category = np.asarray(list(CATEGORIES), dtype=object)[every.cat]
    origin = _draw_origins(len(every.t), rng)
    # Whole seconds, as a CSV would carry them, so that a reloaded file is the same history.
    t = np.round(every.t * 86_400.0) / 86_400.0
    events = Events(t, every.x, every.y, category, origin, region.crs, tz)
    return Simulation(events, region, params)


@dataclass(frozen=True)
class _Hotspots:
    """Gaussian hotspots of the background: centres (n, 2), spreads, shares of background
    and the share of each one's mass inside the region."""

    centres: FloatArray
    sigmas: FloatArray
    weights: FloatArray
    mass: FloatArray


@dataclass(frozen=True)
class _Incidents:
    """Simulated incidents: times (days), coordinates (metres), indices into CATEGORIES."""

    t: FloatArray
    x: FloatArray
    y: FloatArray
    cat: NDArray[np.int64]


def _utc_offset_hours(t0: float, tz: str) -> float:
    """Offset of ``tz`` from UTC at ``t0``, in hours."""
    import pandas as pd

    offset = pd.Timestamp(t0 * 86_400e9, unit="ns", tz="UTC").tz_convert(tz).utcoffset()
    return offset.total_seconds() / 3600.0 if offset is not None else 0.0


def _draw_hotspots(
    region: Region,
    n_hotspots: int,
    hotspot_sigma: tuple[float, float],
    hotspot_share: float,
    rng: np.random.Generator,
) -> _Hotspots:
    """Hotspot centres uniform in the region, spreads uniform in ``hotspot_sigma`` and
    Dirichlet shares of ``hotspot_share``; the mass inside comes from 20 000 draws each."""
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
    return _Hotspots(centres, sigmas, weights, mass)


def _draw_background_times(
    params: dict[str, Any],
    t0: float,
    t1: float,
    expected_at_peak: float,
    peak: float,
    rng: np.random.Generator,
) -> FloatArray:
    """Background times in ``[t0, t1)`` following the seasonal rate of ``params``."""
    # Thinning a homogeneous process at the seasonal peak rate.
    t = rng.uniform(t0, t1, size=rng.poisson(expected_at_peak))
    return t[rng.uniform(size=len(t)) * peak < season_factor(params, t)]


def _draw_background_places(
    region: Region, hotspots: _Hotspots, uniform_share: float, n: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """``n`` points, each from a hotspot (by its weight) or, with ``uniform_share``, uniform."""
    n_hotspots = len(hotspots.sigmas)
    component = rng.choice(n_hotspots + 1, size=n, p=np.append(hotspots.weights, uniform_share))
    x, y = np.empty(n), np.empty(n)
    for k in range(n_hotspots + 1):
        sel = np.flatnonzero(component == k)
        if k < n_hotspots:
            centre, sigma = hotspots.centres[k], hotspots.sigmas[k]
            x[sel], y[sel] = _gaussian_points(region, centre, sigma, len(sel), rng)
        else:
            x[sel], y[sel] = _uniform_points(region, len(sel), rng).T
    return x, y


def _draw_categories(n: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Indices into CATEGORIES, drawn by their relative frequencies."""
    probs = np.array(list(CATEGORIES.values()))
    return rng.choice(len(probs), size=n, p=probs / probs.sum())


def _add_offspring(
    region: Region,
    background: _Incidents,
    theta: float,
    omega: float,
    sigma_trigger: float,
    t1: float,
    rng: np.random.Generator,
) -> _Incidents:
    """The background followed by its offspring, generation by generation, up to ``t1``.

    Each child inherits its parent's category; children outside the region are dropped.
    """
    t, x, y, cat = background.t, background.x, background.y, background.cat
    all_t, all_x, all_y, all_cat = [t], [x], [y], [cat]
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
    return _Incidents(
        np.concatenate(all_t), np.concatenate(all_x), np.concatenate(all_y), np.concatenate(all_cat)
    )


def _draw_origins(n: int, rng: np.random.Generator) -> NDArray[np.object_]:
    """Origin names (the keys of ORIGINS), drawn by their relative frequencies."""
    names = list(ORIGINS)
    probs = np.array(list(ORIGINS.values()))
    return np.asarray(names, dtype=object)[rng.choice(len(names), size=n, p=probs / probs.sum())]


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
