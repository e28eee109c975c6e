"""Celery tasks of reports: ids and codes in, one service call each.

Each task imports its service inside its body: reports/services.py imports this module at
the top to enqueue, so the import runs one way only.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from incidents.models import District

# A lost connection or a lock timeout is worth retrying; a bad period (a domain error, 400)
# or an already published report (report_issue answers it without raising) is not.
RETRY_ON = (DatabaseError, OSError)


@shared_task(
    name="reports.tasks.report_issue_task",
    acks_late=True,
    autoretry_for=RETRY_ON,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=3,
)
def report_issue_task(
    *, kind: str, district: str | None, period: str, publish: bool = True
) -> dict[str, object]:
    """Generate (and publish) one report; ``district`` is a UBIGEO, or None for all of Callao.

    Idempotent, so a redelivered message (acks_late) does no harm: a published report is
    left as it is.
    """
    from reports.services import report_issue

    place = District.objects.get(ubigeo=district) if district else None
    outcome = report_issue(kind=kind, district=place, period=period, publish=publish)
    return {"report": outcome.report.pk, "action": outcome.action, "published": outcome.published}


@shared_task(
    name="reports.tasks.reports_schedule_task",
    acks_late=True,
    autoretry_for=RETRY_ON,
    retry_backoff=30,
    max_retries=3,
)
def reports_schedule_task(*, kind: str) -> int:
    """Beat entry point: queue the reports of ``kind`` that are due now."""
    from reports.services import reports_schedule

    return reports_schedule(kind=kind)
