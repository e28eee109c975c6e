"""Rolling-origin backtests with strict no-look-ahead, grid offsets and bootstrap intervals.

At every origin each model is refitted on the incidents strictly before the origin (the cut is
made by :meth:`ForecastModel.fit`) and forecasts the window ``[origin, origin + horizon)``. The
whole protocol is repeated for several grid offsets. Point estimates pool hits over origins
(sum of hits / sum of incidents) and average over offsets; 95 % intervals come from a
bootstrap over origins (the same resampled origins for every offset).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from . import metrics
from .errors import InputError
from .events import Events
from .geo import Region
from .grid import Grid
from .models import expand_names, make_model
from .models.base import ForecastModel
from .models.ensemble import combine, weights_from_scores
from .simulate import Simulation
from .timeutil import from_days, to_days

FloatArray = NDArray[np.float64]
Progress = Callable[[str], None]


CALIBRATION_BINS = 10


def middle_coverage(coverages: Sequence[float]) -> int:
    """Index of the coverage closest to 5 %: ensemble weights and equity are scored there."""
    return int(np.argmin(np.abs(np.asarray(coverages) - 0.05)))


def stderr_progress(message: str) -> None:
    """Default progress reporter: one line per step on standard error."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class BacktestResult:
    """Raw per-(offset, origin) scores of a backtest; :meth:`summary` aggregates them.

    Arrays are indexed ``[offset, origin]`` or ``[offset, origin, coverage]``.
    """

    models: list[str]
    coverages: list[float]
    origins: list[float]
    horizon: float
    offsets: list[tuple[float, float]]
    tz: str
    n_cells: NDArray[np.int64]
    incidents: FloatArray
    best: FloatArray
    hits: dict[str, FloatArray] = field(default_factory=dict)
    log_likelihood: dict[str, FloatArray] = field(default_factory=dict)
    brier: dict[str, FloatArray] = field(default_factory=dict)
    auc20: dict[str, FloatArray] = field(default_factory=dict)
    fit_seconds: dict[str, FloatArray] = field(default_factory=dict)
    predict_seconds: dict[str, FloatArray] = field(default_factory=dict)
    # [offset, origin, decile, (mean forecast, mean observed)]
    calibration: dict[str, FloatArray] = field(default_factory=dict)
    # Equity at the middle coverage: district names, their incidents [offset, origin, district]
    # and each model's expected flagged cells there [offset, origin, district].
    districts: list[str] = field(default_factory=list)
    district_incidents: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    flagged_cells: dict[str, FloatArray] = field(default_factory=dict)

    def summary(self, n_boot: int = 2000, random_state: int = 0) -> dict[str, Any]:
        """Point estimates with 95 % bootstrap intervals for every model and coverage."""
        rng = np.random.default_rng(random_state)
        n_origins = len(self.origins)
        idx = rng.integers(0, n_origins, size=(n_boot, n_origins))
        k = np.array([[metrics.n_flagged(int(n), c) for c in self.coverages] for n in self.n_cells])
        area = k / self.n_cells[:, None]
        out: dict[str, Any] = {}
        for name in self.models:
            point = self._pooled(self.hits[name], slice(None), area)
            boot = self._pooled(self.hits[name], idx, area)
            coverage: dict[str, Any] = {}
            for j, c in enumerate(self.coverages):
                coverage[f"{c:g}"] = {
                    metric: {
                        "estimate": float(point[metric][j]),
                        "low": float(np.nanpercentile(boot[metric][:, j], 2.5)),
                        "high": float(np.nanpercentile(boot[metric][:, j], 97.5)),
                    }
                    for metric in ("hit_rate", "pai", "pei_star")
                }
            out[name] = {
                "coverage": coverage,
                "log_likelihood_per_incident": float(
                    self.log_likelihood[name].sum() / self.incidents.sum()
                ),
                "brier": float(self.brier[name].mean()),
                "coverage_auc_20": float(np.nanmean(self.auc20[name])),
                "fit_seconds_per_origin": float(self.fit_seconds[name].mean()),
                "predict_seconds_per_origin": float(self.predict_seconds[name].mean()),
                "calibration": self._calibration(name),
                "equity": self._equity(name, k[:, middle_coverage(self.coverages)]),
            }
        return out

    def pooled_hit_rate(self, name: str) -> FloatArray:
        """Row ``name``'s hit rate per coverage, pooled over origins and averaged over offsets.

        The point estimate of :meth:`summary`, without its bootstrap.
        """
        # The area only scales PAI, which is not asked for here.
        area = np.ones((len(self.offsets), len(self.coverages)))
        return self._pooled(self.hits[name], slice(None), area)["hit_rate"]

    def _calibration(self, name: str) -> list[dict[str, float]]:
        """Mean forecast and mean observed count per decile of cells, averaged over windows."""
        table = np.nanmean(self.calibration[name], axis=(0, 1))
        return [
            {"decile": d + 1, "mean_forecast": float(f), "mean_observed": float(o)}
            for d, (f, o) in enumerate(table)
        ]

    def _equity(self, name: str, k: NDArray[np.int64]) -> list[dict[str, Any]]:
        """Per district: share of flagged cells vs share of incidents, pooled over windows."""
        if not self.districts:
            return []
        flagged_share = (self.flagged_cells[name] / k[:, None, None]).mean(axis=(0, 1))
        incidents = self.district_incidents.sum(axis=(0, 1))
        incident_share = incidents / incidents.sum() if incidents.sum() > 0 else incidents * np.nan
        return [
            {
                "district": district,
                "flagged_share": float(flagged),
                "incident_share": float(share),
                "ratio": float(flagged / share) if share > 0 else None,
            }
            for district, flagged, share in zip(
                self.districts, flagged_share, incident_share, strict=True
            )
        ]

    def _pooled(self, h: FloatArray, sel: Any, area: FloatArray) -> dict[str, FloatArray]:
        """Pooled hit rate, PAI and PEI* over the origins ``sel``, averaged over offsets.

        ``sel`` is a slice (point estimate) or an (n_boot, n_origins) index array.
        """
        hits = h[:, sel].sum(axis=-2)
        n = self.incidents[:, sel].sum(axis=-1)[..., None]
        best = self.best[:, sel].sum(axis=-2)
        rate = hits / n
        shape = (-1,) + (1,) * (rate.ndim - 2) + (len(self.coverages),)
        return {
            "hit_rate": rate.mean(axis=0),
            "pai": (rate / area.reshape(shape)).mean(axis=0),
            "pei_star": (hits / best).mean(axis=0),
        }

    def to_dict(self, n_boot: int = 2000) -> dict[str, Any]:
        """Protocol, summary and the raw per-origin arrays, ready for JSON."""
        return {
            "protocol": {
                "origins": [from_days(o, self.tz).isoformat() for o in self.origins],
                "horizon_days": self.horizon,
                "offsets_m": [list(o) for o in self.offsets],
                "coverages": self.coverages,
                "n_cells": self.n_cells.tolist(),
                "incidents_per_offset": self.incidents.sum(axis=1).tolist(),
                "ties": "cells tied at the cut-off are flagged uniformly at random; "
                "scores are the exact expectation over that draw",
                "pooling": "hits summed over origins / incidents summed over origins, "
                "averaged over offsets; 95% intervals by bootstrap over origins",
            },
            "summary": self.summary(n_boot=n_boot),
            "per_origin": {
                name: {
                    "hits": self.hits[name].tolist(),
                    "log_likelihood": self.log_likelihood[name].tolist(),
                    "fit_seconds": self.fit_seconds[name].tolist(),
                    "predict_seconds": self.predict_seconds[name].tolist(),
                }
                for name in self.models
            },
            "incidents": self.incidents.tolist(),
            "best_hits": self.best.tolist(),
        }


