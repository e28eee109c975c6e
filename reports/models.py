"""Reports: weekly public reports per district and monthly official reports.

A report is immutable once published: a correction is a new row with ``version + 1`` that
``supersedes`` the old one. The service refuses to change a published report, the admin shows
it read-only, and a database trigger (migration 0002) refuses any UPDATE or DELETE of one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import ANALYSTS, role_of

if TYPE_CHECKING:
    from accounts.models import User  # noqa: F401


class ReportKind(models.TextChoices):
    PUBLIC_WEEKLY = "public_weekly", _("Weekly public report")
    OFFICIAL_MONTHLY = "official_monthly", _("Monthly official report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ReportQuerySet(models.QuerySet["Report"]):
    """Reads of reports: ``visible_to(user)`` first (the role rule), then these narrow it."""

    def visible_to(self, user: Any) -> ReportQuerySet:
        """Deny by default: public reports for everybody, official ones for analysts."""
        public = Q(pk__in=self.public().values("pk"))
        if role_of(user) in ANALYSTS:
            return self.published().filter(public | Q(kind=ReportKind.OFFICIAL_MONTHLY))
        return self.filter(public)

    def published(self) -> ReportQuerySet:
        return self.filter(status=ReportStatus.PUBLISHED)

    def current(self) -> ReportQuerySet:
        """Versions that no published correction replaces."""
        replaced = Report.objects.filter(supersedes=OuterRef("pk"), status=ReportStatus.PUBLISHED)
        return self.exclude(Exists(replaced))

    def public(self, now: dt.datetime | None = None) -> ReportQuerySet:
        """Published weekly public reports whose week ended long enough ago (DESIGN.md lag).

        The lag is checked when a report is generated and published; it is checked here
        again so that a row written by other means never reaches the public.
        """
        now = now or timezone.now()
        return self.published().filter(kind=ReportKind.PUBLIC_WEEKLY, publishable_at__lte=now)

    def official(self) -> ReportQuerySet:
        """Published monthly official reports (analysts only: ``visible_to`` sees to it)."""
        return self.published().filter(kind=ReportKind.OFFICIAL_MONTHLY)

    def in_district(self, ubigeo: str | None) -> ReportQuerySet:
        """Reports on the district with this UBIGEO; ``"all"``: on all of Callao; None: any."""
        if not ubigeo:
            return self
        if ubigeo == "all":
            return self.filter(district__isnull=True)
        return self.filter(district__ubigeo=ubigeo)

    def newest_first(self) -> ReportQuerySet:
        """The order lists show, with each report's district loaded."""
        return self.select_related("district").order_by("-period_start", "district__ubigeo")


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    district = models.ForeignKey(
        "incidents.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("Empty for a report on all of Callao."),
    )
    period = models.CharField(_("period"), max_length=10, help_text="2025-W10 or 2025-03")
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    # When the period may be shown: for public reports, 7 days after the period ended.
    publishable_at = models.DateTimeField(_("publishable from"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    content = models.JSONField(_("content"), default=dict, blank=True)
    summary_text = models.TextField(_("summary"), blank=True)
    summary_backend = models.CharField(_("summary backend"), max_length=40, blank=True)
    summary_model = models.CharField(_("summary model"), max_length=200, blank=True)
    summary_latency_ms = models.PositiveIntegerField(_("summary latency (ms)"), default=0)
    summary_prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), null=True, blank=True)
    summary_completion_tokens = models.PositiveIntegerField(
        _("completion tokens"), null=True, blank=True
    )
    summary_fell_back = models.BooleanField(_("fell back to the template"), default=False)
    summary_fallback_reason = models.CharField(_("fallback reason"), max_length=500, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/", blank=True, max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "district__ubigeo", "-version"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "district", "period", "version"],
                nulls_distinct=False,
                name="report_unique_version",
            ),
            models.UniqueConstraint(
                fields=["kind", "district", "period"],
                condition=Q(status="draft"),
                nulls_distinct=False,
                name="report_one_draft_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="report_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "period_start"], name="report_listing")]

    def __str__(self) -> str:
        where = self.district.name if self.district else "Callao"
        return f"{self.get_kind_display()} · {where} · {self.period} · v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.kind == ReportKind.PUBLIC_WEEKLY

    @property
    def area_name(self) -> str:
        return self.district.name if self.district else "Callao"

    @property
    def pdf_filename(self) -> str:
        area = self.district.ubigeo if self.district else "callao"
        return f"reporte-{self.kind.replace('_', '-')}-{area}-{self.period}-v{self.version}.pdf"

    def current_version(self) -> Report:
        """The published version that replaces this one in the end (itself if none does)."""
        current = self
        while (newer := Report.objects.published().filter(supersedes=current).first()) is not None:
            current = newer
        return current
