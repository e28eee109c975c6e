"""Beat entries of the reports app, merged into callao/celery.py's schedule (local time:
CELERY_TIMEZONE is the TIME_ZONE setting)."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, Any]] = {
    # Mondays: the week that ended 8 days earlier is the newest one past the 7-day lag.
    "reports-public-weekly": {
        "task": "reports.tasks.reports_schedule_task",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
        "kwargs": {"kind": "public_weekly"},
    },
    # The 1st of each month: the month that just ended, for officials.
    "reports-official-monthly": {
        "task": "reports.tasks.reports_schedule_task",
        "schedule": crontab(minute=30, hour=6, day_of_month="1"),
        "kwargs": {"kind": "official_monthly"},
    },
}
