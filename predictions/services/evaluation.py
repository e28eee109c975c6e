"""Score a forecast's zones once its window has closed (hit rate, PAI, PEI*, by district).

Scored against victim- and citizen-originated incidents (the training origins): incidents
that officers record themselves follow where patrols went, so counting them would let the
zones confirm themselves (DESIGN.md, "Fairness and the feedback loop").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from numpy.typing import NDArray

from forecasting import Grid, metrics
from forecasting.models import make_model
from forecasting.timeutil import to_days
from incidents.models import District, Incident
from predictions.conf import PredictionSettings, prediction_settings
from predictions.models import Forecast, ForecastEvaluation
from predictions.services.forecasting import surface_decode


@dataclass
class _Counts:
    """What one district (or all of Callao) caught in one window."""

    incidents: float = 0.0
    hits: float = 0.0
    best: float = 0.0
    flagged: int = 0
    cells: int = 0
    baseline: float | None = None

    def add(self, other: _Counts) -> None:
        self.incidents += other.incidents
        self.hits += other.hits
        self.best += other.best
        self.flagged += other.flagged
        self.cells += other.cells
        if other.baseline is not None:
            self.baseline = (self.baseline or 0.0) + other.baseline


def forecast_evaluate(
    *, forecast: Forecast, conf: PredictionSettings | None = None
) -> list[ForecastEvaluation]:
    """Evaluation rows for a closed window; idempotent (existing rows are returned)."""
    conf = conf or prediction_settings()
    existing = list(forecast.evaluations.all())
    if existing:
        return existing
    if forecast.window_end > timezone.now():
        raise ValueError("the forecast window has not closed yet")
    _risk, grid = surface_decode(forecast.surface, forecast.grid)
    region, own_grid, cell_districts = District.objects.grid(cell=grid.cell)
    if own_grid.spec() != grid.spec():
        cell_districts = grid.districts(region)
    window_events = (
        Incident.objects.of_origins(conf.training_origins)
        .between(forecast.window_start, forecast.window_end)
        .to_events()
    )
    actual = np.zeros(grid.n_cells)
    if window_events is not None:
        actual = grid.counts(grid.locate(window_events.x, window_events.y))
    baseline = _baseline(forecast, grid, conf)
    zones = list(forecast.zones.select_related("district"))
    rows: list[ForecastEvaluation] = []
    callao = _Counts(baseline=None if baseline is None else 0.0)
    for district in sorted({z.district for z in zones}, key=lambda d: d.ubigeo):
        members = np.flatnonzero(cell_districts == district.ubigeo)
        flagged = np.asarray(
            sorted({c for z in zones if z.district_id == district.pk for c in z.cells}), dtype=int
        )
        counts = _Counts(
            incidents=float(actual[members].sum()),
            hits=float(actual[flagged].sum()),
            best=metrics.best_hits(actual[members], len(flagged)),
            flagged=len(flagged),
            cells=len(members),
            baseline=(
                metrics.hits(baseline[members], actual[members], len(flagged))
                if baseline is not None
                else None
            ),
        )
        rows.append(_row(forecast, district, counts))
        callao.add(counts)
    rows.append(_row(forecast, None, callao))
    with transaction.atomic():
        if forecast.evaluations.exists():  # a concurrent duplicate got here first
            return list(forecast.evaluations.all())
        return ForecastEvaluation.objects.bulk_create(rows)


def _row(forecast: Forecast, district: District | None, counts: _Counts) -> ForecastEvaluation:
    n = counts.incidents
    return ForecastEvaluation(
        forecast=forecast,
        district=district,
        incidents=round(n),
        hits=counts.hits,
        best_hits=counts.best,
        baseline_hits=counts.baseline,
        flagged_cells=counts.flagged,
        cells=counts.cells,
        hit_rate=counts.hits / n if n else None,
        pai=metrics.pai_from_counts(counts.hits, n, counts.flagged, counts.cells),
        pei_star=counts.hits / counts.best if counts.best else None,
        baseline_pai=(
            metrics.pai_from_counts(counts.baseline, n, counts.flagged, counts.cells)
            if counts.baseline is not None
            else None
        ),
    )


def _baseline(
    forecast: Forecast, grid: Grid, conf: PredictionSettings
) -> NDArray[np.float64] | None:
    """The naive baseline's forecast for the same window, to warn when the champion is worse."""
    events = Incident.objects.of_origins(conf.training_origins).between(end=forecast.window_start)
    history = events.to_events()
    if history is None:
        return None
    model = make_model(conf.baseline_model).fit(
        history, grid, to_days(forecast.window_start, conf.timezone)
    )
    return model.predict(forecast.window_start, forecast.window_end)


def evaluations_due(*, conf: PredictionSettings | None = None) -> list[int]:
    """Evaluate every forecast whose window has closed and has no evaluation yet."""
    closed = Forecast.objects.filter(window_end__lte=timezone.now(), evaluations__isnull=True)
    done = []
    for forecast in closed.order_by("window_start")[:50]:
        forecast_evaluate(forecast=forecast, conf=conf)
        done.append(forecast.pk)
    return done
