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


# Retried once: a worker lost midway leaves the run "running", and the retry takes it over
# once it is stale; the previous classifier stays in use meanwhile.
@shared_task(
    name="incidents.tasks.category_classifier_train_task",
    acks_late=True,
    max_retries=1,
    default_retry_delay=600,
)
def category_classifier_train_task(trained_until: str | None = None) -> int | None:
    """Nightly: train the narrative classifier on incidents before local midnight."""
    from datetime import datetime

    from django.utils import timezone

    from incidents.services.classifier import category_classifier_train

    if trained_until is None:
        now = timezone.localtime()
        cutoff = now.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        cutoff = datetime.fromisoformat(trained_until)
    run = category_classifier_train(trained_until=cutoff)
    return None if run is None else run.pk
