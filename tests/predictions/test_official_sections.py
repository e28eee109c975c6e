from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from callao.providers import forecast_sections_provided as report_sections
from incidents.models import DatasetStatus
from predictions.models import ForecastEvaluation, PatrolVisit
from predictions.reporting import forecast_sections
from predictions.services.evaluation import forecast_evaluate
from predictions.services.forecasting import forecast_issue
from predictions.services.training import models_train_all
from predictions.shifts import shift_current
from tests.factories import make_user
from tests.predictions.helpers import fast, midnight_today, simulated_history

pytestmark = pytest.mark.django_db


def test_the_official_report_gets_accuracy_coverage_and_equity_from_stored_evaluations(
    districts,
    categories,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    fast(settings)
    settings.PREDICTIONS_MODELS = ["naive365"]
    assert simulated_history(days=60).status == DatasetStatus.IMPORTED
    models_train_all(trained_until=midnight_today())
    forecast = forecast_issue(window=shift_current(moment=timezone.now() - timedelta(hours=9)))
    forecast_evaluate(forecast=forecast)
    zone = forecast.zones.order_by("rank").first()
    assert zone is not None
    PatrolVisit.objects.create(
        zone=zone,
        officer=make_user(role=Role.PLANNER),
        started_at=forecast.window_start,
        ended_at=forecast.window_start + timedelta(minutes=30),
    )
    start, end = forecast.window_start - timedelta(days=1), forecast.window_end + timedelta(days=1)

    sections = forecast_sections(district=None, start=start, end=end)

    evaluated = ForecastEvaluation.objects.filter(forecast=forecast, district__isnull=False)
    accuracy = sections["forecast_accuracy"]
    assert len(accuracy["rows"]) == evaluated.count()
    assert sum(row[2] for row in accuracy["rows"]) == sum(e.incidents for e in evaluated)
    coverage = {row[0]: row for row in sections["patrol_coverage"]["rows"]}
    assert coverage[zone.district.name][2] == 1
    equity = sections["equity"]["rows"]
    assert abs(sum(row[1] for row in equity) - 100) < 1

    provided = report_sections(district=None, start=start, end=end)
    assert all(
        provided[name]["available"] for name in ("forecast_accuracy", "patrol_coverage", "equity")
    )


def test_a_period_without_forecasts_leaves_every_section_unavailable(districts) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()

    provided = report_sections(district=None, start=now - timedelta(days=30), end=now)

    assert not any(section["available"] for section in provided.values())
