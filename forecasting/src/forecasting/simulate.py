"""A space-time Hawkes process over a region, with its true intensity as the oracle forecast.

Background incidents arrive at ``background_per_day * s(t)`` per day, where ``s`` is a daily
times weekly seasonal factor with mean 1, and fall at Gaussian hotspots (clipped to the region)
or uniformly over it. Every incident triggers ``Poisson(theta)`` offspring after an
exponential delay (rate ``omega`` per day) at a Gaussian displacement (``sigma_trigger``
metres) and of the same category; offspring outside the region are lost.

:meth:`Simulation.intensity` integrates the true conditional intensity over any window and
grid. It uses the realised incidents up to the end of the window, so it is an upper bound that
no forecast made at the window's start can reach on average: the accuracy ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.special import ndtr

from .events import Events
from .geo import Region
from .grid import Grid
from .timeutil import TimeLike, to_days

FloatArray = NDArray[np.float64]
TWO_PI = 2.0 * np.pi

CATEGORIES = {
    "hurto": 0.40,
    "robo": 0.30,
    "lesiones": 0.10,
    "violencia_familiar": 0.08,
    "microcomercializacion_drogas": 0.07,
    "homicidio": 0.05,
}
ORIGINS = {"victim_report": 0.55, "citizen_call": 0.30, "officer_initiated": 0.15}


@dataclass(frozen=True, eq=False)
class Simulation:
    """A simulated history and the parameters that generated it.

    Attributes
    ----------
    events : Events
        The simulated incidents.
    region : Region
        Where they happen.
    params : dict
        Generating parameters (scalars and arrays), enough to recompute the intensity.
    """

    events: Events
    region: Region
    params: dict[str, Any]
    _background_cache: dict[tuple[float, ...], FloatArray] = field(default_factory=dict)

    def season_integral(self, start: float, end: float) -> float:
        """Integral of the seasonal factor ``s`` over ``[start, end)`` (days)."""
        return season_integral(self.params, start, end)

    def intensity(
        self,
        grid: Grid,
        start: TimeLike | float,
        end: TimeLike | float,
        realised: bool = True,
    ) -> FloatArray:
        """True intensity integrated over ``[start, end)`` in each cell: the oracle forecast.

        Parameters
        ----------
        grid : Grid
            Cells to integrate over (same CRS as the simulation).
        start, end : str, datetime, Timestamp or float
            The window.
        realised : bool, default True
            With True, excitation from incidents inside the window counts too (the
            compensator: the ceiling). With False only incidents before ``start`` excite: the
            forecast a model knowing the true parameters would make at ``start``, except for
            the expected cascade inside the window.

        Returns
        -------
        ndarray of float, shape (grid.n_cells,)
        """
        s = to_days(start, self.events.tz)
        e = to_days(end, self.events.tz)
        p = self.params
        spatial = self._background_density(grid)
        background = p["background_per_day"] * self.season_integral(s, e) * spatial
        excitation = self._excitation(grid, s, e, e if realised else s)
        return np.asarray(background + excitation, dtype=np.float64)

    def _background_density(self, grid: Grid, q: int = 5) -> FloatArray:
        """Share of background incidents falling in each cell (midpoint rule, q x q points)."""
        key = (grid.x0, grid.y0, grid.cell, float(grid.nx), float(grid.ny), float(q))
        if key in self._background_cache:
            return self._background_cache[key]
        cx, cy = grid.centres()
        step = (np.arange(q) + 0.5) / q - 0.5
        px = (cx[:, None, None] + step[None, :, None] * grid.cell) * np.ones((1, q, q))
        py = (cy[:, None, None] + step[None, None, :] * grid.cell) * np.ones((1, q, q))
        inside = shapely.contains_xy(self.region.geometry, px.ravel(), py.ravel()).reshape(px.shape)
        pixel_area = grid.cell_area / q**2
        p = self.params
        density = np.zeros(px.shape)
        for (hx, hy), sigma, weight, z in zip(
            p["hotspot_centres"],
            p["hotspot_sigmas"],
            p["hotspot_weights"],
            p["hotspot_mass"],
            strict=True,
        ):
            r2 = ((px - hx) ** 2 + (py - hy) ** 2) / sigma**2
            density += weight / z * np.exp(-0.5 * r2) / (TWO_PI * sigma**2)
        density += p["uniform_share"] / self.region.area
        out = (density * inside).sum(axis=(1, 2)) * pixel_area
        self._background_cache[key] = out
        return np.asarray(out, dtype=np.float64)

    def _excitation(self, grid: Grid, start: float, end: float, seen: float) -> FloatArray:
        p = self.params
        theta, omega, sigma = p["theta"], p["omega"], p["sigma_trigger"]
        ev = self.events.before(seen)
        weight = theta * (
            np.exp(-omega * np.maximum(start - ev.t, 0.0)) - np.exp(-omega * (end - ev.t))
        )
        live = weight > 1e-9
        x, y, weight = ev.x[live], ev.y[live], weight[live]
        reach = int(np.ceil(5 * sigma / grid.cell)) + 1
        span = np.arange(-reach, reach + 1)
        col = np.floor((x - grid.x0) / grid.cell).astype(np.int64)[:, None] + span
        row = np.floor((y - grid.y0) / grid.cell).astype(np.int64)[:, None] + span
        edges_x = grid.x0 + col * grid.cell
        edges_y = grid.y0 + row * grid.cell
        mass_x = ndtr((edges_x + grid.cell - x[:, None]) / sigma) - ndtr(
            (edges_x - x[:, None]) / sigma
        )
        mass_y = ndtr((edges_y + grid.cell - y[:, None]) / sigma) - ndtr(
            (edges_y - y[:, None]) / sigma
        )
        mass = weight[:, None, None] * mass_y[:, :, None] * mass_x[:, None, :]
        rows = np.broadcast_to(row[:, :, None], mass.shape).ravel()
        cols = np.broadcast_to(col[:, None, :], mass.shape).ravel()
        ok = (cols >= 0) & (cols < grid.nx) & (rows >= 0) & (rows < grid.ny)
        image = np.bincount(
            rows[ok] * grid.nx + cols[ok], weights=mass.ravel()[ok], minlength=grid.nx * grid.ny
        )
        return grid.from_image(image.reshape(grid.ny, grid.nx).astype(np.float64))

    def save(self, path: str | Path) -> None:
        """Write the events and parameters to an ``.npz`` file (see :func:`load_simulation`)."""
        arrays: dict[str, Any] = {f"param_{k}": np.asarray(v) for k, v in self.params.items()}
        np.savez_compressed(
            Path(path),
            t=self.events.t,
            x=self.events.x,
            y=self.events.y,
            category=self.events.category.astype(str),
            origin=self.events.origin.astype(str),
            crs=np.asarray(self.events.crs),
            tz=np.asarray(self.events.tz),
            region_wkb=np.frombuffer(shapely.to_wkb(self.region.geometry), dtype=np.uint8),
            **arrays,
        )


def load_simulation(path: str | Path) -> Simulation:
    """Read a simulation written by :meth:`Simulation.save` (``--oracle-out``)."""
    with np.load(Path(path), allow_pickle=False) as data:
        crs = str(data["crs"])
        events = Events(
            data["t"],
            data["x"],
            data["y"],
            data["category"].astype(object),
            data["origin"].astype(object),
            crs,
            str(data["tz"]),
        )
        region = Region(shapely.from_wkb(data["region_wkb"].tobytes()), crs)
        params: dict[str, Any] = {}
        for key in data.files:
            if key.startswith("param_"):
                value = data[key]
                params[key[6:]] = value.item() if value.ndim == 0 else value
    return Simulation(events, region, params)


def season_factor(params: dict[str, Any], t: FloatArray) -> FloatArray:
    """Seasonal multiplier ``s(t)`` (mean 1 over a week) at times ``t`` (days, UTC)."""
    a, b = _phases(params, t)
    factor = (1 + params["daily_amplitude"] * np.cos(a)) * (
        1 + params["weekly_amplitude"] * np.cos(b)
    )
    return np.asarray(factor, dtype=np.float64)


def _phases(params: dict[str, Any], t: FloatArray) -> tuple[FloatArray, FloatArray]:
    local = np.asarray(t) + params["utc_offset_hours"] / 24.0
    daily = TWO_PI * (local - params["daily_peak_hour"] / 24.0)
    # 1970-01-01 was a Thursday: local + 3 counts days since a Monday 00:00.
    weekly = TWO_PI * (local + 3.0 - params["weekly_peak_day"] - 0.5) / 7.0
    return daily, weekly


def season_integral(params: dict[str, Any], start: float, end: float) -> float:
    """Exact integral of :func:`season_factor` over ``[start, end)``."""
    ad, aw = params["daily_amplitude"], params["weekly_amplitude"]
    (a0, b0), (a1, b1) = _phases(params, np.array(start)), _phases(params, np.array(end))
    wd, ww = TWO_PI, TWO_PI / 7.0

    def cos_integral(freq: float, p0: FloatArray, p1: FloatArray) -> float:
        return float((np.sin(p1) - np.sin(p0)) / freq)

    total = (end - start) + ad * cos_integral(wd, a0, a1) + aw * cos_integral(ww, b0, b1)
    total += (
        0.5
        * ad
        * aw
        * (cos_integral(wd + ww, a0 + b0, a1 + b1) + cos_integral(wd - ww, a0 - b0, a1 - b1))
    )
    return float(total)


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
