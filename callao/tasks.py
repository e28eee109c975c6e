"""Project-wide housekeeping tasks."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(name="callao.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Record that beat and a worker are alive; /healthz reads the timestamp."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=600)
    return now
