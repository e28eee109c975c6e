"""The nightly chain and the manual triggers, expressed as Celery canvases."""

from __future__ import annotations

from datetime import datetime

from celery import chain, chord
from django.utils import timezone

from predictions.conf import prediction_settings
from predictions.services.training import nightly_cutoff


def nightly_pipeline_enqueue(*, moment: datetime | None = None) -> str:
    """Train every configured kind in parallel (a chord), pick the champion, issue the next
    shift's forecast, then score closed windows. Returns the chain's task id."""
    from predictions import tasks

    conf = prediction_settings()
    cutoff = nightly_cutoff(moment=moment or timezone.now(), conf=conf).isoformat()
    header = [tasks.model_train_task.si(kind, cutoff) for kind in conf.models]
    canvas = chain(
        chord(header, tasks.model_champion_select_task.s()),
        tasks.forecast_issue_task.si(None),
        tasks.evaluation_due_task.si(),
    )
    return str(canvas.apply_async().id)


def forecast_now_enqueue(*, window_start: str | None = None) -> str:
    from predictions import tasks

    return str(tasks.forecast_issue_task.delay(window_start).id)
