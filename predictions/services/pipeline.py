"""The nightly chain and the manual triggers, expressed as Celery canvases.

Like every service, these enqueue once the surrounding transaction commits (at once outside
one); the task id is fixed beforehand, so callers can follow the job straight away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from celery import chain, chord
from celery.canvas import Signature
from celery.result import AsyncResult
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callao.errors import Conflict
from predictions import tasks
from predictions.conf import prediction_settings
from predictions.services.training import nightly_cutoff
from predictions.shifts import shift_current

JobAction = Literal["train", "forecast"]
MANUAL_JOB_KEY = "predictions:manual-job:{action}"


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


def job_request(*, action: JobAction) -> str:
    """An admin's "retrain now" or "forecast now"; the job's task id.

    Refused (Conflict, 409) while the same kind of job asked for earlier is queued or running,
    so repeated clicks or calls queue one job, not one each. A job whose chain never reports
    back stops blocking after ``PREDICTIONS_STALE_RUN_MINUTES``.
    """
    key = MANUAL_JOB_KEY.format(action=action)
    running = cache.get(key)
    # The claim closes the gap between two requests that arrive at the same moment.
    if (running and not AsyncResult(running).ready()) or not cache.add(f"{key}:claim", 1, 5):
        raise Conflict(
            _("This job is already queued or running (%(id)s): follow it at /api/jobs/%(id)s/.")
            % {"id": running or "…"}
        )
    if action == "train":
        task_id = nightly_pipeline_enqueue()
    else:
        task_id = forecast_now_enqueue(
            window_start=shift_current(moment=timezone.now()).start.isoformat()
        )
    cache.set(key, task_id, timeout=prediction_settings().stale_run_minutes * 60)
    return task_id
