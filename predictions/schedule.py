"""Beat entries of the predictions app, merged into callao/celery.py's schedule.

Times are local time (CELERY_TIMEZONE is TIME_ZONE). Forecasts are issued
PREDICTIONS_FORECAST_LEAD_MINUTES before each configured shift; evaluations run 15 minutes after
each shift closes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from celery.schedules import crontab

from predictions.conf import prediction_settings


def _schedule() -> dict[str, dict[str, Any]]:
    conf = prediction_settings()
    entries: dict[str, dict[str, Any]] = {
        "predictions-nightly-training": {
            "task": "predictions.tasks.nightly_pipeline_task",
            "schedule": crontab(hour="2", minute="0"),
        }
    }
    base = datetime(2000, 1, 2)
    for spec in conf.shifts:
        issue = datetime.combine(base, spec.start) - timedelta(minutes=conf.forecast_lead_minutes)
        close = datetime.combine(base, spec.end) + timedelta(minutes=15)
        entries[f"predictions-forecast-{spec.code}"] = {
            "task": "predictions.tasks.forecast_issue_task",
            "schedule": crontab(hour=str(issue.hour), minute=str(issue.minute)),
        }
        entries[f"predictions-evaluate-{spec.code}"] = {
            "task": "predictions.tasks.evaluation_due_task",
            "schedule": crontab(hour=str(close.hour), minute=str(close.minute)),
        }
    return entries


SCHEDULE: dict[str, dict[str, Any]] = _schedule()
