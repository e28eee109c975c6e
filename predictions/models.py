"""Model runs, shift forecasts, patrol zones, visits and evaluations (DESIGN.md, issue 5)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import District
from predictions.querysets import (
    ForecastEvaluationQuerySet,
    ForecastQuerySet,
    ModelRunQuerySet,
    PatrolVisitQuerySet,
    PatrolZoneQuerySet,
)


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ModelRun(models.Model):
    """One model kind trained and backtested on the data up to ``trained_until``.

    Only a run that reached ``succeeded`` (artifact written, metrics recorded) may become the
    champion; a run left ``running`` by a killed worker is never used.
    """

    kind = models.CharField(_("model"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    trained_until = models.DateTimeField(_("trained until"))
    data_fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    training_origins = ArrayField(models.CharField(max_length=20), default=list)
    n_events = models.PositiveIntegerField(_("training incidents"), default=0)
    synthetic = models.BooleanField(_("trained on simulated data"), default=False)
    backtest = models.JSONField(_("backtest summary"), default=dict, blank=True)
    pai5 = models.FloatField(_("backtest PAI at 5 %"), null=True, blank=True)
    pai5_low = models.FloatField(null=True, blank=True)
    pai5_high = models.FloatField(null=True, blank=True)
    hit_rate5 = models.FloatField(null=True, blank=True)
    pei5 = models.FloatField(null=True, blank=True)
    calibration = models.JSONField(_("calibration by decile"), default=list, blank=True)
    equity = models.JSONField(_("equity by district"), default=list, blank=True)
    artifact = models.CharField(_("artifact file"), max_length=500, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    is_champion = models.BooleanField(_("champion"), default=False)
    champion_since = models.DateTimeField(null=True, blank=True)
    champion_until = models.DateTimeField(null=True, blank=True)
    champion_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ModelRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("model run")
        verbose_name_plural = _("model runs")
        constraints = [
            # Running the nightly training twice for the same cut-off and data trains nothing
            # twice; a failed run does not block a retry.
            models.UniqueConstraint(
                fields=["kind", "trained_until", "data_fingerprint"],
                condition=~Q(status="failed"),
                name="modelrun_unique_kind_cutoff_data",
            ),
            models.UniqueConstraint(
                fields=["is_champion"], condition=Q(is_champion=True), name="modelrun_one_champion"
            ),
            models.CheckConstraint(
                condition=Q(is_champion=False) | Q(status="succeeded"),
                name="modelrun_champion_succeeded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.trained_until:%Y-%m-%d} ({self.status})"


class Forecast(models.Model):
    """The champion's expected counts per grid cell for one shift window.

    The surface is an ``.npz`` of float32 expected counts plus the packed active-cell mask,
    so the grid is rebuilt exactly from ``grid`` (x0, y0, cell, nx, ny, crs).
    """

    model_run = models.ForeignKey(ModelRun, on_delete=models.PROTECT, related_name="forecasts")
    shift_code = models.CharField(_("shift"), max_length=20)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    cell_m = models.FloatField(_("cell size (m)"))
    grid = models.JSONField(_("grid"), default=dict)
    surface = models.BinaryField(_("risk surface"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issue_seconds = models.FloatField(_("issue latency (s)"), default=0.0)

    objects = ForecastQuerySet.as_manager()

    class Meta:
        ordering = ["-window_start", "-issued_at"]
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.UniqueConstraint(
                fields=["model_run", "window_start"], name="forecast_unique_run_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shift_code} {self.window_start:%Y-%m-%d %H:%M}"


class Driver(models.TextChoices):
    NEAR_REPEAT = "near_repeat", _("Recent near-repeat activity")
    LONG_TERM = "long_term", _("Long-term hotspot")
    TIME_OF_DAY = "time_of_day", _("Time of day")
    EXPLORATION = "exploration", _("Exploration (outside the top cells)")


class PatrolZone(models.Model):
    """Adjacent flagged cells of one district merged into one area to patrol."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="zones")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="patrol_zones")
    rank = models.PositiveSmallIntegerField(_("rank"))
    geometry = models.MultiPolygonField(_("area"), srid=4326)
    cells = ArrayField(models.IntegerField(), default=list)
    expected_incidents = models.FloatField(_("expected incidents"))
    area_share = models.FloatField(_("share of district area"))
    exploration = models.BooleanField(_("exploration zone"), default=False)
    driver = models.CharField(_("main driver"), max_length=20, choices=Driver.choices)
    explanation = models.JSONField(_("explanation"), default=dict)

    objects = PatrolZoneQuerySet.as_manager()

    class Meta:
        ordering = ["forecast", "district__ubigeo", "rank"]
        verbose_name = _("patrol zone")
        verbose_name_plural = _("patrol zones")
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "district", "rank"], name="patrolzone_unique_rank"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} #{self.rank}"


class PatrolVisit(models.Model):
    zone = models.ForeignKey(PatrolZone, on_delete=models.PROTECT, related_name="visits")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patrol_visits"
    )
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatrolVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="visit_ends_after_start"
            ),
            # A phone that resubmits the same form records one visit.
            models.UniqueConstraint(
                fields=["zone", "officer", "started_at"], name="visit_unique_zone_officer_start"
            ),
        ]


class ForecastEvaluation(models.Model):
    """How a forecast's zones did once its window closed; ``district`` null = all of Callao.

    The counts (incidents, hits, best and baseline hits, cells) are what pooled figures are
    summed from; the ratios are this one window's, for display.
    """

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="evaluations")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    incidents = models.PositiveIntegerField(_("incidents in the window"))
    hits = models.FloatField(_("incidents in the zones"))
    # n*: the most incidents any choice of as many cells caught (PEI*'s denominator); null on
    # rows evaluated before it was stored where it cannot be recovered from PEI*.
    best_hits = models.FloatField(_("incidents in the best cells"), null=True, blank=True)
    # Incidents in the naive baseline's top cells of the same number; null without a baseline.
    baseline_hits = models.FloatField(_("incidents in the baseline's cells"), null=True, blank=True)
    flagged_cells = models.PositiveIntegerField()
    cells = models.PositiveIntegerField()
    hit_rate = models.FloatField(null=True, blank=True)
    pai = models.FloatField(null=True, blank=True)
    pei_star = models.FloatField(null=True, blank=True)
    baseline_pai = models.FloatField(null=True, blank=True)
    evaluated_at = models.DateTimeField(auto_now_add=True)

    objects = ForecastEvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-forecast__window_start", "district__ubigeo"]
        verbose_name = _("forecast evaluation")
        verbose_name_plural = _("forecast evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "district"],
                nulls_distinct=False,
                name="evaluation_unique_forecast_district",
            )
        ]