def make_origins(start: float, end: float, every: float, tz: str | None = None) -> list[float]:
    """Origins ``start, start + every, ...`` up to and including ``end`` (days since the epoch).

    With ``tz`` and a whole number of days, origins step in local wall-clock time, so weekly
    origins stay on local midnight across daylight-saving changes.
    """
    if end < start:
        raise InputError("the backtest end is before its start")
    if every <= 0:
        raise InputError("the spacing of origins must be positive")
    if tz is None or every != round(every):
        n = int(np.floor((end - start) / every + 1e-9)) + 1
        return [start + i * every for i in range(n)]
    first = from_days(start, tz).tz_localize(None)
    origins: list[float] = []
    while True:
        wall = first + pd.Timedelta(days=every * len(origins))
        origin = to_days(wall.tz_localize(tz, ambiguous=True, nonexistent="shift_forward"), tz)
        if origin > end + 1e-9:
            return origins
        origins.append(origin)


def backtest(
    events: Events,
    region: Region,
    models: Sequence[str],
    origins: Sequence[float],
    horizon: float,
    cell: float = 150.0,
    coverages: Sequence[float] = (0.01, 0.05, 0.10),
    offsets: int = 1,
    random_state: int = 0,
    progress: Progress | None = stderr_progress,
    oracle: Simulation | None = None,
    factory: Callable[[str, int | None], ForecastModel] = make_model,
) -> BacktestResult:
    """Run a rolling-origin backtest.

    Parameters
    ----------
    events : Events
        All incidents; each model only ever sees those before its origin.
    region : Region
        Area covered by the grid (same CRS as the events).
    models : sequence of str
        Model names (see :func:`forecasting.models.make_model`); ``naive`` expands to four
        windows. ``ensemble`` mixes the other listed models with weights from their pooled
        hit rate at 5 % (or the middle coverage) over the origins whose windows have already
        closed; at the first origin the weights are equal.
    origins : sequence of float
        Forecast origins, days since the epoch.
    horizon : float
        Window length in days.
    cell : float, default 150
        Cell side in metres.
    coverages : sequence of float
        Area fractions to score.
    offsets : int, default 1
        Number of grids: the first has offset (0, 0), the others uniform random offsets.
    random_state : int
        Seeds the offsets and the models.
    progress : callable, optional
        Receives one line per origin.
    oracle : Simulation, optional
        Adds two rows from the simulation's true process: ``oracle`` (true intensity
        integrated over the window, the ceiling) and ``oracle_ex_ante`` (the same with
        excitation only from incidents before the origin).
    factory : callable
        ``factory(name, random_state)`` returns an unfitted model.

    Returns
    -------
    BacktestResult
    """
    names = expand_names(list(models))
    _check_there_is_something_to_forecast(events, origins)
    grid_offsets = _grid_offsets(cell, offsets, random_state)
    protocol = _Protocol(
        events=events,
        origins=list(origins),
        horizon=horizon,
        coverages=list(coverages),
        districts=sorted(region.districts),
        rows=names + (["oracle_ex_ante", "oracle"] if oracle is not None else []),
        members=[n for n in names if n not in ("ensemble", "uniform")],
        score_at=middle_coverage(coverages),
        random_state=random_state,
        oracle=oracle,
        factory=factory,
    )
    result = _empty_result(protocol, grid_offsets)
    for f, offset in enumerate(grid_offsets):
        layout = _offset_grid(f, Grid.from_region(region, cell, offset), region, protocol)
        result.n_cells[f] = layout.grid.n_cells
        for o in range(len(origins)):
            actual = _observe_window(result, protocol, layout, o)
            _forecast_and_score_window(result, protocol, layout, o, actual)
            if progress is not None:
                progress(_progress_line(protocol, f, len(grid_offsets), o, actual))
    if result.incidents.sum() == 0:
        raise InputError("no incidents in any forecast window")
    return result


