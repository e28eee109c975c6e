"""Baselines that appear in every results table.

All four turn a look-back window of incidents into a per-cell rate (incidents per day) and
multiply it by the length of the forecast window.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve

from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel, history_span


class Uniform(ForecastModel):
    """The same expected count in every cell: the floor any model must beat.

    Parameters
    ----------
    window_days : float or None, default None
        Look-back used to estimate the city-wide rate; ``None`` uses all history.
    """

    name = "uniform"

    def __init__(self, window_days: float | None = None) -> None:
        self.window_days = window_days

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        recent, span = history_span(events, until, self.window_days)
        inside = grid.locate(recent.x, recent.y) >= 0
        self.rate_ = np.full(grid.n_cells, inside.sum() / span / grid.n_cells)

    def _predict(self, start: float, end: float) -> FloatArray:
        return self.rate_ * (end - start)


class NaiveCounts(ForecastModel):
    """Incidents per cell in the last ``window_days`` days (or all history), as a rate.

    Parameters
    ----------
    window_days : float or None, default 365
        Look-back window in days, e.g. 7, 28 or 365; ``None`` counts all history.
    """

    name = "naive"

    def __init__(self, window_days: float | None = 365) -> None:
        self.window_days = window_days

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        recent, span = history_span(events, until, self.window_days)
        self.rate_ = grid.counts(grid.locate(recent.x, recent.y)) / span

    def _predict(self, start: float, end: float) -> FloatArray:
        return self.rate_ * (end - start)


class RetrospectiveKDE(ForecastModel):
    """Quartic kernel density of recent incidents, integrated over each cell.

    The density is computed by FFT convolution on a lattice ``subdivisions`` times finer
    than the grid, then summed over each cell, so cells receive the kernel mass that falls
    in them rather than its value at their centre.

    Parameters
    ----------
    bandwidth : float, default 400
        Kernel radius in metres; the quartic kernel is ``(1 - (d/h)**2)**2`` for ``d < h``.
    window_days : float or None, default 60
        Look-back window; ``None`` uses all history.
    subdivisions : int, default 3
        Fine-lattice pixels per cell side.
    """

    name = "kde"

    def __init__(
        self, bandwidth: float = 400.0, window_days: float | None = 60, subdivisions: int = 3
    ) -> None:
        self.bandwidth = bandwidth
        self.window_days = window_days
        self.subdivisions = subdivisions

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        recent, span = history_span(events, until, self.window_days)
        sub = int(self.subdivisions)
        pixel = grid.cell / sub
        col = np.floor((recent.x - grid.x0) / pixel).astype(np.int64)
        row = np.floor((recent.y - grid.y0) / pixel).astype(np.int64)
        ok = (col >= 0) & (col < grid.nx * sub) & (row >= 0) & (row < grid.ny * sub)
        # Only incidents inside the grid's cells feed the density, as for every other model.
        ok[ok] &= grid.active[row[ok] // sub, col[ok] // sub]
        fine = np.zeros((grid.ny * sub, grid.nx * sub))
        np.add.at(fine, (row[ok], col[ok]), 1.0)
        smooth = fftconvolve(fine, quartic_kernel(self.bandwidth, pixel), mode="same")
        cells = smooth.reshape(grid.ny, sub, grid.nx, sub).sum(axis=(1, 3))
        self.rate_ = drop_fft_noise(grid.from_image(cells)) / span

    def _predict(self, start: float, end: float) -> FloatArray:
        return self.rate_ * (end - start)


def drop_fft_noise(values: FloatArray) -> FloatArray:
    """Zero the round-off that FFT convolution leaves where the exact result is 0.

    Cells that no kernel reaches must tie at exactly 0, or the ranking among them would be
    decided by floating-point noise.
    """
    top = float(values.max()) if len(values) else 0.0
    return np.where(values > 1e-9 * top, values, 0.0)


def quartic_kernel(bandwidth: float, pixel: float) -> FloatArray:
    """A normalised quartic (biweight) kernel of radius ``bandwidth`` sampled on pixels."""
    r = max(1, int(np.ceil(bandwidth / pixel)))
    offsets = np.arange(-r, r + 1) * pixel
    d2 = (offsets[:, None] ** 2 + offsets[None, :] ** 2) / bandwidth**2
    kernel = np.where(d2 < 1.0, (1.0 - d2) ** 2, 0.0)
    if kernel.sum() == 0:
        kernel[r, r] = 1.0
    return np.asarray(kernel / kernel.sum(), dtype=np.float64)


class ProspectiveHotspot(ForecastModel):
    """Prospective hotspotting (Bowers, Johnson & Pease 2004).

    Each incident less than ``weeks`` weeks old adds ``1 / (1 + w) * 1 / (1 + d)`` to every
    cell less than ``bandwidth_cells`` cells from its own, where ``w`` is its age in whole
    weeks and ``d`` the number of cells away (ring distance: the larger of the column and row
    differences). Both reaches are exclusive, so the defaults cover ages 0-7 weeks and rings
    0-7. The risk surface is rescaled so that its total equals the recent city-wide rate.

    Parameters
    ----------
    bandwidth_cells : int, default 8
        Spatial reach in cells (exclusive).
    weeks : int, default 8
        Temporal reach in weeks (exclusive).
    """

    name = "prospective"

    def __init__(self, bandwidth_cells: int = 8, weeks: int = 8) -> None:
        self.bandwidth_cells = bandwidth_cells
        self.weeks = weeks

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        recent, span = history_span(events, until, 7.0 * self.weeks)
        week = np.floor((until - recent.t) / 7.0)
        # The look-back window includes its first instant; an incident exactly `weeks` old is out.
        cells = np.where(week < self.weeks, grid.locate(recent.x, recent.y), -1)
        weighted = grid.to_image(grid.counts(cells, 1.0 / (1.0 + week)))
        b = int(self.bandwidth_cells)
        offsets = np.abs(np.arange(-b, b + 1, dtype=np.float64))
        d = np.maximum(offsets[:, None], offsets[None, :])
        kernel = np.where(d < b, 1.0 / (1.0 + d), 0.0)
        risk = drop_fft_noise(grid.from_image(fftconvolve(weighted, kernel, mode="same")))
        total = float(risk.sum())
        n_inside = float((cells >= 0).sum())
        self.rate_ = risk / total * n_inside / span if total > 0 else risk

    def _predict(self, start: float, end: float) -> FloatArray:
        return self.rate_ * (end - start)
