"""The Celery worker's own metrics: task outcomes and durations per task name, queue lengths."""

from __future__ import annotations

import re
import time

import pytest
import redis

from callao.celery import app
from callao.tasks import heartbeat
from incidents.boundaries import BoundaryFileError
from incidents.tasks import boundaries_import_task
from tests.deployment.workers import Worker, scrape

# The worker writes to the test database; pytest-django creates it only for marked tests.
pytestmark = pytest.mark.django_db


def _value(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:{{(.*)}})? (\S+)", line)
        if match and all(f'{k}="{v}"' in (match.group(1) or "") for k, v in labels.items()):
            total += float(match.group(2))
    return total


BEAT = {"task": "callao.tasks.heartbeat"}
IMPORTS = {"task": "incidents.tasks.boundaries_import_task"}


def _counts(text: str) -> dict[str, float]:
    return {
        "started": _value(text, "callao_celery_tasks_started_total", **BEAT),
        "succeeded": _value(text, "callao_celery_tasks_succeeded_total", **BEAT),
        "timed": _value(text, "callao_celery_task_duration_seconds_count", **BEAT),
        "beat_failed": _value(text, "callao_celery_tasks_failed_total", **BEAT),
        "import_failed": _value(text, "callao_celery_tasks_failed_total", **IMPORTS),
    }


def test_the_worker_counts_started_succeeded_and_failed_tasks_by_name(
    metrics_worker: Worker,
) -> None:
    before = _counts(scrape(metrics_worker.metrics_url))
    for _ in range(3):
        heartbeat.apply_async(queue=metrics_worker.queue).get(timeout=60)
    failing = boundaries_import_task.apply_async(
        ("/no/such/boundaries.geojson",), queue=metrics_worker.queue
    )
    with pytest.raises(BoundaryFileError):
        failing.get(timeout=60, propagate=True)
    expected = {"started": 3, "succeeded": 3, "timed": 3, "beat_failed": 0, "import_failed": 1}

    # The result reaches the client a moment before the success signal runs in the worker.
    deadline = time.monotonic() + 15
    while True:
        text = scrape(metrics_worker.metrics_url)
        after = _counts(text)
        delta = {key: after[key] - before[key] for key in after}
        if delta == expected or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert delta == expected
    # Every task name is there from the start at 0, so increase() sees a first failure.
    assert (
        'callao_celery_tasks_retried_total{task="predictions.tasks.forecast_issue_task"} 0.0'
        in text
    )


def test_the_worker_sums_its_pool_processes(metrics_worker: Worker) -> None:
    for _ in range(6):
        heartbeat.apply_async(queue=metrics_worker.queue).get(timeout=60)

    pids = {
        path.stem.rsplit("_", 1)[-1] for path in metrics_worker.multiproc_dir.glob("counter_*.db")
    }
    # The main process (which names every task at 0) and at least one pool child.
    assert len(pids) >= 2


def test_the_worker_reports_every_queue_length(metrics_worker: Worker) -> None:
    broker = redis.Redis.from_url(app.conf.broker_url)
    broker.delete("imports")
    broker.rpush("imports", "placeholder-1", "placeholder-2")
    try:
        text = scrape(metrics_worker.metrics_url)
    finally:
        broker.delete("imports")

    assert _value(text, "callao_celery_queue_length", queue="imports") == 2
    assert 'callao_celery_queue_length{queue="ml"}' in text
    assert 'callao_celery_queue_length{queue="default"}' in text