@dataclass(frozen=True)
class _Protocol:
    """What stays the same over every grid and window of one backtest."""

    events: Events
    origins: list[float]
    horizon: float
    coverages: list[float]
    districts: list[str]  # sorted; empty when the region has no named districts
    rows: list[str]  # the models in scoring order, then the oracle rows
    members: list[str]  # the models the ensemble mixes
    score_at: int  # coverage index where ensemble weights and equity are scored
    random_state: int
    oracle: Simulation | None
    factory: Callable[[str, int | None], ForecastModel]


@dataclass(frozen=True)
class _OffsetGrid:
    """One offset's grid and what every window scored on it reuses."""

    index: int
    grid: Grid
    ks: list[int]  # cells flagged at each coverage
    cells: NDArray[np.int64]  # cell of every incident, -1 outside the grid
    district_masks: list[FloatArray]  # a 0/1 weight per cell for each district


@dataclass(frozen=True)
class _Forecast:
    """One model's forecast for one window and what it cost."""

    expected: FloatArray
    fit_seconds: float
    predict_seconds: float


def _check_there_is_something_to_forecast(events: Events, origins: Sequence[float]) -> None:
    """Refuse a backtest without origins or without any incident to learn from."""
    if not origins:
        raise InputError("no forecast origins in the backtest period")
    if len(events.before(origins[0])) == 0:
        raise InputError(f"no incidents before the first origin {from_days(origins[0], events.tz)}")


