"""Workflows of analytics: ask for a heavy analysis, run it on a worker, refresh the defaults.

An analysis is identified by its canonical parameters and the data's fingerprint: asking for
the same analysis of the same data returns the run already made (or under way), so a page
reload, a second planner or a redelivered message costs nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from analytics import tasks
from analytics.computations import compute
from analytics.forms import AnalysisParams, HotspotForm, NearRepeatForm, params_kind, params_load
from analytics.models import AnalysisRun, RunStatus
from callao.errors import Conflict, InvalidInput
from incidents.models import Incident

logger = logging.getLogger(__name__)


def analysis_run_request(*, params: AnalysisParams, user: User | None) -> AnalysisRun:
    """The run for these parameters on the current data: the one there is, or a new one queued.

    Raises InvalidInput when the selection holds no incident, Conflict when too many analyses
    are already waiting for a worker.
    """
    kind, key, version = params_kind(params), params.key(), Incident.objects.data_version()
    existing = (
        AnalysisRun.objects.of(kind, key)
        .filter(data_version=version)
        .exclude(status=RunStatus.FAILED)
        .first()
    )
    if existing is not None:
        return existing
    if not params.selection.incidents().exists():
        raise InvalidInput(_("No incident matches this selection."))
    if AnalysisRun.objects.unfinished().count() >= settings.ANALYTICS_MAX_PENDING_RUNS:
        raise Conflict(_("Too many analyses are waiting for a worker; try again in a few minutes."))
    try:
        with transaction.atomic():
            run = AnalysisRun.objects.create(
                kind=kind,
                params=params.canonical(),
                params_key=key,
                data_version=version,
                requested_by=user,
            )
    except IntegrityError:  # the same request, a moment earlier
        return AnalysisRun.objects.of(kind, key).filter(data_version=version).get()
    tasks.analysis_run_task.delay_on_commit(run.pk)  # type: ignore[attr-defined]
    return run


def analysis_run_execute(*, run: AnalysisRun) -> AnalysisRun:
    """Compute a queued run and record its result; a finished run is left as it is."""
    params = params_load(run.kind, run.params)
    with transaction.atomic():
        run = AnalysisRun.objects.select_for_update().get(pk=run.pk)
        if run.is_finished:
            return run
        run.status, run.started_at, run.progress = RunStatus.RUNNING, timezone.now(), 1
        run.save(update_fields=["status", "started_at", "progress"])

    def progress(percent: int, stage: str) -> None:
        AnalysisRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage[:100])

    try:
        outcome = compute(params, progress=progress, previous=_previous(run))
    except InvalidInput as error:
        _finish(run, status=RunStatus.FAILED, error=str(error))
        return run
    except Exception:
        # The details go to the log; the person who asked reads a message, not a traceback.
        logger.exception("analysis failed", extra={"run": run.pk, "kind": run.kind})
        _finish(
            run,
            status=RunStatus.FAILED,
            error=_("Internal error: the administrators can see the details in the log."),
        )
        raise
    run.incidents, run.result = outcome.incidents, outcome.result
    _finish(run, status=RunStatus.SUCCEEDED)
    return run


def _previous(run: AnalysisRun) -> AnalysisRun | None:
    """The last finished run of the same parameters on older data (to tell what changed)."""
    return (
        AnalysisRun.objects.of(run.kind, run.params_key)
        .succeeded()
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-pk")
        .first()
    )


def _finish(run: AnalysisRun, *, status: str, error: str = "") -> None:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    run.progress = 100 if status == RunStatus.SUCCEEDED else run.progress
    run.stage = ""
    run.save(
        update_fields=["status", "error", "finished_at", "progress", "stage", "incidents", "result"]
    )


def analyses_refresh() -> list[int]:
    """Ask for the default views' analyses on today's data (the nightly beat entry)."""
    runs = []
    for form in (HotspotForm({}), NearRepeatForm({})):
        if not form.is_valid():  # pragma: no cover - defaults are valid by construction
            raise InvalidInput.from_form(form)
        try:
            runs.append(analysis_run_request(params=form.params(), user=None).pk)
        except InvalidInput:
            logger.info("no incidents for the default %s analysis", type(form).__name__)
    return runs
