"""Who may log a patrol visit, and when (DESIGN.md's role table), and manual jobs that queue once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from predictions.models import Forecast, PatrolVisit, PatrolZone
from predictions.services.pipeline import MANUAL_JOB_KEY
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = reverse("predictions:api-patrol-visits")


def _post(role: str, zone: PatrolZone, start: datetime, end: datetime) -> tuple[int, dict]:
    client = Client()
    client.force_login(make_user(username=f"{role}-visits", role=role))
    response = client.post(
        URL,
        {"zone": zone.pk, "started_at": start.isoformat(), "ended_at": end.isoformat()},
        content_type="application/json",
    )
    return response.status_code, response.json()


def _zone(forecast: Forecast) -> PatrolZone:
    zone = PatrolZone.objects.filter(forecast=forecast, district__ubigeo="070101").first()
    assert zone is not None
    return zone


@pytest.mark.parametrize("role", [Role.PLANNER, Role.OFFICIAL])
def test_roles_that_do_not_patrol_cannot_log_a_visit(current_forecast: Forecast, role: str) -> None:
    start = current_forecast.window_start + timedelta(minutes=10)
    status, _ = _post(role, _zone(current_forecast), start, start + timedelta(minutes=15))
    assert status == 403
    assert not PatrolVisit.objects.exists()


def test_an_officers_visit_outside_the_zones_shift_is_refused(
    current_forecast: Forecast, settings
) -> None:
    settings.PREDICTIONS_VISIT_TOLERANCE_MINUTES = 30
    late = current_forecast.window_end + timedelta(minutes=31)
    status, body = _post(Role.OFFICER, _zone(current_forecast), late, late + timedelta(minutes=5))
    assert status == 400
    assert "started_at" in body
    inside = current_forecast.window_end + timedelta(minutes=10)
    status, _ = _post(Role.OFFICER, _zone(current_forecast), inside, inside + timedelta(minutes=5))
    assert status == 201


def test_a_visit_in_the_year_10_is_a_400(current_forecast: Forecast) -> None:
    start = datetime.fromisoformat("0010-01-01T13:00:00+00:00")
    status, body = _post(Role.ADMIN, _zone(current_forecast), start, start + timedelta(hours=1))
    assert status == 400
    assert "started_at" in body


def test_an_admin_corrects_a_visit_of_an_earlier_day(current_forecast: Forecast) -> None:
    start = current_forecast.window_start - timedelta(days=3)
    status, _ = _post(Role.ADMIN, _zone(current_forecast), start, start + timedelta(minutes=30))
    assert status == 201


@pytest.fixture
def no_manual_jobs() -> Iterator[None]:
    keys = [MANUAL_JOB_KEY.format(action=action) for action in ("train", "forecast")]
    cache.delete_many(keys + [f"{key}:claim" for key in keys])
    yield
    cache.delete_many(keys + [f"{key}:claim" for key in keys])


@pytest.mark.usefixtures("no_manual_jobs")
def test_a_second_retrain_while_the_first_is_queued_is_a_409_naming_it(districts) -> None:
    client = Client()
    client.force_login(make_user(username="admin-jobs", role=Role.ADMIN))
    url = reverse("predictions:api-jobs")
    first = client.post(url, {"action": "train"}, content_type="application/json")
    assert first.status_code == 202
    # No worker runs here: the first job stays queued.
    second = client.post(url, {"action": "train"}, content_type="application/json")
    assert second.status_code == 409
    assert first.json()["id"] in second.json()["detail"]
