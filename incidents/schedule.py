"""Beat entries of the incidents app, merged into callao/celery.py's schedule.

The narrative classifier trains nightly beside the forecasting models (02:00 local time).
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, Any]] = {
    "incidents-nightly-classifier": {
        "task": "incidents.tasks.category_classifier_train_task",
        "schedule": crontab(hour="2", minute="0"),
    }
}