def _grid_offsets(cell: float, offsets: int, random_state: int) -> list[tuple[float, float]]:
    """(0, 0), then ``offsets - 1`` uniform random lattice shifts drawn from ``random_state``."""
    rng = np.random.default_rng(random_state)
    return [(0.0, 0.0)] + [
        (float(rng.uniform(0, cell)), float(rng.uniform(0, cell))) for _ in range(offsets - 1)
    ]


def _empty_result(protocol: _Protocol, grid_offsets: list[tuple[float, float]]) -> BacktestResult:
    """A result whose tables, one per row and score, have every (offset, origin) at zero.

    Calibration starts at NaN because a decile a window leaves empty must not count as 0.
    """
    shape = (len(grid_offsets), len(protocol.origins))
    cshape = (*shape, len(protocol.coverages))
    result = BacktestResult(
        protocol.rows,
        protocol.coverages,
        protocol.origins,
        protocol.horizon,
        grid_offsets,
        protocol.events.tz,
        np.zeros(len(grid_offsets), dtype=np.int64),
        np.zeros(shape),
        np.zeros(cshape),
    )
    districts = protocol.districts
    result.districts = districts
    result.district_incidents = np.zeros((*shape, len(districts)))
    for name in protocol.rows:
        result.hits[name] = np.zeros(cshape)
        for table in ("log_likelihood", "brier", "auc20", "fit_seconds", "predict_seconds"):
            getattr(result, table)[name] = np.zeros(shape)
        result.calibration[name] = np.full((*shape, CALIBRATION_BINS, 2), np.nan)
        result.flagged_cells[name] = np.zeros((*shape, len(districts)))
    return result


def _offset_grid(index: int, grid: Grid, region: Region, protocol: _Protocol) -> _OffsetGrid:
    """Locate every incident on ``grid`` once, and mask each district's cells."""
    events = protocol.events
    ks = [metrics.n_flagged(grid.n_cells, c) for c in protocol.coverages]
    cells = grid.locate(events.x, events.y)
    districts = protocol.districts
    # Assigning cells to districts intersects every cell: skip it when there are none.
    cell_district = grid.districts(region) if districts else np.array([], dtype=object)
    masks = [np.asarray(cell_district == d, dtype=np.float64) for d in districts]
    return _OffsetGrid(index, grid, ks, cells, masks)


def _observe_window(
    result: BacktestResult, protocol: _Protocol, layout: _OffsetGrid, o: int
) -> FloatArray:
    """Count the incidents per cell in origin ``o``'s window and record their totals."""
    f, origin, events = layout.index, protocol.origins[o], protocol.events
    window = (events.t >= origin) & (events.t < origin + protocol.horizon)
    actual = layout.grid.counts(layout.cells[window])
    result.incidents[f, o] = actual.sum()
    result.district_incidents[f, o] = [float(actual @ m) for m in layout.district_masks]
    result.best[f, o] = [metrics.best_hits(actual, k) for k in layout.ks]
    return actual


def _forecast_and_score_window(
    result: BacktestResult, protocol: _Protocol, layout: _OffsetGrid, o: int, actual: FloatArray
) -> None:
    """Forecast origin ``o``'s window with every row, in order, and score each forecast.

    Rows are scored as they go because the ensemble reads its members' forecasts and fit
    times for this window, and their hits in earlier windows.
    """
    predictions: dict[str, FloatArray] = {}
    for name in protocol.rows:
        forecast = _forecast(result, protocol, layout, o, name, predictions)
        predictions[name] = forecast.expected
        _score_forecast(result, protocol, layout, o, name, forecast, actual)


