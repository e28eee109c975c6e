"""Reads of the predictions app: QuerySet methods, role rules first (deny by default).

Accuracy is pooled everywhere: hits summed over windows ÷ incidents summed, against flagged
cells summed ÷ cells summed (``forecasting.metrics.pai_from_counts``), so the accuracy page, the
metrics and the official report state the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.roles import ANALYSTS, PATROL, district_scope, role_of
from forecasting.metrics import pai_from_counts

if TYPE_CHECKING:
    from incidents.models import District
    from predictions.models import (  # noqa: F401 — the QuerySets' row types
        Forecast,
        ForecastEvaluation,
        ModelRun,
        PatrolVisit,
        PatrolZone,
    )

ROLLING_DAYS = 28


class ModelRunQuerySet(models.QuerySet["ModelRun"]):
    def visible_to(self, user: object) -> ModelRunQuerySet:
        return self if role_of(user) in ANALYSTS else self.none()

    def champion(self) -> ModelRun | None:
        return self.filter(is_champion=True).first()

    def champion_history(self) -> ModelRunQuerySet:
        return self.filter(champion_since__isnull=False).order_by("-champion_since")


class ForecastQuerySet(models.QuerySet["Forecast"]):
    def visible_to(self, user: object) -> ForecastQuerySet:
        return self if role_of(user) in PATROL else self.none()

    def latest_for(self, window_start: datetime) -> Forecast | None:
        """The latest forecast issued for a window (the champion may have changed since)."""
        return (
            self.filter(window_start=window_start)
            .select_related("model_run")
            .order_by("-issued_at")
            .first()
        )


class PatrolZoneQuerySet(models.QuerySet["PatrolZone"]):
    def visible_to(self, user: object) -> PatrolZoneQuerySet:
        """Officers see their own district's zones; planners, officials and admins all."""
        return district_scope(user).apply(self, "district_id")

    def of_forecast(
        self, forecast: Forecast, district: District | None = None
    ) -> PatrolZoneQuerySet:
        zones = self.filter(forecast=forecast).select_related("district")
        if district is not None:
            zones = zones.filter(district=district)
        return zones.order_by("district__ubigeo", "rank")


class PatrolVisitQuerySet(models.QuerySet["PatrolVisit"]):
    def visible_to(self, user: object) -> PatrolVisitQuerySet:
        return district_scope(user).apply(self, "zone__district_id")


@dataclass(frozen=True)
class PooledAccuracy:
    """Accuracy of issued zones pooled over windows (one district, or all of Callao)."""

    windows: int
    incidents: int
    hits: float
    flagged_cells: int
    cells: int
    hit_rate: float | None
    pai: float | None
    pei_star: float | None
    baseline_pai: float | None
    district_ubigeo: str | None = None
    district_name: str | None = None


class ForecastEvaluationQuerySet(models.QuerySet["ForecastEvaluation"]):
    def visible_to(self, user: object) -> ForecastEvaluationQuerySet:
        return self if role_of(user) in ANALYSTS else self.none()

    def callao_wide(self) -> ForecastEvaluationQuerySet:
        """The rows for all of Callao (``district`` null), one per evaluated window."""
        return self.filter(district__isnull=True)

    def per_district(self) -> ForecastEvaluationQuerySet:
        return self.filter(district__isnull=False)

    def recent(
        self, *, days: int = ROLLING_DAYS, now: datetime | None = None
    ) -> ForecastEvaluationQuerySet:
        """Windows that ended in the last ``days``."""
        since = (now or timezone.now()) - timedelta(days=days)
        return self.filter(forecast__window_end__gte=since)

    def windows_starting(self, start: datetime, end: datetime) -> ForecastEvaluationQuerySet:
        return self.filter(forecast__window_start__gte=start, forecast__window_start__lt=end)

    def series(self) -> list[ForecastEvaluation]:
        return list(self.select_related("forecast").order_by("forecast__window_start"))

    def pooled(self) -> PooledAccuracy:
        return _pooled(self.order_by().aggregate(**_SUMS))

    def pooled_by_district(self) -> list[PooledAccuracy]:
        rows = (
            self.order_by("district__ubigeo")
            .values("district__ubigeo", "district__name")
            .annotate(**_SUMS)
        )
        return [
            _pooled(row, ubigeo=row["district__ubigeo"], name=row["district__name"]) for row in rows
        ]


_WITH_BASELINE = Q(baseline_hits__isnull=False)
_WITH_BEST = Q(best_hits__isnull=False)
_SUMS = {
    "windows": Count("id"),
    "incidents_sum": Sum("incidents"),
    "hits_sum": Sum("hits"),
    "flagged_sum": Sum("flagged_cells"),
    "cells_sum": Sum("cells"),
    "baseline_hits_sum": Sum("baseline_hits", filter=_WITH_BASELINE),
    "baseline_incidents_sum": Sum("incidents", filter=_WITH_BASELINE),
    "baseline_flagged_sum": Sum("flagged_cells", filter=_WITH_BASELINE),
    "baseline_cells_sum": Sum("cells", filter=_WITH_BASELINE),
    "best_hits_sum": Sum("best_hits", filter=_WITH_BEST),
    "best_scored_hits_sum": Sum("hits", filter=_WITH_BEST),
}


def _pooled(
    sums: dict[str, float | None], *, ubigeo: str | None = None, name: str | None = None
) -> PooledAccuracy:
    def total(key: str) -> float:
        return float(sums.get(key) or 0)

    incidents, hits = total("incidents_sum"), total("hits_sum")
    flagged, cells = total("flagged_sum"), total("cells_sum")
    baseline = (
        pai_from_counts(
            total("baseline_hits_sum"),
            total("baseline_incidents_sum"),
            total("baseline_flagged_sum"),
            total("baseline_cells_sum"),
        )
        if sums.get("baseline_hits_sum") is not None
        else None
    )
    best = total("best_hits_sum")
    return PooledAccuracy(
        windows=int(sums.get("windows") or 0),
        incidents=round(incidents),
        hits=hits,
        flagged_cells=round(flagged),
        cells=round(cells),
        hit_rate=hits / incidents if incidents else None,
        pai=pai_from_counts(hits, incidents, flagged, cells),
        pei_star=total("best_scored_hits_sum") / best if best else None,
        baseline_pai=baseline,
        district_ubigeo=ubigeo,
        district_name=name,
    )
