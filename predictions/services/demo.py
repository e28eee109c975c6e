"""The demo: two years of simulated Callao incidents, trained models and current zones."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from django.utils import timezone

from forecasting.narratives import simulation_frame
from forecasting.simulate import simulate
from incidents.models import SYNTHETIC_SOURCE, District, Incident
from incidents.services import dataset_create, dataset_import
from predictions.conf import PredictionSettings, prediction_settings
from predictions.models import ModelRun
from predictions.services.evaluation import evaluations_due
from predictions.services.forecasting import forecast_issue
from predictions.services.training import models_train_all, nightly_cutoff
from predictions.shifts import shift_current, shift_next

logger = logging.getLogger(__name__)

DEMO_MODELS = ("naive365", "kde", "prospective")
# Shifts of the last days are forecast by models trained before them and scored, so that a
# planner's first visit finds an accuracy chart made the honest way (no look-ahead).
PAST_DAYS = 7


@dataclass(frozen=True)
class DemoOutcome:
    simulated: int
    champion: str
    forecasts: int
    evaluated: int = 0


def demo_bootstrap(
    *,
    days: int = 730,
    seed: int = 7,
    background_per_day: float = 30.0,
    kinds: tuple[str, ...] = DEMO_MODELS,
) -> DemoOutcome:
    """Simulate (only into an empty incidents table), import, train fast models, forecast.

    On a database without model runs, the last ``PAST_DAYS`` of shifts are also forecast and
    evaluated first. Idempotent: every step skips what is already there.
    """
    simulated = 0
    if not Incident.objects.exists():
        simulated = _simulate_and_import(days=days, seed=seed, rate=background_per_day)
    now = timezone.now()
    today = nightly_cutoff(moment=now)
    conf = prediction_settings()
    evaluated = 0
    if not ModelRun.objects.exists():
        evaluated = _past_shifts_evaluated(today - timedelta(days=PAST_DAYS), now, kinds, conf)
    champion = models_train_all(trained_until=today, kinds=kinds)
    if champion is None:
        raise RuntimeError("no model could be trained")
    forecasts = {
        forecast_issue(window=w, conf=conf).pk
        for w in (shift_current(moment=now), shift_next(moment=now))
    }
    return DemoOutcome(
        simulated=simulated, champion=champion.kind, forecasts=len(forecasts), evaluated=evaluated
    )


def _past_shifts_evaluated(
    start: datetime, now: datetime, kinds: tuple[str, ...], conf: PredictionSettings
) -> int:
    """Forecast every shift closed since ``start`` with models trained at ``start``; score them."""
    if models_train_all(trained_until=start, kinds=kinds) is None:
        return 0
    window = shift_current(moment=start, conf=conf)
    while window.end <= now:
        forecast_issue(window=window, conf=conf)
        window = shift_next(moment=window.start, conf=conf)
    return len(evaluations_due(conf=conf))


def naive_local_times(values: pd.Series) -> pd.Series:
    """Drop the UTC offset (exact in a local zone without DST, such as America/Lima).

    Works around incidents.importing.dates.localise failing on a file where every row has
    an offset (``naive.astype`` on an empty series; reported to its owner).
    """
    return values.str.replace(r"[+-]\d\d:\d\d$", "", regex=True)


def _simulate_and_import(*, days: int, seed: int, rate: float) -> int:
    region = District.objects.all().to_region()
    start = (timezone.localtime() - timedelta(days=days)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    simulation = simulate(
        region,
        start.replace(tzinfo=None).isoformat(),
        days,
        random_state=seed,
        background_per_day=rate,
    )
    frame = simulation_frame(simulation, narratives=True, random_state=seed)
    # Keep only what has "happened" already: the simulation runs to the end of today.
    frame = frame.drop(columns=["district"])
    frame["occurred_at"] = naive_local_times(frame["occurred_at"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "callao_simulado.csv"
        frame.to_csv(path, index=False)
        with path.open("rb") as stream:
            dataset = dataset_create(file=stream, name=path.name, source=SYNTHETIC_SOURCE)
        dataset = dataset_import(dataset=dataset)
    logger.info("demo import: %s rows, status %s", dataset.rows_imported, dataset.status)
    return dataset.rows_imported
