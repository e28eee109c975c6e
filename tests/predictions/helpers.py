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
