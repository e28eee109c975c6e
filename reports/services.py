"""Writes and workflows of reports: generate, publish, correct, schedule; narrative themes.

A report is a draft until published; regenerating a draft replaces it in place. Once
published it never changes (here, in the admin, and by a database trigger): a correction is a
new version that supersedes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.timezone import get_default_timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import NARRATIVE_READERS, role_of
from accounts.services import sensitive_reads_record
from callao.errors import InvalidInput, NotAllowed
from incidents.models import CrimeCategory, District, Incident
from reports import tasks
from reports.models import Report, ReportKind, ReportStatus
from reports.monthly import official_monthly_build
from reports.periods import latest_period, month_of, period_for, publishable_at, week_of
from reports.summarizer import Summary, Theme, narrative_themes, summarize, themes_summary
from reports.summarizer.period import Period
from reports.weekly import BuiltReport, public_weekly_build

logger = logging.getLogger(__name__)


class ReportError(InvalidInput):
    """A report that cannot be generated or published as asked; the message says why (400)."""


class ReportNotReady(ReportError):
    """The period is too recent: it has not ended, or ended less than 7 days ago (public)."""


class ReportAlreadyPublished(ReportError):
    """The report is published and therefore immutable; correct it with a new version."""

    def __init__(self, report: Report) -> None:
        super().__init__(
            _("%(report)s is published and cannot change; issue a correction (a new version).")
            % {"report": report}
        )
        self.report = report


@dataclass(frozen=True)
class ReportOutcome:
    report: Report
    action: str  # "created", "replaced", "corrected" or "unchanged"
    published: bool


def _check_scope(kind: str, district: District | None) -> None:
    if kind not in ReportKind.values:
        raise ReportError(
            _("Unknown report kind %(kind)r; use one of %(kinds)s.")
            % {"kind": kind, "kinds": ReportKind.values}
        )
    if kind == ReportKind.PUBLIC_WEEKLY and district is None:
        # privacy.py: a Callao-wide public table minus the district ones reveals hidden cells.
        raise ReportError(_("Weekly public reports are made per district, not for all of Callao."))


def _check_ready(kind: str, period: Period, now: dt.datetime) -> dt.datetime:
    ready = publishable_at(kind, period)
    if now < ready:
        if kind == ReportKind.PUBLIC_WEEKLY:
            message = _("%(period)s may be reported from %(ready)s (7 days after the week ends).")
        else:
            message = _("%(period)s may be reported from %(ready)s on.")
        raise ReportNotReady(message % {"period": period.code, "ready": ready.isoformat()})
    return ready


def _build(kind: str, district: District | None, period: Period) -> BuiltReport:
    if kind == ReportKind.PUBLIC_WEEKLY:
        assert district is not None
        return public_weekly_build(district=district, period=period)
    return official_monthly_build(district=district, period=period)


def _fill(report: Report, built: BuiltReport, summaries: dict[str, Summary]) -> None:
    main = summaries["es"]
    report.facts = built.facts["es"].to_dict()
    report.content = {
        **built.content,
        "summary": {language: summary.text for language, summary in summaries.items()},
        "summaries": {language: summary.to_dict() for language, summary in summaries.items()},
        "facts_en": built.facts["en"].to_dict(),
    }
    report.summary_text = main.text
    report.summary_backend = main.backend
    report.summary_model = main.model[:200]
    report.summary_latency_ms = main.latency_ms
    report.summary_prompt_tokens = main.prompt_tokens
    report.summary_completion_tokens = main.completion_tokens
    report.summary_fell_back = main.fell_back
    report.summary_fallback_reason = main.fallback_reason[:500]


def report_generate(
    *,
    kind: str,
    district: District | None,
    period: str,
    correct: bool = False,
    correction_reason: str = "",
    now: dt.datetime | None = None,
) -> tuple[Report, str]:
    """Build the draft of a report; returns it and what happened (created/replaced/corrected).

    Raises :class:`ReportAlreadyPublished` when the latest version is published and
    ``correct`` is false, and :class:`ReportNotReady` for a period too recent to report.
    """
    now = now or timezone.now()
    _check_scope(kind, district)
    parsed = period_for(kind, period)
    ready = _check_ready(kind, parsed, now)
    built = _build(kind, district, parsed)
    summaries = {
        language: summarize(built.facts[language], language=language) for language in ("es", "en")
    }
    with transaction.atomic():
        latest = (
            Report.objects.select_for_update()
            .filter(kind=kind, district=district, period=parsed.code)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.is_published and not correct:
            raise ReportAlreadyPublished(latest)
        if latest is not None and not latest.is_published:
            report, action = latest, "replaced"
            if correction_reason and report.supersedes_id:
                report.correction_reason = correction_reason
        else:
            report = Report(
                kind=kind,
                district=district,
                period=parsed.code,
                version=(latest.version + 1) if latest else 1,
                supersedes=latest,
                correction_reason=correction_reason if latest else "",
            )
            action = "corrected" if latest else "created"
        report.period_start, report.period_end = parsed.days()
        report.publishable_at = ready
        _fill(report, built, summaries)
        report.save()
    logger.info("report %s: %s", action, report)
    return report, action


def report_publish(*, report: Report, now: dt.datetime | None = None) -> Report:
    """Publish a draft: render its PDF once, stamp the date; from then on it is immutable."""
    from reports.pdf import report_pdf  # reportlab loads only when a report is published

    now = now or timezone.now()
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("district")
            .get(pk=report.pk)
        )
        if report.is_published:
            raise ReportAlreadyPublished(report)
        if now < report.publishable_at:
            raise ReportNotReady(
                _("%(report)s may be published from %(date)s.")
                % {"report": report, "date": report.publishable_at}
            )
        report.status = ReportStatus.PUBLISHED
        report.published_at = now
        report.pdf.save(report.pdf_filename, ContentFile(report_pdf(report)), save=False)
        report.save()
    logger.info("report published: %s", report)
    return report


def report_issue(
    *,
    kind: str,
    district: District | None,
    period: str,
    publish: bool = False,
    correct: bool = False,
    correction_reason: str = "",
    now: dt.datetime | None = None,
) -> ReportOutcome:
    """Generate (and optionally publish) a report; idempotent.

    A draft is replaced; a published report is left alone (``unchanged``) unless ``correct``,
    which creates a new version that supersedes it.
    """
    try:
        report, action = report_generate(
            kind=kind,
            district=district,
            period=period,
            correct=correct,
            correction_reason=correction_reason,
            now=now,
        )
    except ReportAlreadyPublished as published:
        return ReportOutcome(report=published.report, action="unchanged", published=True)
    if publish:
        report = report_publish(report=report, now=now)
    return ReportOutcome(report=report, action=action, published=report.is_published)


def report_jobs_due(*, kind: str, now: dt.datetime | None = None) -> list[tuple[str | None, str]]:
    """(district UBIGEO or None for all of Callao, period) of the reports due at ``now``."""
    period = latest_period(kind, now or timezone.now())
    if kind == ReportKind.PUBLIC_WEEKLY:
        ubigeos = District.objects.order_by("ubigeo").values_list("ubigeo", flat=True)
        return [(ubigeo, period.code) for ubigeo in ubigeos]
    return [(None, period.code)]


def reports_schedule(*, kind: str, now: dt.datetime | None = None) -> int:
    """Queue one generate-and-publish task per report due (after the transaction commits)."""
    jobs = report_jobs_due(kind=kind, now=now)
    for ubigeo, period in jobs:
        tasks.report_issue_task.delay_on_commit(  # type: ignore[attr-defined]
            kind=kind, district=ubigeo, period=period, publish=True
        )
    return len(jobs)


# --- Narrative themes (planners and admins) ------------------------------------------------------

MAX_NARRATIVES = 2000


@dataclass(frozen=True)
class NarrativeThemes:
    """Themes of a selection of narratives, and their summary. ``read`` were audited."""

    read: int
    truncated: bool
    period: str
    themes: list[Theme]
    summary: Summary


def narrative_themes_read(
    *,
    user: User,
    start: dt.date,
    end: dt.date,
    district: District | None = None,
    category: CrimeCategory | None = None,
    language: str = "es",
    via: str = "",
) -> NarrativeThemes:
    """Group the narratives of a selection into themes and phrase them with the summarizer.

    Every narrative read here is written to the audit log first (DESIGN.md, "Privacy"), even
    though only themes and scrubbed examples leave this function.
    """
    if role_of(user) not in NARRATIVE_READERS:
        raise NotAllowed(_("Only planners and admins may read narratives."))
    if end < start:
        raise ReportError(_("The end date must not be before the start date."))
    zone = get_default_timezone()
    rows = (
        Incident.objects.visible_to(user)
        .between(
            dt.datetime.combine(start, dt.time(), tzinfo=zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
        )
        .in_district(district)
        .of_categories(None if category is None else [category.pk])
        .narratives(limit=MAX_NARRATIVES + 1)
    )
    truncated = len(rows) > MAX_NARRATIVES
    rows = rows[:MAX_NARRATIVES]
    sensitive_reads_record(user=user, object_ids=[pk for pk, _ in rows], via=via or "reports")
    themes = narrative_themes([text for _, text in rows]) if rows else []
    period = _selection_period(start, end)
    subject = ""
    if category is not None:
        subject = category.name_es if language == "es" else category.name_en
    facts = themes_summary(
        themes,
        district=district.name if district else "Callao",
        period=period,
        subject=subject.lower(),
    )
    summary = summarize(facts, language=language)
    return NarrativeThemes(
        read=len(rows), truncated=truncated, period=period, themes=themes, summary=summary
    )


def _selection_period(start: dt.date, end: dt.date) -> str:
    """The ISO week or month code when the dates are exactly one, else "start/end"."""
    week = week_of(start)
    if (week.start, week.end) == (start, end):
        return week.code
    month = month_of(start)
    if (month.start, month.end) == (start, end):
        return month.code
    return f"{start.isoformat()}/{end.isoformat()}"
