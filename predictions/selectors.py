"""Reads of the predictions app, scoped by role (deny by default)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, QuerySet, Sum
from django.utils import timezone

from accounts.roles import PATROL, Role, role_of
from incidents.models import District
from predictions.models import Forecast, ForecastEvaluation, ModelRun, PatrolVisit, PatrolZone
from predictions.services.shifts import ShiftWindow, shift_current

ROLLING_DAYS = 28


def districts_visible_to(user: Any) -> QuerySet[District]:
    role = role_of(user)
    if role == Role.OFFICER:
        return District.objects.filter(pk=getattr(user, "district_id", None) or 0)
    if role in PATROL:
        return District.objects.all()
    return District.objects.none()


def zones_visible_to(user: Any) -> QuerySet[PatrolZone]:
    role = role_of(user)
    if role == Role.OFFICER:
        return PatrolZone.objects.filter(district_id=getattr(user, "district_id", None) or 0)
    if role in PATROL:
        return PatrolZone.objects.all()
    return PatrolZone.objects.none()


def visits_visible_to(user: Any) -> QuerySet[PatrolVisit]:
    role = role_of(user)
    if role == Role.OFFICER:
        return PatrolVisit.objects.filter(zone__district_id=getattr(user, "district_id", None) or 0)
    if role in PATROL:
        return PatrolVisit.objects.all()
    return PatrolVisit.objects.none()


def forecast_for_window(*, window: ShiftWindow) -> Forecast | None:
    """The latest forecast issued for a window (the champion may have changed since)."""
    return (
        Forecast.objects.filter(window_start=window.start)
        .select_related("model_run")
        .order_by("-issued_at")
        .first()
    )


def forecast_current(*, moment: datetime | None = None) -> tuple[ShiftWindow, Forecast | None]:
    window = shift_current(moment=moment or timezone.now())
    return window, forecast_for_window(window=window)


def zones_for(*, forecast: Forecast, user: Any, district: District | None) -> QuerySet[PatrolZone]:
    zones = zones_visible_to(user).filter(forecast=forecast).select_related("district")
    if district is not None:
        zones = zones.filter(district=district)
    return zones.order_by("district__ubigeo", "rank")


def champion_current() -> ModelRun | None:
    return ModelRun.objects.filter(is_champion=True).first()


def champion_history() -> QuerySet[ModelRun]:
    return ModelRun.objects.filter(champion_since__isnull=False).order_by("-champion_since")


def rolling_pai(
    *, days: int = ROLLING_DAYS, now: datetime | None = None
) -> dict[str, float | None]:
    """Pooled PAI of the champion's zones and of the naive baseline over the last ``days``."""
    since = (now or timezone.now()) - timedelta(days=days)
    rows = ForecastEvaluation.objects.filter(
        district__isnull=True, forecast__window_end__gte=since
    ).aggregate(
        pai=Avg("pai"),
        baseline=Avg("baseline_pai"),
        incidents=Sum("incidents"),
        hits=Sum("hits"),
    )
    return {
        "pai": rows["pai"],
        "baseline_pai": rows["baseline"],
        "incidents": rows["incidents"],
        "hits": rows["hits"],
    }


def accuracy_series(*, days: int = 90) -> list[ForecastEvaluation]:
    since = timezone.now() - timedelta(days=days)
    return list(
        ForecastEvaluation.objects.filter(district__isnull=True, forecast__window_end__gte=since)
        .select_related("forecast")
        .order_by("forecast__window_start")
    )


def accuracy_by_district(*, days: int = ROLLING_DAYS) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    return list(
        ForecastEvaluation.objects.filter(district__isnull=False, forecast__window_end__gte=since)
        .values("district__ubigeo", "district__name")
        .annotate(
            incidents=Sum("incidents"),
            hits=Sum("hits"),
            pai=Avg("pai"),
            pei_star=Avg("pei_star"),
            baseline_pai=Avg("baseline_pai"),
        )
        .order_by("district__ubigeo")
    )
