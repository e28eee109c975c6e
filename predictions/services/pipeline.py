"""The nightly chain and the manual triggers, expressed as Celery canvases.

Like every service, these enqueue once the surrounding transaction commits (at once outside
one); the task id is fixed beforehand, so callers can follow the job straight away.
"""

from __future__ import annotations

from datetime import datetime

from celery import chain, chord
from celery.canvas import Signature
from django.db import transaction
from django.utils import timezone

from predictions import tasks
from predictions.conf import prediction_settings
from predictions.services.training import nightly_cutoff


def nightly_pipeline_enqueue(*, moment: datetime | None = None) -> str:
    """Train every configured kind in parallel (a chord), pick the champion, issue the next
    shift's forecast, then score closed windows. Returns the chain's task id."""
    conf = prediction_settings()
    cutoff = nightly_cutoff(moment=moment or timezone.now(), conf=conf).isoformat()
    header = [tasks.model_train_task.si(kind, cutoff) for kind in conf.models]
    canvas = chain(
        chord(header, tasks.model_champion_select_task.s()),
        tasks.forecast_issue_task.si(None),
        tasks.evaluation_due_task.si(),
    )
    return _enqueue_on_commit(canvas)


def forecast_now_enqueue(*, window_start: str | None = None) -> str:
    """Issue the forecast of the shift starting at ``window_start`` (default: the next one)."""
    return _enqueue_on_commit(tasks.forecast_issue_task.si(window_start))


def _enqueue_on_commit(canvas: Signature) -> str:
    task_id = str(canvas.freeze().id)
    transaction.on_commit(canvas.apply_async)
    return task_id
