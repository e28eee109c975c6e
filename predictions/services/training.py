"""Nightly training and backtest of one model kind, and the champion rule.

A run row is created ``running`` before any work, and only the last step marks it
``succeeded`` after its artifact is fully written (written to a temporary name, then renamed).
The champion switch happens in one transaction at the very end, so a worker killed at any
point leaves the previous champion in place and no half-written run marked good.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from numpy.typing import NDArray

from forecasting import Events, Grid, Region, metrics
from forecasting.backtest import backtest, make_origins
from forecasting.models import make_model
from forecasting.models.base import ForecastModel
from forecasting.persistence import save_model
from forecasting.timeutil import to_days
from incidents.models import District, Incident
from predictions.conf import PredictionSettings, prediction_settings
from predictions.models import ModelRun, RunStatus

logger = logging.getLogger(__name__)

COVERAGES = (0.01, 0.05, 0.10)
FloatArray = NDArray[np.float64]


def artifact_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "predictions" / "models"


def nightly_cutoff(*, moment: datetime, conf: PredictionSettings | None = None) -> datetime:
    """Local midnight of ``moment``'s day: the same cut-off however often training reruns."""
    conf = conf or prediction_settings()
    local = timezone.localtime(moment, timezone=ZoneInfo(conf.timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _claim_run(
    *, kind: str, trained_until: datetime, events: Events, conf: PredictionSettings
) -> tuple[ModelRun, bool]:
    """The run for this (kind, cut-off, data): an existing live one, or a new ``running`` row."""
    fingerprint = events.fingerprint()
    live = ModelRun.objects.filter(
        kind=kind, trained_until=trained_until, data_fingerprint=fingerprint
    ).exclude(status=RunStatus.FAILED)
    existing = live.first()
    stale_before = timezone.now() - timedelta(minutes=conf.stale_run_minutes)
    if existing is not None and existing.status == RunStatus.RUNNING:
        if existing.created_at >= stale_before:
            return existing, False
        # Left running by a worker that died: close it so the key is free for this retry.
        existing.status = RunStatus.FAILED
        existing.error = "abandoned: the worker stopped before finishing (killed or lost)"
        existing.finished_at = timezone.now()
        existing.save(update_fields=["status", "error", "finished_at"])
        existing = None
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = ModelRun.objects.create(
                kind=kind,
                params={k: repr(v) for k, v in make_model(kind, conf.seed).get_params().items()},
                trained_until=trained_until,
                data_fingerprint=fingerprint,
                training_origins=list(conf.training_origins),
                n_events=len(events),
                status=RunStatus.RUNNING,
            )
    except IntegrityError:
        return live.get(), False
    return run, True


def model_train(
    *,
    kind: str,
    trained_until: datetime,
    conf: PredictionSettings | None = None,
    after_claim: Callable[[ModelRun], None] | None = None,
) -> ModelRun:
    """Backtest ``kind`` on rolling origins before ``trained_until``, then fit and save it.

    Idempotent: a live run for the same kind, cut-off and training data is returned as is.
    ``after_claim`` is a test hook called once the run row exists (to simulate a crash).
    """
    conf = conf or prediction_settings()
    start = trained_until - timedelta(days=conf.history_days)
    events = (
        Incident.objects.of_origins(conf.training_origins).between(start, trained_until).to_events()
    )
    if events is None:
        raise ValueError("no training incidents before the cut-off")
    run, created = _claim_run(kind=kind, trained_until=trained_until, events=events, conf=conf)
    if not created:
        return run
    try:
        if after_claim is not None:
            after_claim(run)
        _train_into(run, events=events, conf=conf)
    except Exception:
        run.status = RunStatus.FAILED
        run.error = traceback.format_exc(limit=3)[-4000:]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logger.exception("model training failed", extra={"run": run.pk, "kind": kind})
        raise
    return run


def _train_into(run: ModelRun, *, events: Events, conf: PredictionSettings) -> None:
    """Backtest, fit and save ``run``'s model, then mark the run succeeded (its last step)."""
    began = time.perf_counter()
    region, grid, cell_districts = District.objects.grid(cell=conf.cell_m)
    until = to_days(run.trained_until, conf.timezone)
    _backtest_into(
        run,
        events=events,
        region=region,
        grid=grid,
        cell_districts=cell_districts,
        until=until,
        conf=conf,
    )
    timings = {"backtest": time.perf_counter() - began}
    fit_began = time.perf_counter()
    model = make_model(run.kind, conf.seed).fit(events, grid, until)
    timings["fit"] = time.perf_counter() - fit_began
    run.artifact = _artifact_save(run, model)
    run.synthetic = Incident.objects.synthetic().exists()
    timings["total"] = time.perf_counter() - began
    run.timings = timings
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()


def _backtest_into(
    run: ModelRun,
    *,
    events: Events,
    region: Region,
    grid: Grid,
    cell_districts: NDArray[np.object_],
    until: float,
    conf: PredictionSettings,
) -> None:
    """Rolling-origin backtest before ``until``: PAI/hit rate/PEI* at 5 %, equity, calibration."""
    horizon = conf.backtest_horizon_days
    first = until - horizon * conf.backtest_origins
    origins = make_origins(first, until - horizon, horizon, tz=conf.timezone)
    fitted: list[ForecastModel] = []

    def factory(name: str, random_state: int | None) -> ForecastModel:
        model = make_model(name, random_state)
        fitted.append(model)
        return model

    result = backtest(
        events,
        region,
        [run.kind],
        origins,
        horizon,
        cell=conf.cell_m,
        coverages=COVERAGES,
        offsets=1,
        random_state=conf.seed,
        progress=None,
        factory=factory,
    )
    summary = result.summary(n_boot=1000, random_state=conf.seed)[run.kind]
    at5 = summary["coverage"]["0.05"]
    run.backtest = {
        "summary": summary,
        "origins": [float(o) for o in origins],
        "horizon_days": horizon,
        "incidents": float(result.incidents.sum()),
    }
    run.pai5, run.pai5_low, run.pai5_high = (at5["pai"][k] for k in ("estimate", "low", "high"))
    run.hit_rate5 = at5["hit_rate"]["estimate"]
    run.pei5 = at5["pei_star"]["estimate"]
    run.equity, run.calibration = _equity_and_calibration(
        fitted, origins, horizon, events, grid, cell_districts
    )


def _artifact_save(run: ModelRun, model: ForecastModel) -> str:
    """Save the fitted model under media and return its relative path."""
    folder = artifact_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"run-{run.pk}-{run.kind}.joblib"
    partial = folder / f".run-{run.pk}-{run.kind}.joblib.part"
    save_model(model, partial)
    os.replace(partial, final)  # atomic: a reader never sees half a model
    return str(final.relative_to(settings.MEDIA_ROOT))


def _equity_and_calibration(
    fitted: list[ForecastModel],
    origins: list[float],
    horizon: float,
    events: Events,
    grid: Grid,
    cell_districts: NDArray[np.object_],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per-district flagged share vs incident share at 5 %, and calibration, over the origins."""
    cells = grid.locate(events.x, events.y)
    names = sorted(set(cell_districts.tolist()) - {""})
    flagged = dict.fromkeys(names, 0.0)
    incidents = dict.fromkeys(names, 0.0)
    k = metrics.n_flagged(grid.n_cells, 0.05)
    forecasts, actuals = [], []
    for model, origin in zip(fitted, origins, strict=False):
        pred = model.predict(origin, origin + horizon)
        window = (events.t >= origin) & (events.t < origin + horizon)
        actual = grid.counts(cells[window])
        forecasts.append(pred)
        actuals.append(actual)
        for name in names:
            member = (cell_districts == name).astype(np.float64)
            flagged[name] += metrics.hits(pred, member, k)
            incidents[name] += float(actual[cell_districts == name].sum())
    total_flagged = k * max(len(forecasts), 1)
    total_incidents = sum(incidents.values())
    equity = []
    for name in names:
        flagged_share = flagged[name] / total_flagged
        incident_share = incidents[name] / total_incidents if total_incidents else None
        equity.append(
            {
                "district": name,
                "cells": int((cell_districts == name).sum()),
                "flagged_share": flagged_share,
                "incident_share": incident_share,
                "ratio": flagged_share / incident_share if incident_share else None,
            }
        )
    calibration: list[dict[str, Any]] = []
    if forecasts:
        frame = metrics.calibration_by_decile(np.concatenate(forecasts), np.concatenate(actuals))
        calibration = [
            {str(key): float(value) for key, value in row.items()}
            for row in frame.to_dict(orient="records")
        ]
    return equity, calibration


def champion_select(*, run_ids: list[int]) -> ModelRun | None:
    """Apply the champion rule to the runs of one nightly batch, in one transaction.

    The challenger is the batch's succeeded run with the highest backtest PAI at 5 %. It
    replaces the champion only when the *lower* bound of its 95 % interval is above the
    champion's point estimate (measured on the same origins when the batch retrained the
    champion's kind, else as recorded). A retrained run of the champion's own kind on newer
    data takes over when no challenger wins, so the champion never goes stale.
    """
    with transaction.atomic():
        champion = ModelRun.objects.select_for_update().filter(is_champion=True).first()
        batch = list(
            ModelRun.objects.filter(
                pk__in=run_ids, status=RunStatus.SUCCEEDED, pai5__isnull=False
            ).order_by("-pai5", "pk")
        )
        if not batch:
            return champion
        challenger = batch[0]
        if champion is None:
            return _crown(None, challenger, "first champion: best backtest PAI at 5 %")
        same_kind = next((r for r in batch if r.kind == champion.kind), None)
        reference = same_kind.pai5 if same_kind is not None else champion.pai5
        if (
            challenger.kind != champion.kind
            and challenger.pai5_low is not None
            and reference is not None
            and challenger.pai5_low > reference
        ):
            reason = (
                f"challenger {challenger.kind}: PAI@5% lower bound {challenger.pai5_low:.2f} "
                f"> champion {champion.kind} {reference:.2f}"
            )
            return _crown(champion, challenger, reason)
        if same_kind is not None and same_kind.pk != champion.pk:
            return _crown(champion, same_kind, "same model retrained on newer data")
        return champion


def _crown(old: ModelRun | None, new: ModelRun, reason: str) -> ModelRun:
    now = timezone.now()
    if old is not None:
        old.is_champion = False
        old.champion_until = now
        old.save(update_fields=["is_champion", "champion_until"])
    new.is_champion = True
    new.champion_since = now
    new.champion_reason = reason
    new.save(update_fields=["is_champion", "champion_since", "champion_reason"])
    return new


def models_train_all(
    *, trained_until: datetime, kinds: tuple[str, ...] | None = None
) -> ModelRun | None:
    """Train every configured kind in this process, then apply the champion rule.

    Used by the demo and the command line; the nightly chain fans the kinds out instead.
    A kind that fails is logged and skipped: the others can still win.
    """
    conf = prediction_settings()
    run_ids = []
    for kind in kinds or conf.models:
        try:
            run_ids.append(model_train(kind=kind, trained_until=trained_until, conf=conf).pk)
        except Exception:
            logger.exception("training %s failed", kind)
    return champion_select(run_ids=run_ids)
