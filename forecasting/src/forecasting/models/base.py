"""The estimator protocol shared by every forecasting model.

``fit`` cuts the events at ``until`` before any subclass sees them, so no model can look
ahead; subclasses implement ``_fit`` and ``_predict`` on the library's float-day clock.
"""

from __future__ import annotations

import inspect
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from ..events import Events
from ..grid import Grid
from ..timeutil import TimeLike, from_days, to_days

FloatArray = NDArray[np.float64]

# Forecast windows may start a hair before the cut-off because of float rounding of timestamps.
_SLACK_DAYS = 1e-6


class NotFittedError(RuntimeError):
    """Raised when ``predict`` is called before ``fit``."""


class ForecastModel:
    """Base class: scikit-learn style parameters plus the ``fit``/``predict`` protocol.

    Subclasses take their hyperparameters as keyword arguments of ``__init__``, store them
    unchanged under the same names, and implement ``_fit`` and ``_predict``.
    """

    #: short name used by the command line and in result tables
    name: str = "model"

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p for p in signature.parameters if p != "self"]

    def get_params(self, deep: bool = False) -> dict[str, Any]:
        """Hyperparameters as passed to ``__init__``."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set hyperparameters; unknown names raise ``ValueError``.

        As in scikit-learn, ``component__name`` sets ``name`` on the model held in the
        parameter ``component`` (e.g. ``base__half_life_days``), in place: clone first.
        """
        valid = set(self._param_names())
        for key, value in params.items():
            outer, _, inner = key.partition("__")
            if outer not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {outer!r}")
            if not inner:
                setattr(self, key, value)
                continue
            component = getattr(self, outer)
            if not isinstance(component, ForecastModel):
                raise ValueError(f"{type(self).__name__}.{outer} is not a model; cannot set {key}")
            component.set_params(**{inner: value})
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, events: Events, grid: Grid, until: TimeLike | float) -> Self:
        """Learn from the incidents that occurred strictly before ``until``.

        Parameters
        ----------
        events : Events
            Incidents, possibly including some after ``until``; those are ignored.
        grid : Grid
            The cells to forecast; must share the events' CRS.
        until : str, datetime, Timestamp or float
            Training cut-off. Naive times are local time in ``events.tz``; floats are days
            since the Unix epoch.

        Returns
        -------
        self
        """
        if events.crs != grid.crs:
            raise ValueError(f"events are in {events.crs} but the grid is in {grid.crs}")
        cutoff = to_days(until, events.tz)
        train = events.before(cutoff)
        self.grid_ = grid
        self.trained_until_ = cutoff
        self.tz_ = events.tz
        self.n_events_ = len(train)
        self.fingerprint_ = train.fingerprint()
        self._fit(train, grid, cutoff)
        return self

    def predict(self, start: TimeLike | float, end: TimeLike | float) -> FloatArray:
        """Expected number of incidents per cell in the window ``[start, end)``.

        Parameters
        ----------
        start, end : str, datetime, Timestamp or float
            The forecast window; ``start`` may not precede the training cut-off.

        Returns
        -------
        ndarray of float, shape (grid.n_cells,)
            Expected counts aligned with the grid's active cells.
        """
        if not hasattr(self, "trained_until_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted; call fit first")
        s = to_days(start, self.tz_)
        e = to_days(end, self.tz_)
        if e <= s:
            raise ValueError("the forecast window must end after it starts")
        if s < self.trained_until_ - _SLACK_DAYS:
            raise ValueError(
                f"the forecast window starts at {from_days(s, self.tz_)}, before the training "
                f"cut-off {from_days(self.trained_until_, self.tz_)}"
            )
        out = np.asarray(self._predict(s, e), dtype=np.float64)
        return np.maximum(out, 0.0)

    def _fit(self, events: Events, grid: Grid, until: float) -> None:
        raise NotImplementedError

    def _predict(self, start: float, end: float) -> FloatArray:
        raise NotImplementedError


def clone(model: ForecastModel) -> ForecastModel:
    """An unfitted copy with the same hyperparameters, sub-models cloned too.

    scikit-learn's ``clone`` does the work: it rebuilds the model from ``get_params()``
    and deep-copies every parameter, so a candidate's ``set_params`` cannot reach the
    template it came from.
    """
    from sklearn.base import clone as sklearn_clone

    copy: ForecastModel = sklearn_clone(model)
    return copy


def history_span(events: Events, until: float, window_days: float | None) -> tuple[Events, float]:
    """Events in the look-back window before ``until`` and the window's length in days.

    With ``window_days=None`` the window starts at the first event (at least one day long).
    """
    if window_days is None:
        span = until - float(events.t[0]) if len(events) else 1.0
        return events, max(span, 1.0)
    return events.between(until - window_days, until), float(window_days)
