"""Neighbour borrowing: a cell's forecast plus a share of its two rings of neighbours.

Where incidents are recorded where they happened rather than snapped to a street corner,
and counts per cell are small, a cell's own count is a noisy estimate of its rate and its
neighbours carry information about it. ``beta`` says how much to borrow; validation
chooses it, and ``beta=0`` is the base model unchanged.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import convolve

from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel, clone


def ring_kernel(beta: float) -> FloatArray:
    """The 5 x 5 weights: 1 at the centre, ``beta`` on the first ring, ``beta / 4`` outside.

    Rings are in cells, counted as the larger of the row and column differences: the first
    ring is the 8 cells around, the second the 16 around those.
    """
    d = np.abs(np.arange(-2, 3))
    ring = np.maximum(d[:, None], d[None, :])
    return np.choose(ring, [1.0, beta, beta / 4.0]).astype(np.float64)


def borrow(grid: Grid, values: FloatArray, beta: float) -> FloatArray:
    """``values + beta * (first ring) + beta / 4 * (second ring)``, rescaled to the same total.

    Cells outside the grid contribute nothing. Rescaling keeps the expected number of
    incidents (and so the likelihood scale) of the base forecast; rankings do not change.
    ``beta=0`` returns ``values`` itself.
    """
    if beta == 0:
        return values
    image = grid.to_image(values)
    smooth = grid.from_image(convolve(image, ring_kernel(beta), mode="constant", cval=0.0))
    total, smoothed = float(values.sum()), float(smooth.sum())
    return smooth * (total / smoothed) if smoothed > 0 else smooth


class NeighbourBorrowing(ForecastModel):
    """A base model's forecast with ``beta`` of each neighbour's added (see :func:`borrow`).

    Parameters
    ----------
    base : ForecastModel, optional
        Unfitted model whose forecast is smoothed; default :class:`DecayedCounts` with an
        infinite half-life (all-history counts). It is cloned, never fitted in place.
    beta : float, default 0
        Weight of the first ring; the second ring gets ``beta / 4``. ``0`` forecasts exactly
        what ``base`` forecasts.

    Attributes
    ----------
    base_ : ForecastModel
        The fitted clone of ``base``.
    """

    name = "borrow"

    def __init__(self, base: ForecastModel | None = None, beta: float = 0.0) -> None:
        self.base = base
        self.beta = beta

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        if self.beta < 0:
            raise ValueError(f"beta must not be negative, got {self.beta}")
        if self.base is None:
            from .decayed import DecayedCounts

            template: ForecastModel = DecayedCounts(half_life_days=None)
        else:
            template = clone(self.base)
        self.base_ = template.fit(events, grid, until)

    def _predict(self, start: float, end: float) -> FloatArray:
        return borrow(self.grid_, self.base_.predict(start, end), float(self.beta))
