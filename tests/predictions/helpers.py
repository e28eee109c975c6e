"""Small simulated histories for the predictions tests (seconds, not minutes)."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from forecasting.narratives import simulation_frame
from forecasting.simulate import simulate
from incidents.models import SYNTHETIC_SOURCE, Dataset, District
from incidents.services import dataset_create, dataset_import
from predictions.models import Forecast, ForecastEvaluation, ModelRun, RunStatus
from predictions.services.demo import naive_local_times

FAST_SETTINGS = {
    "PREDICTIONS_MODELS": ["naive365", "kde"],
    "PREDICTIONS_BACKTEST_ORIGINS": 3,
    "PREDICTIONS_BACKTEST_HORIZON_DAYS": 7,
    "PREDICTIONS_HISTORY_DAYS": 120,
    "PREDICTIONS_CELL_M": 300,
}


def fast(settings) -> None:  # type: ignore[no-untyped-def]
    for name, value in FAST_SETTINGS.items():
        setattr(settings, name, value)


def simulated_history(*, days: int = 120, seed: int = 3, rate: float = 20.0) -> Dataset:
    """Import ``days`` of simulated incidents ending now through the real import pipeline."""
    start = timezone.localtime() - timedelta(days=days)
    sim = simulate(
        District.objects.all().to_region(),
        start.replace(tzinfo=None, microsecond=0).isoformat(),
        days,
        random_state=seed,
        background_per_day=rate,
    )
    frame = simulation_frame(sim).drop(columns=["district"])
    frame["occurred_at"] = naive_local_times(frame["occurred_at"])
    frame = frame[frame["occurred_at"] < timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sim.csv"
        frame.to_csv(path, index=False)
        with path.open("rb") as stream:
            dataset = dataset_create(file=stream, name=path.name, source=SYNTHETIC_SOURCE)
        return dataset_import(dataset=dataset)


def midnight_today() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


# (incidents, hits, best hits, baseline hits) of one evaluated shift window.
EvaluatedWindow = tuple[int, float, float, float]


def make_evaluated_windows(
    windows: list[EvaluatedWindow], *, districts: tuple[District | None, ...] = (None,)
) -> datetime:
    """Consecutive 8-hour windows ending two days ago, each scored as ``windows`` says.

    Every window flags 10 of 100 cells, so PAI = (hits / incidents) / 0.1. Returns the first
    window's start.
    """
    run = ModelRun.objects.create(
        kind="naive365",
        trained_until=timezone.now() - timedelta(days=3),
        data_fingerprint="x",
        status=RunStatus.SUCCEEDED,
    )
    first = timezone.now().replace(microsecond=0) - timedelta(days=2)
    for index, (n, hits, best, baseline) in enumerate(windows):
        start = first + timedelta(hours=8 * index)
        forecast = Forecast.objects.create(
            model_run=run,
            shift_code="0600-1400",
            window_start=start,
            window_end=start + timedelta(hours=8),
            cell_m=150.0,
            surface=b"",
        )
        for where in districts:
            ForecastEvaluation.objects.create(
                forecast=forecast,
                district=where,
                incidents=n,
                hits=hits,
                best_hits=best,
                baseline_hits=baseline,
                flagged_cells=10,
                cells=100,
                hit_rate=hits / n,
                pai=(hits / n) / 0.1,
                pei_star=hits / best,
                baseline_pai=(baseline / n) / 0.1,
            )
    return first
