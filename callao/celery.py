"""The Celery application; the beat schedule lives here, in code, under version control."""

from __future__ import annotations

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callao.settings")

app = Celery("callao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Three queues so heavy model training never delays an import or a shift forecast.
app.conf.task_routes = {
    "incidents.tasks.*": {"queue": "imports"},
    # Exact names win over patterns: the classifier trains with the models, not the imports.
    "incidents.tasks.category_classifier_train_task": {"queue": "ml"},
    "predictions.tasks.model_*": {"queue": "ml"},
    "analytics.tasks.analysis_run_task": {"queue": "ml"},
}

app.conf.beat_schedule = {
    # Keeps the worker heartbeat fresh for /healthz and the dashboards.
    "worker-heartbeat": {
        "task": "callao.tasks.heartbeat",
        "schedule": crontab(minute="*"),
    },
}


def _merge_app_schedules() -> None:
    from analytics.schedule import SCHEDULE as ANALYTICS_SCHEDULE
    from incidents.schedule import SCHEDULE as INCIDENTS_SCHEDULE
    from predictions.schedule import SCHEDULE as PREDICTIONS_SCHEDULE
    from reports.schedule import SCHEDULE as REPORTS_SCHEDULE

    app.conf.beat_schedule.update(PREDICTIONS_SCHEDULE)
    app.conf.beat_schedule.update(REPORTS_SCHEDULE)
    app.conf.beat_schedule.update(ANALYTICS_SCHEDULE)
    app.conf.beat_schedule.update(INCIDENTS_SCHEDULE)


_merge_app_schedules()


@signals.worker_init.connect
def _worker_metrics(**_: object) -> None:
    # Imported here: the metrics module reads models, which exist only once Django is set up.
    from callao.metrics import worker_metrics_serve

    worker_metrics_serve()
