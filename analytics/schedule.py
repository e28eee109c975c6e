"""Beat entries of the analytics app, merged into callao/celery.py's schedule (local time)."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, Any]] = {
    # After the nightly training (02:00): the default hot-spot and near-repeat views.
    "analytics-defaults-refresh": {
        "task": "analytics.tasks.analyses_refresh_task",
        "schedule": crontab(hour="4", minute="0"),
    }
}
