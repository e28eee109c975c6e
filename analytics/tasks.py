"""Celery tasks of analytics: ids in, one service call, declared retries (docs/architecture.md).

Analyses run on the "ml" queue (callao/celery.py), beside model training, so an import or a
shift forecast never waits behind one.
"""

from __future__ import annotations

from celery import shared_task

from analytics.models import AnalysisRun


# No automatic retry: a failed analysis says why on its run, and asking again starts anew.
@shared_task(name="analytics.tasks.analysis_run_task", acks_late=True, max_retries=0)
def analysis_run_task(run_id: int) -> str:
    from analytics.services import analysis_run_execute

    run = AnalysisRun.objects.filter(pk=run_id).first()
    if run is None or run.is_finished:
        return "gone" if run is None else run.status  # a redelivered message does nothing
    return analysis_run_execute(run=run).status


@shared_task(name="analytics.tasks.analyses_refresh_task", acks_late=True, max_retries=0)
def analyses_refresh_task() -> list[int]:
    """Beat entry point: the default views' analyses on last night's data."""
    from analytics.services import analyses_refresh

    return analyses_refresh()
