"""Score a forecast's zones once its window has closed (hit rate, PAI, PEI*, by district).

Scored against victim- and citizen-originated incidents (the training origins): incidents
that officers record themselves follow where patrols went, so counting them would let the
zones confirm themselves (DESIGN.md, "Fairness and the feedback loop").
"""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone
from numpy.typing import NDArray

from forecasting import metrics
from forecasting.models import make_model
from forecasting.timeutil import to_days
from predictions.conf import PredictionSettings, prediction_settings
from predictions.models import Forecast, ForecastEvaluation
from predictions.services.data import events_load, grid_load
from predictions.services.forecasting import surface_decode


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
    region, own_grid, cell_districts = grid_load(cell=grid.cell)
    if own_grid.spec() != grid.spec():
        cell_districts = grid.districts(region)
    window_events = events_load(
        origins=conf.training_origins, start=forecast.window_start, end=forecast.window_end
    )
    actual = np.zeros(grid.n_cells)
    if window_events is not None:
        actual = grid.counts(grid.locate(window_events.x, window_events.y))
    baseline = _baseline(forecast, grid, conf)
    zones = list(forecast.zones.select_related("district"))
    rows: list[ForecastEvaluation] = []
    totals = {"incidents": 0.0, "hits": 0.0, "best": 0.0, "flagged": 0, "cells": 0, "base": 0.0}
    for district in sorted({z.district for z in zones}, key=lambda d: d.ubigeo):
        members = np.flatnonzero(cell_districts == district.ubigeo)
        flagged = np.asarray(
            sorted({c for z in zones if z.district_id == district.pk for c in z.cells}), dtype=int
        )
        n = float(actual[members].sum())
        hits = float(actual[flagged].sum())
        best = metrics.best_hits(actual[members], len(flagged))
        base_hits = (
            metrics.hits(baseline[members], actual[members], len(flagged))
            if baseline is not None
            else None
        )
        rows.append(_row(forecast, district, n, hits, best, len(flagged), len(members), base_hits))
        totals["incidents"] += n
        totals["hits"] += hits
        totals["best"] += best
        totals["flagged"] += len(flagged)
        totals["cells"] += len(members)
        totals["base"] += base_hits or 0.0
    rows.append(
        _row(
            forecast,
            None,
            totals["incidents"],
            totals["hits"],
            totals["best"],
            int(totals["flagged"]),
            int(totals["cells"]),
            totals["base"] if baseline is not None else None,
        )
    )
    with transaction.atomic():
        if forecast.evaluations.exists():  # a concurrent duplicate got here first
            return list(forecast.evaluations.all())
        return ForecastEvaluation.objects.bulk_create(rows)


def _row(
    forecast: Forecast,
    district: object,
    n: float,
    hits: float,
    best: float,
    flagged: int,
    cells: int,
    base_hits: float | None,
) -> ForecastEvaluation:
    area = flagged / cells if cells else 0.0
    rate = hits / n if n else None
    return ForecastEvaluation(
        forecast=forecast,
        district=district,  # type: ignore[misc]
        incidents=round(n),
        hits=hits,
        flagged_cells=flagged,
        cells=cells,
        hit_rate=rate,
        pai=rate / area if rate is not None and area else None,
        pei_star=hits / best if best else None,
        baseline_pai=(base_hits / n / area) if base_hits is not None and n and area else None,
    )


def _baseline(
    forecast: Forecast, grid: object, conf: PredictionSettings
) -> NDArray[np.float64] | None:
    """The naive baseline's forecast for the same window, to warn when the champion is worse."""
    from forecasting import Grid

    assert isinstance(grid, Grid)
    events = events_load(origins=conf.training_origins, end=forecast.window_start)
    if events is None:
        return None
    model = make_model(conf.baseline_model).fit(
        events, grid, to_days(forecast.window_start, conf.timezone)
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
