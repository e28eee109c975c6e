"""Forecasting models: each has ``fit(events, grid, until)`` and ``predict(start, end)``.

:class:`KerasSpatioTemporal` lives in :mod:`forecasting.models.deep` and imports TensorFlow
only when used; importing this package never imports TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import ForecastModel, NotFittedError
from .baselines import NaiveCounts, ProspectiveHotspot, RetrospectiveKDE, Uniform
from .ensemble import Ensemble
from .learners import GradientBoostingRisk, RandomForestRisk
from .sepp import GridSEPP

if TYPE_CHECKING:
    from .deep import KerasSpatioTemporal

__all__ = [
    "Ensemble",
    "ForecastModel",
    "GradientBoostingRisk",
    "GridSEPP",
    "KerasSpatioTemporal",
    "NaiveCounts",
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
        ``prospective``, ``sepp``, ``rf``, ``gbm``, ``keras``, ``ensemble``.
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
    "rf": lambda rs: RandomForestRisk(random_state=rs),
    "gbm": lambda rs: GradientBoostingRisk(random_state=rs),
    "keras": _keras,
}
