"""The simulated process and its true intensity (the oracle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.special import ndtr

from ..events import Events
from ..geo import Region
from ..grid import Grid
from ..timeutil import TimeLike, to_days

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
