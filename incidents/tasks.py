from __future__ import annotations

from celery import shared_task

from incidents.services import boundaries_import


@shared_task(name="incidents.tasks.boundaries_import_task", acks_late=True, max_retries=0)
def boundaries_import_task(source: str, province: str | None = "CALLAO") -> list[str]:
    """Load boundaries in a worker (admins upload large Shapefiles)."""
    return boundaries_import(source=source, province=province).districts
