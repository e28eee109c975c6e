"""scikit-learn learners on per-cell features (see :mod:`forecasting.models.features`).

Each is trained on ``n_origins`` past windows of length ``horizon_days`` that all end before
the training cut-off: the features at origin ``o`` use incidents before ``o`` and the target
is the count in ``[o, o + horizon_days)``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel
from .features import history_features, local_hours, window_features

# threadpoolctl (a scikit-learn dependency) ships no type information; going through
# import_module keeps it typed as Any under every mypy configuration that checks this file.
threadpool_limits = import_module("threadpoolctl").threadpool_limits


class _CellLearner(ForecastModel):
    """Shared training loop; subclasses provide the scikit-learn estimator."""

    horizon_days: float
    n_origins: int
    zero_keep: float
    random_state: int | None

    def _estimator(self) -> Any:
        raise NotImplementedError

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        cells = grid.locate(events.x, events.y)
        inside = cells >= 0
        c, t = cells[inside], events.t[inside]
        hours = local_hours(t, events.tz)
        rng = np.random.default_rng(self.random_state)
        h = float(self.horizon_days)
        xs, ys, ws = [], [], []
        first = float(t[0]) if len(t) else until
        for k in range(1, int(self.n_origins) + 1):
            origin = until - k * h
            if origin - first < 28:
                break
            hist, hour_hist = history_features(grid, c, t, hours, origin)
            win = window_features(hour_hist, origin, h, events.tz)
            lo, hi = np.searchsorted(t, [origin, origin + h], side="left")
            target = np.bincount(c[lo:hi], minlength=grid.n_cells).astype(np.float64)
            # Most cells see nothing in a window; keep a sample of them, reweighted.
            keep = (target > 0) | (rng.uniform(size=grid.n_cells) < self.zero_keep)
            xs.append(np.hstack([hist, win])[keep])
            ys.append(target[keep])
            ws.append(np.where(target[keep] > 0, 1.0, 1.0 / self.zero_keep))
        self.history_, self.hour_histogram_ = history_features(grid, c, t, hours, until)
        if not xs or float(np.concatenate(ys).sum()) == 0:
            # Too little history to learn from: fall back to the recent rate per cell.
            self.estimator_ = None
            self.fallback_rate_ = np.bincount(c[t >= until - 365], minlength=grid.n_cells) / 365.0
            return
        # Spinning OpenMP threads slowed boosting ten-fold on a 2-core machine shared with
        # other processes; one thread is steadier.
        with threadpool_limits(limits=1, user_api="openmp"):
            self.estimator_ = self._estimator().fit(
                np.vstack(xs), np.concatenate(ys), sample_weight=np.concatenate(ws)
            )

    def _predict(self, start: float, end: float) -> FloatArray:
        h = float(self.horizon_days)
        if self.estimator_ is None:
            return np.asarray(self.fallback_rate_ * (end - start), dtype=np.float64)
        win = window_features(self.hour_histogram_, start, min(end - start, h), self.tz_)
        with threadpool_limits(limits=1, user_api="openmp"):
            pred = self.estimator_.predict(np.hstack([self.history_, win]))
        return np.asarray(np.maximum(pred, 0.0) * (end - start) / h, dtype=np.float64)


class RandomForestRisk(_CellLearner):
    """Random forest regression of next-window counts per cell.

    Parameters
    ----------
    n_estimators, max_depth, min_samples_leaf, max_features, max_samples
        Passed to :class:`sklearn.ensemble.RandomForestRegressor`.
    horizon_days : float, default 7
        Length of the training windows; forecasts for other lengths are rescaled.
    n_origins : int, default 6
        Number of past windows to train on.
    zero_keep : float, default 0.1
        Share of empty (cell, window) rows kept for training, reweighted by its inverse.
    n_jobs : int, optional
        Parallel trees.
    random_state : int, optional
    """

    name = "rf"

    def __init__(
        self,
        n_estimators: int = 50,
        max_depth: int | None = 12,
        min_samples_leaf: int = 20,
        max_features: float = 0.5,
        max_samples: float | None = 0.3,
        horizon_days: float = 7.0,
        n_origins: int = 6,
        zero_keep: float = 0.1,
        n_jobs: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.max_samples = max_samples
        self.horizon_days = horizon_days
        self.n_origins = n_origins
        self.zero_keep = zero_keep
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _estimator(self) -> Any:
        return RandomForestRegressor(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            max_samples=self.max_samples,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        )


class GradientBoostingRisk(_CellLearner):
    """Histogram gradient boosting with a Poisson loss on next-window counts per cell.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf
        Passed to :class:`sklearn.ensemble.HistGradientBoostingRegressor`.
    horizon_days, n_origins, zero_keep
        As for :class:`RandomForestRisk`.
    random_state : int, optional
    """

    name = "gbm"

    def __init__(
        self,
        max_iter: int = 100,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 50,
        horizon_days: float = 7.0,
        n_origins: int = 6,
        zero_keep: float = 0.1,
        random_state: int | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.horizon_days = horizon_days
        self.n_origins = n_origins
        self.zero_keep = zero_keep
        self.random_state = random_state

    def _estimator(self) -> Any:
        return HistGradientBoostingRegressor(
            loss="poisson",
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            early_stopping=False,
            random_state=self.random_state,
        )
