"""Hyperparameters chosen by rolling-origin validation strictly before the test period.

Every family declares a small grid (:data:`forecasting.models.PARAM_GRIDS`). For each
candidate the selector runs the library's own :func:`~forecasting.backtest.backtest` on the
``n_origins`` windows that end at or before the first test origin and scores it by its
pooled hit rate at the configured coverage, the score every results table reports. The
first candidate of the grid (the simplest) whose score is within one paired standard error
of the best is kept, so extra complexity must beat the validation noise. The events are cut
at the first test origin before anything else happens, so no incident of the test period
can reach the choice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import ParameterGrid

from .backtest import backtest, make_origins
from .errors import InputError
from .events import Events
from .geo import Region
from .models import PARAM_GRIDS, make_model
from .models.base import FloatArray, ForecastModel, clone
from .timeutil import from_days

Factory = Callable[[str, int | None], ForecastModel]


@dataclass(frozen=True)
class Selection:
    """What the selector chose for one model family, and the evidence.

    Attributes
    ----------
    name : str
        The family's command-line name.
    grid : dict of str to list
        The hyperparameter grid searched (empty: nothing to choose).
    candidates : list of dict
        Every combination of the grid, in the order tried; the first is the simplest.
    scores : list of float
        Each candidate's pooled validation hit rate at ``coverage`` (empty when the grid is).
    standard_errors : list of float
        Paired standard error over origins of each candidate's difference from the best
        (0 for the best itself).
    chosen : dict
        The hyperparameters kept (``{}``: the family's defaults).
    origins : list of float
        Validation origins (days since the epoch); every window ends by ``before``.
    before : float
        The first test origin: no incident at or after it was given to the selector.
    horizon, coverage : float
        Window length in days and area fraction scored.
    tolerance, n_se : float
        The rule used: the first candidate within ``tolerance + n_se * standard error`` of
        the best was kept.
    incidents : float
        Incidents in the validation windows (per grid offset, averaged).
    tz : str
        Time zone for showing the origins.
    """

    name: str
    grid: dict[str, list[Any]]
    candidates: list[dict[str, Any]]
    scores: list[float]
    standard_errors: list[float]
    chosen: dict[str, Any]
    origins: list[float]
    before: float
    horizon: float
    coverage: float
    tolerance: float
    n_se: float
    incidents: float
    tz: str

    @property
    def chosen_score(self) -> float | None:
        """Validation hit rate of the chosen candidate (None without a grid)."""
        return self.scores[self.candidates.index(self.chosen)] if self.scores else None

    @property
    def reason(self) -> str:
        """One sentence saying why the chosen candidate won."""
        if not self.scores:
            return "no hyperparameter grid: the family's defaults"
        i = self.candidates.index(self.chosen)
        best = int(np.argmax(self.scores))
        window = (
            f"{len(self.origins)} validation origins from "
            f"{from_days(self.origins[0], self.tz):%Y-%m-%d %H:%M} to "
            f"{from_days(self.origins[-1], self.tz):%Y-%m-%d %H:%M} "
            f"({self.incidents:.0f} incidents)"
        )
        text = f"pooled hit rate at {self.coverage:.0%} {self.scores[i]:.4f} over {window}"
        if i == best:
            others = [s for j, s in enumerate(self.scores) if j != i]
            return text + (f"; the next best {max(others):.4f}" if others else "")
        return (
            f"{text}; the best, {self.scores[best]:.4f} with {_params(self.candidates[best])}, "
            f"is within {_margin(self.tolerance, self.n_se)} (standard error "
            f"{self.standard_errors[i]:.4f}) of it, so the simpler candidate is kept"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: times as local ISO strings, ``None`` for an infinite half-life."""
        scores: list[float | None] = [*self.scores] or [None] * len(self.candidates)
        errors: list[float | None] = [*self.standard_errors] or [None] * len(self.candidates)
        return {
            "name": self.name,
            "grid": self.grid,
            "chosen": self.chosen,
            "chosen_score": self.chosen_score,
            "reason": self.reason,
            "candidates": [
                {"params": c, "hit_rate": s, "standard_error": e}
                for c, s, e in zip(self.candidates, scores, errors, strict=True)
            ],
            "validation_origins": [from_days(o, self.tz).isoformat() for o in self.origins],
            "before": from_days(self.before, self.tz).isoformat(),
            "horizon_days": self.horizon,
            "coverage": self.coverage,
            "tolerance": self.tolerance,
            "n_se": self.n_se,
            "incidents": self.incidents,
        }


def validation_origins(before: float, horizon: float, every: float, n_origins: int) -> list[float]:
    """The ``n_origins`` origins, ``every`` days apart, whose last window ends at ``before``.

    Parameters
    ----------
    before : float
        First test origin, days since the epoch.
    horizon, every : float
        Window length and spacing of origins, in days.
    n_origins : int
        How many origins.

    Returns
    -------
    list of float
        Ascending; the last is ``before - horizon``.
    """
    if n_origins < 1:
        raise InputError("validation needs at least one origin")
    last = before - horizon
    return make_origins(last - (n_origins - 1) * every, last, every)


def select(
    events: Events,
    region: Region,
    name: str,
    before: float,
    horizon: float,
    *,
    every: float = 7.0,
    n_origins: int = 52,
    cell: float = 150.0,
    coverage: float = 0.05,
    offsets: int = 1,
    random_state: int = 0,
    param_grid: Mapping[str, Sequence[Any]] | None = None,
    tolerance: float = 0.0,
    n_se: float = 1.0,
    factory: Factory = make_model,
) -> Selection:
    """Choose one family's hyperparameters on the windows before ``before``.

    Parameters
    ----------
    events : Events
        Incidents; those at or after ``before`` are dropped first and never seen.
    region : Region
        Area of the grid (its districts are ignored: only hits matter here).
    name : str
        Command-line name of the family (see :func:`forecasting.models.make_model`).
    before : float
        First test origin, days since the epoch.
    horizon : float
        Window length in days, as in the backtest.
    every : float, default 7
        Spacing of the validation origins in days.
    n_origins : int, default 52
        Validation origins; those with no earlier incident are skipped.
    cell : float, default 150
        Cell side in metres.
    coverage : float, default 0.05
        Area fraction at which hit rates are pooled and compared.
    offsets : int, default 1
        Grid offsets, drawn from ``random_state`` as in the backtest.
    random_state : int, default 0
        Seeds the offsets and the models.
    param_grid : dict, optional
        Overrides the family's grid in :data:`~forecasting.models.PARAM_GRIDS`.
    tolerance : float, default 0
        Keep the first (simplest) candidate whose hit rate is within
        ``tolerance + n_se * standard error`` of the best.
    n_se : float, default 1
        Standard errors of the paired difference from the best (over origins) within which
        a simpler candidate is kept: the one-standard-error rule, so that a more complex
        candidate wins only by more than the validation noise. ``0`` keeps the best.
    factory : callable
        ``factory(name, random_state)`` returns the family's default model.

    Returns
    -------
    Selection

    Raises
    ------
    InputError
        If no validation origin has incidents before it.
    """
    declared = PARAM_GRIDS.get(name, {}) if param_grid is None else param_grid
    grid = {k: list(v) for k, v in declared.items()}
    past = events.before(before)
    origins = validation_origins(before, horizon, every, n_origins)
    origins = [o for o in origins if len(past) and past.t[0] < o]
    if not origins:
        raise InputError(
            f"no incidents before the validation origins of {name!r}; "
            f"history before {from_days(before, events.tz)} is too short to select"
        )
    template = factory(name, random_state)
    if not grid:
        return Selection(
            name, {}, [{}], [], [], {}, origins, before, horizon, coverage, tolerance, n_se,
            0.0, events.tz,
        )  # fmt: skip
    # Districts only feed the equity table; without them the backtest skips intersecting
    # every cell with every district for every candidate.
    plain = Region(region.geometry, region.crs)
    candidates: list[dict[str, Any]] = list(ParameterGrid(grid))
    scores: list[float] = []
    per_origin: list[FloatArray] = []
    incidents = np.zeros(len(origins))
    for params in candidates:
        model = clone(template).set_params(**params)
        result = backtest(
            past,
            plain,
            [name],
            origins,
            horizon,
            cell=cell,
            coverages=[coverage],
            offsets=offsets,
            random_state=random_state,
            progress=None,
            factory=_always(model),
        )
        scores.append(float(result.pooled_hit_rate(name)[0]))
        per_origin.append(result.hits[name][:, :, 0].mean(axis=0))
        incidents = result.incidents.mean(axis=0)
    best = int(np.argmax(scores))
    errors = [paired_standard_error(per_origin[best], h, incidents) for h in per_origin]
    chosen = next(
        i
        for i, (score, error) in enumerate(zip(scores, errors, strict=True))
        if score >= scores[best] - tolerance - n_se * error
    )
    return Selection(
        name, grid, candidates, scores, errors, candidates[chosen], origins, before, horizon,
        coverage, tolerance, n_se, float(incidents.sum()), events.tz,
    )  # fmt: skip


def paired_standard_error(hits_a: FloatArray, hits_b: FloatArray, incidents: FloatArray) -> float:
    """Standard error of the difference of two pooled hit rates on the same windows.

    The difference is ``sum(hits_a - hits_b) / sum(incidents)``, a ratio of sums over
    windows; its standard error comes from the ratio estimator's linearisation, with the
    windows as the independent units (the same windows for both: paired).

    Parameters
    ----------
    hits_a, hits_b, incidents : ndarray of float, shape (n_windows,)
        Hits of each model and incidents in each window.

    Returns
    -------
    float
        0 with fewer than two windows or no incidents.
    """
    n, total = len(incidents), float(incidents.sum())
    if n < 2 or total == 0:
        return 0.0
    d = hits_a - hits_b
    residual = d - d.sum() / total * incidents
    return float(np.sqrt(n / (n - 1) * np.sum(residual**2)) / total)


def _always(model: ForecastModel) -> Factory:
    """A factory that ignores the name and returns a fresh clone of ``model``."""

    def make(name: str, random_state: int | None) -> ForecastModel:
        return clone(model)

    return make


def selected_factory(selections: dict[str, Selection], factory: Factory = make_model) -> Factory:
    """A backtest factory that builds each selected family with its chosen hyperparameters.

    Names without a selection get ``factory``'s defaults.
    """

    def make(name: str, random_state: int | None) -> ForecastModel:
        model = factory(name, random_state)
        chosen = selections[name].chosen if name in selections else {}
        return model.set_params(**chosen) if chosen else model

    return make


def to_markdown(selections: dict[str, Selection]) -> str:
    """A table of the choices: chosen values, their validation score, the simplest's score."""
    rules = {(s.tolerance, s.n_se) for s in selections.values() if s.scores}
    rule = (
        f"the first candidate within {_margin(*rules.pop())} of the best is kept"
        if len(rules) == 1
        else "the rule of each choice is in results.json"
    )
    lines = [
        "Hyperparameters chosen by rolling-origin validation before the first test origin, "
        f"by pooled hit rate; the first candidate of a grid is the simplest, and {rule}.",
        "",
        "| model | chosen | validation hit rate | simplest candidate | candidates | origins |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in selections.items():
        if not s.scores:
            lines.append(f"| {name} | defaults (no grid) | — | — | 1 | — |")
            continue
        chosen, simplest = _params(s.chosen), _params(s.candidates[0])
        lines.append(
            f"| {name} | {chosen} | {s.chosen_score:.4f} | {simplest}: {s.scores[0]:.4f} | "
            f"{len(s.candidates)} | {len(s.origins)} |"
        )
    return "\n".join(lines) + "\n"


def _margin(tolerance: float, n_se: float) -> str:
    """How far below the best a kept candidate may be, in words."""
    errors = f"{n_se:g} paired standard error{'' if n_se == 1 else 's'}"
    if tolerance > 0:
        return f"{tolerance:g} + {errors}" if n_se > 0 else f"{tolerance:g}"
    return errors


def _params(params: dict[str, Any]) -> str:
    """``name=value, ...`` for a table or a sentence."""
    return ", ".join(f"{k}={_show(v)}" for k, v in params.items())


def _show(value: Any) -> str:
    """``∞`` for a half-life of None, the value otherwise."""
    if value is None:
        return "∞"
    if isinstance(value, float) and np.isfinite(value) and value == round(value):
        return f"{value:g}"
    return f"{value}"
