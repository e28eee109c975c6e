"""What Prometheus reads: the web's /metrics and the Celery worker's metrics port.

Both kinds of process fork workers (granian's, Celery's prefork pool), and a metric kept in one
process's memory would be read from whichever process answers the scrape. With
``PROMETHEUS_MULTIPROC_DIR`` set, prometheus_client keeps every process's values in files in
that folder, and the exposition below sums them (the folder must be emptied when the server
starts: deployment/docker/entrypoint.sh). Figures that live in the database or in Redis are
read at scrape time by collectors, once per scrape, never per process.

Every web and worker replica reports the same database figures and queue lengths; rules and
dashboards therefore aggregate them with ``max``, never ``sum`` (deployment/prometheus).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import redis
from celery import signals
from celery.app.task import Task
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Sum
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from incidents.models import Dataset
from predictions.models import Forecast
from predictions.monitoring import PredictionsCollector
from predictions.shifts import shift_current, shift_next

logger = logging.getLogger(__name__)

CELERY_QUEUES = ("default", "imports", "ml")

TASKS_STARTED = Counter("callao_celery_tasks_started", "Celery tasks started.", ["task"])
TASKS_SUCCEEDED = Counter("callao_celery_tasks_succeeded", "Celery tasks that returned.", ["task"])
TASKS_FAILED = Counter("callao_celery_tasks_failed", "Celery tasks that raised.", ["task"])
TASKS_RETRIED = Counter("callao_celery_tasks_retried", "Celery task retries.", ["task"])
TASK_SECONDS = Histogram(
    "callao_celery_task_duration_seconds",
    "Run time of Celery tasks, whatever their outcome.",
    ["task"],
    # From the minute heartbeat to a nightly training run.
    buckets=(0.05, 0.25, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200),
)


class OperationsCollector(Collector):
    """Imports and forecast punctuality, read from the database at scrape time."""

    def describe(self) -> Iterator[Metric]:
        # Lets the registry learn the names without collect() touching the database.
        yield CounterMetricFamily("callao_dataset_imports", "")
        yield CounterMetricFamily("callao_dataset_rows", "")
        yield GaugeMetricFamily("callao_forecast_issued", "")
        yield GaugeMetricFamily("callao_shift_starts_in_seconds", "")

    def collect(self) -> Iterator[Metric]:
        imports = CounterMetricFamily(
            "callao_dataset_imports", "Uploaded datasets by import status.", labels=["status"]
        )
        rows = CounterMetricFamily(
            "callao_dataset_rows", "Rows of all imports by outcome.", labels=["outcome"]
        )
        issued = GaugeMetricFamily(
            "callao_forecast_issued",
            "1 when zones are issued for the shift (current or next), else 0.",
            labels=["shift"],
        )
        starts_in = GaugeMetricFamily(
            "callao_shift_starts_in_seconds", "Seconds until the next shift starts."
        )
        try:
            by_status = dict(
                Dataset.objects.values_list("status").annotate(n=Count("pk")).order_by()
            )
            for status in ("imported", "failed", "duplicate"):
                imports.add_metric([status], float(by_status.get(status, 0)))
            totals = Dataset.objects.aggregate(
                imported=Sum("rows_imported"),
                rejected=Sum("rows_rejected"),
                duplicate=Sum("rows_duplicate"),
            )
            for outcome, value in totals.items():
                rows.add_metric([outcome], float(value or 0))
            now = timezone.now()
            for label, window in (
                ("current", shift_current(moment=now)),
                ("next", shift_next(moment=now)),
            ):
                exists = Forecast.objects.filter(window_start=window.start).exists()
                issued.add_metric([label], 1.0 if exists else 0.0)
            starts_in.add_metric([], (shift_next(moment=now).start - now).total_seconds())
        except (DatabaseError, ValueError):
            logger.warning("operations metrics: database unavailable or shifts misconfigured")
        yield from (imports, rows, issued, starts_in)


class QueueLengthCollector(Collector):
    """Messages waiting in each Celery queue (the Redis list the broker keeps per queue)."""

    def describe(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("callao_celery_queue_length", "")

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "callao_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            for queue in CELERY_QUEUES:
                family.add_metric([queue], float(client.llen(queue)))
        except redis.RedisError:
            logger.warning("queue metrics: broker unavailable")
        finally:
            client.close()
        yield family


class _ThisProcess(Collector):
    """Everything in this process's default registry, for single-process mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def _registry(*, scrape_time: list[Collector]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        registry.register(_ThisProcess())
    for collector in scrape_time:
        registry.register(collector)
    return registry


def metrics_exposition() -> tuple[bytes, str]:
    """The web process's /metrics body and content type."""
    scrape_time: list[Collector] = [OperationsCollector()]
    if settings.PROMETHEUS_MULTIPROC_DIR:
        # predictions.apps registers it in the default registry, which is not exported here.
        scrape_time.append(PredictionsCollector())
    registry = _registry(scrape_time=scrape_time)
    return generate_latest(registry), CONTENT_TYPE_LATEST


# --- The Celery worker's side -----------------------------------------------------------------
# Signals fire in the process that runs the task (a prefork child, or the worker itself with
# the solo pool); the counters land in that process's files when multiprocess mode is on.
_started_at: dict[str, float] = {}


def _name(task: Task | None, sender: object = None) -> str:
    found = getattr(task, "name", None) or getattr(sender, "name", None)
    return str(found or "unknown")


@signals.task_prerun.connect
def _on_task_prerun(task_id: str, task: Task, **_: object) -> None:
    TASKS_STARTED.labels(_name(task)).inc()
    _started_at[task_id] = time.monotonic()


@signals.task_postrun.connect
def _on_task_postrun(task_id: str, task: Task, **_: object) -> None:
    started = _started_at.pop(task_id, None)
    if started is not None:
        TASK_SECONDS.labels(_name(task)).observe(time.monotonic() - started)


@signals.task_success.connect
def _on_task_success(sender: Task | None = None, **_: object) -> None:
    TASKS_SUCCEEDED.labels(_name(sender)).inc()


@signals.task_failure.connect
def _on_task_failure(sender: Task | None = None, **_: object) -> None:
    TASKS_FAILED.labels(_name(sender)).inc()


@signals.task_retry.connect
def _on_task_retry(sender: Task | None = None, **_: object) -> None:
    TASKS_RETRIED.labels(_name(sender)).inc()


def worker_metrics_serve() -> None:
    """Serve the worker's metrics on CELERY_METRICS_PORT (0: not at all) from the main process.

    Called on ``worker_init`` (callao/celery.py), before the pool forks: importing this module
    has connected the task signals above, in the parent and so in every child.
    """
    port = settings.CELERY_METRICS_PORT
    if port:
        from callao.celery import app

        # Every task name at 0 from the start: increase() and rate() cannot see the first
        # failure of a series that appears with the value 1.
        for name in app.tasks:
            if not name.startswith("celery."):
                for metric in (TASKS_STARTED, TASKS_SUCCEEDED, TASKS_FAILED, TASKS_RETRIED):
                    metric.labels(name)
        registry = _registry(scrape_time=[QueueLengthCollector()])
        start_http_server(port, registry=registry)
        logger.info("Celery metrics on :%s/metrics", port)
