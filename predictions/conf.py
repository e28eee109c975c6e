"""The predictions settings as one typed object.

Every value is a Django setting read from the environment in callao/settings.py (listed in
.env.example and docs/predictions.md); this module only types them and parses the two that
are small languages of their own (shifts, patrol units by district). ``prediction_settings()``
reads them at each call, so tests override them with pytest-django's ``settings``; the app
checks them once at start-up (predictions/apps.py), so a malformed value stops the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from django.conf import settings

from callao.env import ImproperlyConfiguredEnv


@dataclass(frozen=True)
class ShiftSpec:
    code: str
    start: time
    end: time


@dataclass(frozen=True)
class PredictionSettings:
    training_origins: tuple[str, ...]
    models: tuple[str, ...]
    baseline_model: str
    cell_m: float
    flagged_share: float
    exploration_share: float
    patrol_units_default: int
    patrol_units: dict[str, int]
    shifts: tuple[ShiftSpec, ...]
    forecast_lead_minutes: int
    backtest_origins: int
    backtest_horizon_days: float
    history_days: int
    stale_run_minutes: int
    seed: int
    timezone: str
    visit_tolerance_minutes: int

    def units_for(self, ubigeo: str) -> int:
        return self.patrol_units.get(ubigeo, self.patrol_units_default)


def parse_shifts(text: str) -> tuple[ShiftSpec, ...]:
    """``"06:00-14:00,14:00-22:00,22:00-06:00"`` → shift specs (a shift may cross midnight)."""
    shifts = []
    for item in _items(text):
        try:
            start_text, end_text = item.split("-")
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError as exc:
            raise ImproperlyConfiguredEnv(f"PREDICTIONS_SHIFTS: cannot read {item!r}") from exc
        shifts.append(ShiftSpec(f"{start:%H%M}-{end:%H%M}", start, end))
    if not shifts:
        raise ImproperlyConfiguredEnv("PREDICTIONS_SHIFTS lists no shift.")
    return tuple(shifts)


def parse_units(text: str) -> dict[str, int]:
    """``"070101:6,070106:8"`` → patrol units per district UBIGEO."""
    out: dict[str, int] = {}
    for item in _items(text):
        ubigeo, _, count = item.partition(":")
        if not count.isdigit() or int(count) < 1:
            raise ImproperlyConfiguredEnv(f"PREDICTIONS_PATROL_UNITS_BY_DISTRICT: bad {item!r}")
        out[ubigeo.strip()] = int(count)
    return out


def prediction_settings() -> PredictionSettings:
    """The settings as they are now (cheap; lets tests override them per test)."""
    return PredictionSettings(
        training_origins=_names(settings.PREDICTIONS_TRAINING_ORIGINS),
        models=_names(settings.PREDICTIONS_MODELS),
        baseline_model=str(settings.PREDICTIONS_BASELINE_MODEL),
        cell_m=float(settings.PREDICTIONS_CELL_M),
        flagged_share=int(settings.PREDICTIONS_FLAGGED_PERCENT) / 100,
        exploration_share=int(settings.PREDICTIONS_EXPLORATION_PERCENT) / 100,
        patrol_units_default=int(settings.PREDICTIONS_PATROL_UNITS),
        patrol_units=parse_units(settings.PREDICTIONS_PATROL_UNITS_BY_DISTRICT),
        shifts=parse_shifts(settings.PREDICTIONS_SHIFTS),
        forecast_lead_minutes=int(settings.PREDICTIONS_FORECAST_LEAD_MINUTES),
        backtest_origins=int(settings.PREDICTIONS_BACKTEST_ORIGINS),
        backtest_horizon_days=float(settings.PREDICTIONS_BACKTEST_HORIZON_DAYS),
        history_days=int(settings.PREDICTIONS_HISTORY_DAYS),
        stale_run_minutes=int(settings.PREDICTIONS_STALE_RUN_MINUTES),
        seed=int(settings.PREDICTIONS_SEED),
        timezone=str(settings.TIME_ZONE),
        visit_tolerance_minutes=int(settings.PREDICTIONS_VISIT_TOLERANCE_MINUTES),
    )


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(name).strip() for name in value if str(name).strip())