def _forecast(
    result: BacktestResult,
    protocol: _Protocol,
    layout: _OffsetGrid,
    o: int,
    name: str,
    predictions: dict[str, FloatArray],
) -> _Forecast:
    """Row ``name``'s forecast for origin ``o``'s window: oracle, ensemble or a fitted model."""
    origin = protocol.origins[o]
    if name.startswith("oracle") and protocol.oracle is not None:
        return _oracle_forecast(protocol.oracle, name, layout.grid, origin, protocol.horizon)
    if name == "ensemble" and protocol.members:
        return _ensemble_forecast(result, protocol, layout.index, o, predictions)
    return _fitted_forecast(protocol, name, layout.grid, origin)


def _oracle_forecast(
    oracle: Simulation, name: str, grid: Grid, origin: float, horizon: float
) -> _Forecast:
    """The simulation's true intensity over the window; it is not fitted, so it costs 0 s."""
    realised = name == "oracle"
    expected = oracle.intensity(grid, origin, origin + horizon, realised=realised)
    return _Forecast(expected, 0.0, 0.0)


def _ensemble_forecast(
    result: BacktestResult,
    protocol: _Protocol,
    f: int,
    o: int,
    predictions: dict[str, FloatArray],
) -> _Forecast:
    """Mix the members' forecasts for this window; its fit time is the members' fit times."""
    started = time.perf_counter()
    weights = _ensemble_weights(
        result, protocol.members, protocol.origins, f, o, protocol.horizon, protocol.score_at
    )
    expected = combine([predictions[m] for m in protocol.members], weights)
    predict_seconds = time.perf_counter() - started
    fit_seconds = sum(result.fit_seconds[m][f, o] for m in protocol.members)
    return _Forecast(expected, float(fit_seconds), predict_seconds)


def _fitted_forecast(protocol: _Protocol, name: str, grid: Grid, origin: float) -> _Forecast:
    """Fit a fresh model on the incidents before ``origin`` and forecast the window."""
    started = time.perf_counter()
    model = protocol.factory(name, protocol.random_state).fit(protocol.events, grid, origin)
    fitted = time.perf_counter()
    expected = model.predict(origin, origin + protocol.horizon)
    return _Forecast(expected, fitted - started, time.perf_counter() - fitted)


def _score_forecast(
    result: BacktestResult,
    protocol: _Protocol,
    layout: _OffsetGrid,
    o: int,
    name: str,
    forecast: _Forecast,
    actual: FloatArray,
) -> None:
    """Write every score of one row's forecast for one window into the result tables."""
    f, pred = layout.index, forecast.expected
    result.fit_seconds[name][f, o] = forecast.fit_seconds
    result.predict_seconds[name][f, o] = forecast.predict_seconds
    result.hits[name][f, o] = [metrics.hits(pred, actual, k) for k in layout.ks]
    result.log_likelihood[name][f, o] = metrics.poisson_log_likelihood(pred, actual)
    result.brier[name][f, o] = metrics.brier_score(pred, actual)
    result.auc20[name][f, o] = metrics.coverage_auc(pred, actual) if actual.sum() > 0 else np.nan
    deciles = metrics.calibration_by_decile(pred, actual, bins=CALIBRATION_BINS)
    result.calibration[name][f, o, deciles["decile"].to_numpy() - 1] = deciles[
        ["mean_forecast", "mean_observed"]
    ].to_numpy()
    k = layout.ks[protocol.score_at]
    result.flagged_cells[name][f, o] = [metrics.hits(pred, m, k) for m in layout.district_masks]


def _progress_line(protocol: _Protocol, f: int, n_offsets: int, o: int, actual: FloatArray) -> str:
    """``[done/total] offset i/n origin <local time> incidents <count>``."""
    n_origins = len(protocol.origins)
    origin = from_days(protocol.origins[o], protocol.events.tz)
    return (
        f"[{f * n_origins + o + 1}/{n_offsets * n_origins}] offset {f + 1}/{n_offsets} "
        f"origin {origin:%Y-%m-%d %H:%M} incidents {int(actual.sum())}"
    )


