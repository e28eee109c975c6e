"""Analysis runs (the heavy analyses, computed by a worker and kept) and KPI targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from analytics.querysets import AnalysisRunQuerySet, KpiTargetQuerySet


class AnalysisKind(models.TextChoices):
    HOTSPOTS = "hotspots", _("Emerging hot spots")
    NEAR_REPEAT = "near_repeat", _("Near-repeat analysis")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


class AnalysisRun(models.Model):
    """One analysis for one set of parameters on one state of the data.

    Identified by the canonical parameters (``params_key``) and the data's fingerprint
    (``data_version``): asking again for the same analysis of the same data returns this row,
    and a newer run of the same parameters is compared with the previous one.
    """

    kind = models.CharField(_("analysis"), max_length=20, choices=AnalysisKind.choices)
    params = models.JSONField(_("parameters"), default=dict)
    params_key = models.CharField(max_length=64)
    data_version = models.CharField(_("data version"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    incidents = models.PositiveIntegerField(_("incidents used"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analysis_runs",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = AnalysisRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        constraints = [
            # The same analysis of the same data is computed once; a failure allows a retry.
            models.UniqueConstraint(
                fields=["kind", "params_key", "data_version"],
                condition=~Q(status="failed"),
                name="analysisrun_unique_live",
            )
        ]
        indexes = [
            models.Index(fields=["kind", "params_key", "-created_at"], name="analysis_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)


class Indicator(models.TextChoices):
    INCIDENTS = "incidents", _("Incidents in the month")
    RATE = "rate_per_10k", _("Incidents per 10,000 inhabitants")
    CHANGE_LAST_YEAR = "change_vs_last_year_pct", _("Change against the same month last year (%)")
    VICTIM_SHARE = "victim_share_pct", _("Share reported by victims (%)")
    PATROL_COVERAGE = "patrol_coverage_pct", _("Patrol coverage (%)")
    FORECAST_PAI = "forecast_pai", _("Forecast PAI")


class Direction(models.TextChoices):
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")


class KpiTarget(models.Model):
    """A target an official sets for an indicator, for Callao (no district) or one district."""

    district = models.ForeignKey(
        "incidents.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kpi_targets",
        help_text=_("Empty for all of Callao."),
    )
    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    value = models.FloatField(_("target value"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = KpiTargetQuerySet.as_manager()

    class Meta:
        ordering = ["district__ubigeo", "indicator"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "indicator"],
                nulls_distinct=False,
                name="kpitarget_one_per_indicator",
            )
        ]

    def __str__(self) -> str:
        where = self.district.name if self.district else "Callao"
        return (
            f"{where} · {self.get_indicator_display()} {self.get_direction_display()} {self.value}"
        )

    def met_by(self, actual: float | None) -> bool | None:
        """On track (True), off track (False), or unknown without a figure (None)."""
        if actual is None:
            return None
        return actual <= self.value if self.direction == Direction.AT_MOST else actual >= self.value
