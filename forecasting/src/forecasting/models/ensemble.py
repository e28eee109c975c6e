"""Weighted combination of models, the weights set by their backtest performance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import metrics
from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel


def weights_from_scores(
    scores: Sequence[float] | FloatArray, temperature: float = 0.02
) -> FloatArray:
    """Softmax weights from backtest hit rates: ``exp(score / temperature)``, normalised.

    With the default temperature a member two points of hit rate ahead gets ``e`` times the
    weight; NaN scores (no evaluation yet) count as the worst score.
    """
    s = np.asarray(scores, dtype=np.float64)
    if not np.isfinite(s).any():
        return np.full(len(s), 1.0 / len(s))
    s = np.where(np.isfinite(s), s, np.nanmin(s))
    w = np.exp((s - s.max()) / temperature)
    return np.asarray(w / w.sum(), dtype=np.float64)


def combine(predictions: Sequence[FloatArray], weights: Sequence[float] | FloatArray) -> FloatArray:
    """Mix members' forecasts as shares of their totals, scaled to the weighted total.

    Normalising first stops a member that forecasts more incidents overall from dominating
    the ranking.
    """
    total = 0.0
    mix = np.zeros_like(np.asarray(predictions[0], dtype=np.float64))
    for pred, w in zip(predictions, weights, strict=True):
        s = float(np.sum(pred))
        if s > 0:
            mix += w * np.asarray(pred) / s
            total += w * s
    return mix * total / max(float(mix.sum()), 1e-300) if total > 0 else mix


def _clone(model: ForecastModel) -> ForecastModel:
    return type(model)(**model.get_params())


class Ensemble(ForecastModel):
    """Mix of member models weighted by their hit rate on recent past windows.

    ``fit`` backtests every member on the ``n_validation`` windows of ``horizon_days`` just
    before the cut-off (each refit without look-ahead), turns the pooled hit rates at
    ``coverage`` into weights with :func:`weights_from_scores`, and refits the members at
    the cut-off.

    Parameters
    ----------
    members : sequence of ForecastModel, optional
        Unfitted models; default all-history counts, grid SEPP, retrospective KDE and
        gradient boosting.
    n_validation : int, default 4
        Validation windows.
    horizon_days : float, default 7
        Length of each validation window.
    coverage : float, default 0.05
        Area fraction at which members are scored.
    temperature : float, default 0.02
        Softmax temperature on hit rates.
    random_state : int, optional
        Passed to the default learner member.

    Attributes
    ----------
    members_ : list of ForecastModel
        Members fitted at the cut-off.
    weights_ : ndarray of float
    scores_ : ndarray of float
        Validation hit rate of each member.
    """

    name = "ensemble"

    def __init__(
        self,
        members: Sequence[ForecastModel] | None = None,
        n_validation: int = 4,
        horizon_days: float = 7.0,
        coverage: float = 0.05,
        temperature: float = 0.02,
        random_state: int | None = None,
    ) -> None:
        self.members = members
        self.n_validation = n_validation
        self.horizon_days = horizon_days
        self.coverage = coverage
        self.temperature = temperature
        self.random_state = random_state

    def _default_members(self) -> list[ForecastModel]:
        from .baselines import NaiveCounts, RetrospectiveKDE
        from .learners import GradientBoostingRisk
        from .sepp import GridSEPP

        return [
            NaiveCounts(window_days=None),
            GridSEPP(),
            RetrospectiveKDE(),
            GradientBoostingRisk(random_state=self.random_state),
        ]

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        templates = list(self.members) if self.members is not None else self._default_members()
        h = float(self.horizon_days)
        cells = grid.locate(events.x, events.y)
        hits = np.zeros(len(templates))
        seen = 0.0
        k = metrics.n_flagged(grid.n_cells, self.coverage)
        for i in range(1, int(self.n_validation) + 1):
            origin = until - i * h
            window = (events.t >= origin) & (events.t < origin + h)
            actual = grid.counts(cells[window])
            if actual.sum() == 0 or not (events.t < origin).any():
                continue
            seen += float(actual.sum())
            for j, template in enumerate(templates):
                pred = _clone(template).fit(events, grid, origin).predict(origin, origin + h)
                hits[j] += metrics.hits(pred, actual, k)
        self.scores_ = hits / seen if seen > 0 else np.full(len(templates), np.nan)
        self.weights_ = weights_from_scores(self.scores_, self.temperature)
        self.members_ = [_clone(m).fit(events, grid, until) for m in templates]

    def _predict(self, start: float, end: float) -> FloatArray:
        return combine([m.predict(start, end) for m in self.members_], self.weights_)
