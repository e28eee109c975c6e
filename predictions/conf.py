"""Typed settings of the predictions app.

Each value comes from a Django setting of the same name when one is defined (tests override
them with pytest-django's ``settings``), else from the environment through callao.env, whose
readers fail loudly on a malformed value. See docs/predictions.md for the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.conf import settings

from callao.env import ImproperlyConfiguredEnv, env_int, env_str

_DEFAULT_MODELS = ["naive365", "kde", "prospective", "sepp"]


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

    def units_for(self, ubigeo: str) -> int:
        return self.patrol_units.get(ubigeo, self.patrol_units_default)


def _get(name: str, default: object) -> object:
    return getattr(settings, name, default)


def _percent(name: str, default: int) -> float:
    share = _int(name, default, 0) / 100
    if not 0 <= share <= 1:
        raise ImproperlyConfiguredEnv(f"{name} must be a percentage between 0 and 100.")
    return share


def parse_shifts(text: str) -> tuple[ShiftSpec, ...]:
    """``"06:00-14:00,14:00-22:00,22:00-06:00"`` → shift specs (a shift may cross midnight)."""
    shifts = []
    for item in [part.strip() for part in text.split(",") if part.strip()]:
        try:
            start_text, end_text = item.split("-")
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError as exc:
            raise ImproperlyConfiguredEnv(f"PREDICTIONS_SHIFTS: cannot read {item!r}") from exc
        shifts.append(ShiftSpec(f"{start:%H%M}-{end:%H%M}", start, end))
    if not shifts:
        raise ImproperlyConfiguredEnv("PREDICTIONS_SHIFTS lists no shift.")
    return tuple(shifts)


def _units(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in [part.strip() for part in text.split(",") if part.strip()]:
        ubigeo, _, count = item.partition(":")
        if not count.isdigit() or int(count) < 1:
            raise ImproperlyConfiguredEnv(f"PREDICTIONS_PATROL_UNITS_BY_DISTRICT: bad {item!r}")
        out[ubigeo.strip()] = int(count)
    return out


def _int(name: str, default: int, minimum: int) -> int:
    value = _get(name, None)
    return env_int(name, default, minimum=minimum) if value is None else int(str(value))


def _text(name: str, default: str) -> str:
    value = _get(name, None)
    if value is None:
        return env_str(name, default)
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def prediction_settings() -> PredictionSettings:
    """Read the settings now (cheap; lets tests override them per test)."""
    return PredictionSettings(
        training_origins=tuple(
            _items(_text("PREDICTIONS_TRAINING_ORIGINS", "victim_report,citizen_call"))
        ),
        models=tuple(_items(_text("PREDICTIONS_MODELS", ",".join(_DEFAULT_MODELS)))),
        baseline_model=_text("PREDICTIONS_BASELINE_MODEL", "naive365"),
        cell_m=float(_int("PREDICTIONS_CELL_M", 150, 50)),
        flagged_share=_percent("PREDICTIONS_FLAGGED_PERCENT", 5),
        exploration_share=_percent("PREDICTIONS_EXPLORATION_PERCENT", 10),
        patrol_units_default=_int("PREDICTIONS_PATROL_UNITS", 4, 1),
        patrol_units=_units(_text("PREDICTIONS_PATROL_UNITS_BY_DISTRICT", "")),
        shifts=parse_shifts(_text("PREDICTIONS_SHIFTS", "06:00-14:00,14:00-22:00,22:00-06:00")),
        forecast_lead_minutes=_int("PREDICTIONS_FORECAST_LEAD_MINUTES", 30, 0),
        backtest_origins=_int("PREDICTIONS_BACKTEST_ORIGINS", 8, 2),
        backtest_horizon_days=float(_int("PREDICTIONS_BACKTEST_HORIZON_DAYS", 7, 1)),
        history_days=_int("PREDICTIONS_HISTORY_DAYS", 730, 30),
        stale_run_minutes=_int("PREDICTIONS_STALE_RUN_MINUTES", 120, 1),
        seed=_int("PREDICTIONS_SEED", 0, 0),
        timezone=str(settings.TIME_ZONE),
    )


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]
