"""Grid self-exciting point process (Mohler 2015), fitted by expectation-maximisation.

In cell ``c`` the intensity is ``mu_c + sum_j theta * omega * exp(-omega * (t - t_j))`` over
the earlier incidents ``j`` of the same cell within ``max_lag_days``: a constant background
per cell plus near-repeat excitation that decays exponentially in time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ..events import Events
from ..grid import Grid
from .base import FloatArray, ForecastModel, history_span

IntArray = NDArray[np.int64]


def same_cell_pairs(
    cells: IntArray, t: FloatArray, max_lag: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """All pairs ``(i, j)`` in the same cell with ``0 < t_i - t_j <= max_lag``.

    Cells are placed far apart on a 1-D line (``cell * stride + t``) so that a single
    KD-tree radius query finds exactly the same-cell pairs within the lag.

    Returns
    -------
    later, earlier : ndarray of int
        Indices of the triggered and the triggering incident of each pair.
    dt : ndarray of float
        ``t[later] - t[earlier]``, all positive.
    """
    if len(t) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    t0 = float(t.min())
    stride = float(t.max()) - t0 + 2.0 * max_lag + 1.0
    key = cells.astype(np.float64) * stride + (t - t0)
    pairs = cKDTree(key[:, None]).query_pairs(r=max_lag, output_type="ndarray")
    a = pairs[:, 0].astype(np.int64)
    b = pairs[:, 1].astype(np.int64)
    dt = t[b] - t[a]
    # Simultaneous records (one incident, several offences) cannot trigger each other.
    keep = dt != 0
    a, b, dt = a[keep], b[keep], dt[keep]
    flip = dt < 0
    later = np.where(flip, a, b)
    earlier = np.where(flip, b, a)
    return later, earlier, np.abs(dt)


def _squarem(
    em_step: Callable[[FloatArray], FloatArray], x: FloatArray, n_iter: int, tol: float
) -> tuple[FloatArray, int]:
    """Iterate ``em_step`` from ``x`` with SQUAREM acceleration (Varadhan & Roland 2008).

    ``x`` is ``(mu_1, ..., mu_n, theta, omega)``. An extrapolation that leaves the parameter
    space (a negative ``mu`` or ``theta``, ``theta >= 1`` or ``omega <= 0``) is replaced by
    the two plain EM steps. Each cycle takes three EM steps; cycles stop once ``n_iter``
    steps are taken or when :func:`_relative_change` over a cycle is below ``tol``.

    Returns
    -------
    x : ndarray of float
        The last iterate.
    steps : int
        EM steps taken.
    """
    it = 0
    while it < n_iter:
        x1 = em_step(x)
        x2 = em_step(x1)
        it += 2
        r, v = x1 - x, x2 - 2 * x1 + x
        # Plain sums, not np.linalg.norm: BLAS threads spin on a busy 2-core machine.
        alpha = -float(np.sqrt((r * r).sum() / max(float((v * v).sum()), 1e-300)))
        proposal = x - 2 * alpha * r + alpha**2 * v if alpha < -1 else x2
        if not (np.all(proposal[:-1] >= 0) and proposal[-2] < 1 and proposal[-1] > 0):
            proposal = x2
        x_new = em_step(proposal)
        it += 1
        done = _relative_change(x, x_new) < tol
        x = x_new
        if done:
            break
    return x, it


def _relative_change(a: FloatArray, b: FloatArray) -> float:
    """Largest relative change of theta, of omega and (in L1 norm) of the background rates."""
    return float(
        max(
            abs(b[-2] - a[-2]) / max(a[-2], 1e-12),
            abs(b[-1] - a[-1]) / max(a[-1], 1e-12),
            float(np.abs(b[:-2] - a[:-2]).sum()) / max(float(a[:-2].sum()), 1e-12),
        )
    )


class GridSEPP(ForecastModel):
    """Self-exciting point process on grid cells (Mohler 2015), fitted by EM.

    Parameters
    ----------
    window_days : float or None, default None
        Look-back window used for fitting; ``None`` uses all history.
    max_lag_days : float, default 30
        Excitation is truncated after this many days; it also bounds the pair search.
    n_iter : int, default 100
        Maximum EM steps (an accelerated iteration counts three).
    tol : float, default 1e-4
        Stop when the relative changes of ``theta``, ``omega`` and of the background rates
        (L1 norm) are all below ``tol``.
    theta_init, omega_init : float
        Starting branching ratio and decay rate (per day).

    Attributes
    ----------
    mu_ : ndarray of float
        Background rate per cell, incidents per day.
    theta_ : float
        Branching ratio: expected number of incidents directly triggered by one incident.
    omega_ : float
        Decay rate of the excitation, per day (mean delay ``1 / omega_`` days).
    n_iter_ : int
        EM steps run.
    """

    name = "sepp"

    def __init__(
        self,
        window_days: float | None = None,
        max_lag_days: float = 30.0,
        n_iter: int = 100,
        tol: float = 1e-4,
        theta_init: float = 0.2,
        omega_init: float = 0.5,
    ) -> None:
        self.window_days = window_days
        self.max_lag_days = max_lag_days
        self.n_iter = n_iter
        self.tol = tol
        self.theta_init = theta_init
        self.omega_init = omega_init

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        recent, span = history_span(events, until, self.window_days)
        cells = grid.locate(recent.x, recent.y)
        inside = cells >= 0
        c, t = cells[inside], recent.t[inside]
        self.fit_arrays(c, t, until, span, grid.n_cells)

    def fit_arrays(
        self, c: IntArray, t: FloatArray, until: float, span: float, n_cells: int
    ) -> None:
        """Run EM on cell indices and times directly (used by tests and by ``_fit``).

        Plain EM for Hawkes processes crawls when excitation is weak, so the EM map is
        accelerated with SQUAREM (Varadhan & Roland 2008), falling back to the plain EM step
        whenever the extrapolation leaves the parameter space.
        """
        lag = float(self.max_lag_days)
        later, _, dt = same_cell_pairs(c, t, lag)
        # Incidents with no earlier partner are background for sure; the E-step only needs
        # the others, indexed compactly.
        excitable, slot = np.unique(later, return_inverse=True)
        c_ex = c[excitable]
        sure_background = np.bincount(c, minlength=n_cells) - np.bincount(c_ex, minlength=n_cells)
        age = until - t
        young = age < lag
        n_old, age_young = float((~young).sum()), age[young]

        def em_step(x: FloatArray) -> FloatArray:
            mu, theta, omega = x[:-2], x[-2], x[-1]
            trig = theta * omega * np.exp(-omega * dt)
            lam = mu[c_ex] + np.bincount(slot, weights=trig, minlength=len(excitable))
            p = trig / lam[slot]
            mu_new = (
                sure_background + np.bincount(c_ex, weights=mu[c_ex] / lam, minlength=n_cells)
            ) / span
            triggered = float(p.sum())
            if triggered <= 0:
                return np.append(mu_new, [0.0, omega])
            # Expected offspring of every incident within the observation and the lag.
            exposure = n_old * -np.expm1(-omega * lag) - float(np.expm1(-omega * age_young).sum())
            theta_new = triggered / exposure
            # Mean delay of an exponential truncated at `lag`, solved by one fixed-point step.
            mean_dt = float((p * dt).sum()) / triggered
            omega_new = 1.0 / (mean_dt + lag / np.expm1(min(omega * lag, 700.0)))
            return np.append(mu_new, [theta_new, omega_new])

        counts = np.bincount(c, minlength=n_cells).astype(np.float64)
        x = np.append(counts / span * (1.0 - self.theta_init), [self.theta_init, self.omega_init])
        x, it = _squarem(em_step, x, int(self.n_iter), self.tol)
        mu, theta, omega = x[:-2], float(x[-2]), float(x[-1])
        self.mu_ = mu
        self.theta_ = theta
        self.omega_ = omega
        self.n_iter_ = it
        self.n_pairs_ = len(dt)
        # Only incidents young enough to still excite are needed to predict.
        young = t > until - lag
        self.recent_cells_ = c[young]
        self.recent_t_ = t[young]
        self.n_cells_ = n_cells

    def _predict(self, start: float, end: float) -> FloatArray:
        lag = float(self.max_lag_days)
        lower = start - self.recent_t_
        upper = np.minimum(end - self.recent_t_, lag)
        alive = lower < lag
        decay = np.exp(-self.omega_ * lower) - np.exp(-self.omega_ * upper)
        excitation = np.bincount(
            self.recent_cells_[alive],
            weights=self.theta_ * decay[alive],
            minlength=self.n_cells_,
        )
        return np.asarray(self.mu_ * (end - start) + excitation, dtype=np.float64)
