"""Celery tasks of incidents: ids in, one service call, declared retries (docs/architecture.md).

Services enqueue these (``delay_on_commit``); each task imports its service when it runs.
"""

from __future__ import annotations

from celery import shared_task

from incidents.models import Dataset


@shared_task(name="incidents.tasks.boundaries_import_task", acks_late=True, max_retries=0)
def boundaries_import_task(source: str, province: str | None = "CALLAO") -> list[str]:
    """Load boundaries in a worker (admins upload large Shapefiles)."""
    from incidents.services import boundaries_import

    return boundaries_import(source=source, province=province).districts


# No automatic retry: a failed import is reported to the admin, who fixes the file or mapping.
@shared_task(name="incidents.tasks.dataset_import_task", acks_late=True, max_retries=0)
def dataset_import_task(dataset_id: int) -> str:
    from incidents.services import dataset_import

    dataset = Dataset.objects.get(pk=dataset_id)
    if dataset.is_finished:
        return dataset.status  # a redelivered message must not import twice
    return dataset_import(dataset=dataset).status
