"""Celery tasks: ids in, one service call, declared retries (docs/architecture.md).

Services enqueue these (on commit); each task imports its service when it runs. ``model_*`` tasks run on the "ml" queue (callao/celery.py). Every task is idempotent, so a
message redelivered after a worker died (acks_late) does no work twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import Task, shared_task
from celery.signals import task_failure

from predictions.monitoring import task_failure_record


@task_failure.connect
def _count_failure(sender: Task | None = None, **_: Any) -> None:
    name = getattr(sender, "name", "") or ""
    if name.startswith("predictions.tasks."):
        task_failure_record(task=name.rsplit(".", 1)[-1])


# No automatic retry for training: a failed run is recorded and tomorrow's retrains.
@shared_task(name="predictions.tasks.model_train_task", acks_late=True, max_retries=0)
def model_train_task(kind: str, trained_until: str) -> int | None:
    from predictions.services.training import model_train

    try:
        return model_train(kind=kind, trained_until=datetime.fromisoformat(trained_until)).pk
    except Exception:  # noqa: BLE001
        # Recorded on the run; the chord's body must still run and keep or pick a champion.
        task_failure_record(task="model_train_task")
        return None


@shared_task(name="predictions.tasks.model_champion_select_task", acks_late=True, max_retries=0)
def model_champion_select_task(run_ids: list[int | None]) -> int | None:
    from predictions.services.training import champion_select

    champion = champion_select(run_ids=[pk for pk in run_ids if pk is not None])
    return champion.pk if champion is not None else None


@shared_task(
    name="predictions.tasks.forecast_issue_task",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
)
def forecast_issue_task(window_start: str | None = None) -> int:
    from predictions.services.forecasting import forecast_issue
    from predictions.shifts import shift_at_start

    window = shift_at_start(start=datetime.fromisoformat(window_start)) if window_start else None
    return forecast_issue(window=window).pk


@shared_task(
    name="predictions.tasks.evaluation_due_task",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=3,
)
def evaluation_due_task() -> list[int]:
    from predictions.services.evaluation import evaluations_due

    return evaluations_due()


@shared_task(name="predictions.tasks.nightly_pipeline_task", acks_late=True, max_retries=0)
def nightly_pipeline_task() -> str:
    from predictions.services.pipeline import nightly_pipeline_enqueue

    return nightly_pipeline_enqueue()
