"""Counts that forget: every past incident weighs ``2 ** (-age / half_life)``."""

from __future__ import annotations

import numpy as np

from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel, history_span


class DecayedCounts(ForecastModel):
    """Exponentially decayed incident counts per cell, as a rate.

    The score of a cell is ``sum(2 ** (-age / half_life_days))`` over its past incidents
    (age in days at the cut-off). It is turned into a rate by dividing by the decayed length
    of the history, ``integral of 2 ** (-a / h) da`` over ``[0, span]``, which tends to
    ``span`` as ``h`` grows; so ``half_life_days=None`` (no decay) is exactly
    :class:`NaiveCounts` over all history, forecast for forecast.

    Parameters
    ----------
    half_life_days : float or None, default 728
        Age at which an incident counts half; ``None`` is an infinite half-life (all history,
        unweighted). The default, 104 weeks, is the value validation chose on Toronto's 2020.

    Attributes
    ----------
    rate_ : ndarray of float, shape (n_cells,)
        Expected incidents per cell per day.
    """

    name = "decayed"

    def __init__(self, half_life_days: float | None = 728.0) -> None:
        self.half_life_days = half_life_days

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        history, span = history_span(events, until, None)
        cells = grid.locate(history.x, history.y)
        if self.half_life_days is None:
            # The same arithmetic as NaiveCounts(None), so the two agree to the last bit.
            self.rate_ = grid.counts(cells) / span
            return
        h = float(self.half_life_days)
        if h <= 0:
            raise ValueError(f"half_life_days must be positive or None, got {h}")
        weights = np.exp2(-(until - history.t) / h)
        decayed_span = h / np.log(2.0) * -np.expm1(-span * np.log(2.0) / h)
        self.rate_ = grid.counts(cells, weights) / decayed_span

    def _predict(self, start: float, end: float) -> FloatArray:
        return self.rate_ * (end - start)
