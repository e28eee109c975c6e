"""Prometheus metrics of the predictions app, read from the database at scrape time.

Training and forecasting happen in worker processes while /metrics is served by the web
process, so the numbers are read from the shared database (and the task-failure counter from
the shared cache) when Prometheus scrapes, instead of living in one process's memory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Avg, Count, Max, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

from predictions.models import Forecast, ForecastEvaluation, ModelRun

logger = logging.getLogger(__name__)

FAILURES_KEY = "predictions:task-failures:{task}"
KNOWN_TASKS = (
    "model_train_task",
    "model_champion_select_task",
    "forecast_issue_task",
    "evaluation_due_task",
    "nightly_pipeline_task",
)


def task_failure_record(*, task: str) -> None:
    key = FAILURES_KEY.format(task=task)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


class PredictionsCollector(Collector):
    def describe(self) -> Iterator[Metric]:
        # Lets the registry learn the names without collect() touching the database.
        yield GaugeMetricFamily("callao_champion_backtest_pai_5pct", "")
        yield GaugeMetricFamily("callao_rolling_evaluated_pai", "")
        yield GaugeMetricFamily("callao_forecast_issue_seconds", "")
        yield CounterMetricFamily("callao_prediction_task_failures", "")

    def collect(self) -> Iterator[Metric]:
        champion = GaugeMetricFamily(
            "callao_champion_backtest_pai_5pct", "Backtest PAI at 5 % of the champion model."
        )
        rolling = GaugeMetricFamily(
            "callao_rolling_evaluated_pai",
            "Pooled evaluated PAI of the issued zones over the last 28 days.",
            labels=["model"],
        )
        latency = GaugeMetricFamily(
            "callao_forecast_issue_seconds",
            "Forecast issue latency over the last 7 days.",
            labels=["stat"],
        )
        failures = CounterMetricFamily(
            "callao_prediction_task_failures", "Failed predictions tasks.", labels=["task"]
        )
        try:
            run = ModelRun.objects.champion()
            if run is not None and run.pai5 is not None:
                champion.add_metric([], run.pai5)
            rolling_28 = ForecastEvaluation.objects.callao_wide().recent().pooled()
            if rolling_28.pai is not None:
                rolling.add_metric(["champion"], rolling_28.pai)
            if rolling_28.baseline_pai is not None:
                rolling.add_metric(["naive_baseline"], rolling_28.baseline_pai)
            week = Forecast.objects.filter(issued_at__gte=timezone.now() - timedelta(days=7))
            stats = week.aggregate(
                n=Count("pk"),
                total=Sum("issue_seconds"),
                mean=Avg("issue_seconds"),
                worst=Max("issue_seconds"),
            )
            if stats["n"]:
                latency.add_metric(["mean"], stats["mean"])
                latency.add_metric(["max"], stats["worst"])
        except DatabaseError:
            logger.warning("predictions metrics: database unavailable")
        for task in KNOWN_TASKS:
            value = cache.get(FAILURES_KEY.format(task=task)) or 0
            failures.add_metric([task], float(value))
        yield from (champion, rolling, latency, failures)


_registered = False


def collector_register() -> None:
    """Register once per process in the default registry that /metrics exports."""
    global _registered
    if not _registered:
        REGISTRY.register(PredictionsCollector())
        _registered = True
