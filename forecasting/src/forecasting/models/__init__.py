"""Forecasting models: each has ``fit(events, grid, until)`` and ``predict(start, end)``.

:class:`KerasSpatioTemporal` lives in :mod:`forecasting.models.deep` and imports TensorFlow
only when used; importing this package never imports TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import ForecastModel, NotFittedError
from .baselines import NaiveCounts, ProspectiveHotspot, RetrospectiveKDE, Uniform
from .borrowing import NeighbourBorrowing
from .decayed import DecayedCounts
from .ensemble import Ensemble
from .learners import GradientBoostingRisk, RandomForestRisk
from .sepp import GridSEPP

if TYPE_CHECKING:
    from .deep import KerasSpatioTemporal

__all__ = [
    "PARAM_GRIDS",
    "DecayedCounts",
    "Ensemble",
    "ForecastModel",
    "GradientBoostingRisk",
    "GridSEPP",
    "KerasSpatioTemporal",
    "NaiveCounts",
    "NeighbourBorrowing",
    "NotFittedError",
    "ProspectiveHotspot",
    "RandomForestRisk",
    "RetrospectiveKDE",
    "Uniform",
    "expand_names",
    "make_model",
]

#: the four count windows that ``naive`` stands for on the command line
NAIVE_WINDOWS: dict[str, float | None] = {
    "naive7": 7,
    "naive28": 28,
    "naive365": 365,
    "naive_all": None,
}
BASELINES = ("naive", "kde", "prospective", "sepp")


def __getattr__(name: str) -> Any:
    if name == "KerasSpatioTemporal":
        from .deep import KerasSpatioTemporal

        return KerasSpatioTemporal
    raise AttributeError(name)


def expand_names(names: list[str]) -> list[str]:
    """Expand ``naive`` into its four windows and check every name is known."""
    out: list[str] = []
    for name in names:
        if name == "naive":
            out.extend(NAIVE_WINDOWS)
        elif name in NAIVE_WINDOWS or name in _FACTORIES or name == "ensemble":
            out.append(name)
        else:
            known = ", ".join(["naive", *NAIVE_WINDOWS, *_FACTORIES, "ensemble"])
            raise ValueError(f"unknown model {name!r}; known models: {known}")
    return list(dict.fromkeys(out))


def make_model(name: str, random_state: int | None = 0) -> ForecastModel:
    """A model with default hyperparameters from its command-line name.

    Parameters
    ----------
    name : str
        One of ``uniform``, ``naive7``, ``naive28``, ``naive365``, ``naive_all``, ``kde``,
        ``prospective``, ``sepp``, ``decayed``, ``borrow``, ``rf``, ``gbm``, ``keras``,
        ``ensemble``.
    random_state : int, optional
        Seed for models with randomness.
    """
    if name in NAIVE_WINDOWS:
        return NaiveCounts(window_days=NAIVE_WINDOWS[name])
    if name == "ensemble":
        return Ensemble(random_state=random_state)
    if name not in _FACTORIES:
        expand_names([name])
    model: ForecastModel = _FACTORIES[name](random_state)
    return model


def _keras(random_state: int | None) -> ForecastModel:
    from .deep import KerasSpatioTemporal

    return KerasSpatioTemporal(random_state=random_state)


_FACTORIES: dict[str, Any] = {
    "uniform": lambda rs: Uniform(),
    "kde": lambda rs: RetrospectiveKDE(),
    "prospective": lambda rs: ProspectiveHotspot(),
    "sepp": lambda rs: GridSEPP(),
    "decayed": lambda rs: DecayedCounts(),
    "borrow": lambda rs: NeighbourBorrowing(base=DecayedCounts(half_life_days=None)),
    "rf": lambda rs: RandomForestRisk(random_state=rs),
    "gbm": lambda rs: GradientBoostingRisk(random_state=rs),
    "keras": _keras,
}

#: Each family's small grid of hyperparameters for :mod:`forecasting.selection`, by
#: command-line name; ``component__name`` reaches into a sub-model as in scikit-learn.
#: The first value of every list is the simplest model, which wins ties. Families not
#: listed have nothing to choose: the naive windows are fixed baselines by definition, SEPP
#: fits its own parameters by EM, and the learners' sizes are not validated yet.
PARAM_GRIDS: dict[str, dict[str, list[Any]]] = {
    # Half-lives in days: all history, then 4 years down to 4 weeks.
    "decayed": {"half_life_days": [None, 1456.0, 728.0, 364.0, 182.0, 91.0, 28.0]},
    "borrow": {
        "base__half_life_days": [None, 728.0, 364.0, 182.0, 91.0],
        "beta": [0.0, 0.125, 0.25, 0.5, 1.0],
    },
    "kde": {"bandwidth": [400.0, 200.0, 800.0], "window_days": [60, 365]},
    "prospective": {"bandwidth_cells": [8, 4], "weeks": [8, 4, 16]},
}