def _ensemble_weights(
    result: BacktestResult,
    members: list[str],
    origins: Sequence[float],
    f: int,
    o: int,
    horizon: float,
    score_at: int,
) -> FloatArray:
    """Weights from members' pooled hit rates over windows closed by origin ``o``."""
    closed = [i for i in range(o) if origins[i] + horizon <= origins[o]]
    n = result.incidents[f, closed].sum() if closed else 0.0
    if n == 0:
        return np.full(len(members), 1.0 / len(members))
    scores = [result.hits[m][f, closed, score_at].sum() / n for m in members]
    return weights_from_scores(scores)


def to_markdown(summary: dict[str, Any], coverages: Sequence[float]) -> str:
    """Render :meth:`BacktestResult.summary` as Markdown tables (accuracy, fit, calibration,
    and equity when the region has districts)."""
    lines = [
        *_accuracy_table(summary, coverages),
        "",
        *_fit_table(summary),
        "",
        *_calibration_table(summary),
    ]
    districts = [row["district"] for row in next(iter(summary.values()))["equity"]]
    if districts:
        lines += ["", *_equity_table(summary, districts)]
    return "\n".join(lines) + "\n"


def _with_interval(d: dict[str, float], digits: int) -> str:
    """``estimate [low, high]``."""
    return f"{d['estimate']:.{digits}f} [{d['low']:.{digits}f}, {d['high']:.{digits}f}]"


def _accuracy_table(summary: dict[str, Any], coverages: Sequence[float]) -> list[str]:
    """Hit rate, PAI and PEI* with their intervals, per model and coverage."""
    lines = [
        "| model | coverage | hit rate [95% CI] | PAI [95% CI] | PEI* [95% CI] |",
        "|---|---|---|---|---|",
    ]
    for name, s in summary.items():
        for c in coverages:
            row = s["coverage"][f"{c:g}"]
            lines.append(
                f"| {name} | {c:.0%} | {_with_interval(row['hit_rate'], 3)} | "
                f"{_with_interval(row['pai'], 2)} | {_with_interval(row['pei_star'], 3)} |"
            )
    return lines


def _fit_table(summary: dict[str, Any]) -> list[str]:
    """Likelihood, Brier score, coverage AUC and timings per model."""
    lines = [
        "| model | log-likelihood / incident | Brier | coverage AUC to 20% | fit s / origin "
        "| predict s / origin |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in summary.items():
        lines.append(
            f"| {name} | {s['log_likelihood_per_incident']:.3f} | {s['brier']:.5f} | "
            f"{s['coverage_auc_20']:.3f} | {s['fit_seconds_per_origin']:.3f} | "
            f"{s['predict_seconds_per_origin']:.4f} |"
        )
    return lines


def _calibration_table(summary: dict[str, Any]) -> list[str]:
    """Observed ÷ forecast per decile of forecast, per model."""
    lines = [
        "Calibration: observed ÷ forecast incidents per cell, by decile of forecast "
        "(1 = lowest; 1.00 = calibrated).",
        "",
        "| model | " + " | ".join(f"d{d}" for d in range(1, CALIBRATION_BINS + 1)) + " |",
        "|---|" + "---|" * CALIBRATION_BINS,
    ]
    for name, s in summary.items():
        ratios = [
            f"{row['mean_observed'] / row['mean_forecast']:.2f}"
            if row["mean_forecast"] > 0
            else "—"
            for row in s["calibration"]
        ]
        lines.append(f"| {name} | " + " | ".join(ratios) + " |")
    return lines


def _equity_table(summary: dict[str, Any], districts: list[str]) -> list[str]:
    """Share of flagged cells ÷ share of incidents per district, per model."""
    lines = [
        "Equity at the middle coverage: share of flagged cells ÷ share of incidents per "
        "district (1.00 = flagged in proportion to incidents).",
        "",
        "| model | " + " | ".join(districts) + " |",
        "|---|" + "---|" * len(districts),
    ]
    for name, s in summary.items():
        ratios = ["—" if row["ratio"] is None else f"{row['ratio']:.2f}" for row in s["equity"]]
        lines.append(f"| {name} | " + " | ".join(ratios) + " |")
    return lines
