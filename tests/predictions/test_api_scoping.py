from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from predictions.models import Forecast, PatrolVisit, PatrolZone
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = reverse("predictions:api-forecast-current")


def _client(role: str, username: str) -> Client:
    client = Client()
    client.force_login(make_user(username=username, role=role))
    return client


def test_an_officer_gets_only_the_zones_of_their_own_district(current_forecast: Forecast) -> None:
    body = _client(Role.OFFICER, "officer-a").get(URL).json()
    assert body["features"], body
    assert {f["properties"]["district"] for f in body["features"]} == {"070101"}
    assert body["forecast"]["synthetic"] is True
    assert all(f["properties"]["reason"] for f in body["features"])


def test_an_officer_asking_for_another_district_is_refused(current_forecast: Forecast) -> None:
    response = _client(Role.OFFICER, "officer-b").get(URL, {"district": "070106"})
    assert response.status_code == 403


def test_a_planner_sees_every_district_and_can_filter_one(current_forecast: Forecast) -> None:
    client = _client(Role.PLANNER, "planner-a")
    everything = client.get(URL).json()
    assert len({f["properties"]["district"] for f in everything["features"]}) == 7
    one = client.get(URL, {"district": "070106", "shift": "current"}).json()
    assert {f["properties"]["district"] for f in one["features"]} == {"070106"}


def test_community_leaders_and_anonymous_visitors_cannot_reach_zones(
    current_forecast: Forecast,
) -> None:
    assert _client(Role.COMMUNITY_LEADER, "leader-a").get(URL).status_code == 403
    assert Client().get(URL).status_code in (401, 403)


def test_an_officer_logs_a_visit_in_their_district_once_and_not_elsewhere(
    current_forecast: Forecast,
) -> None:
    client = _client(Role.OFFICER, "officer-c")
    own = PatrolZone.objects.filter(forecast=current_forecast, district__ubigeo="070101").first()
    other = PatrolZone.objects.filter(forecast=current_forecast, district__ubigeo="070106").first()
    assert own is not None and other is not None
    now = timezone.now().replace(microsecond=0)
    visit = {
        "zone": own.pk,
        "started_at": (now - timedelta(minutes=20)).isoformat(),
        "ended_at": now.isoformat(),
        "note": "Sin novedad",
    }
    url = reverse("predictions:api-patrol-visits")
    assert client.post(url, visit, content_type="application/json").status_code == 201
    assert client.post(url, visit, content_type="application/json").status_code == 201
    assert PatrolVisit.objects.count() == 1
    refused = client.post(url, {**visit, "zone": other.pk}, content_type="application/json")
    assert refused.status_code == 403
    listed = client.get(url).json()
    assert listed["count"] == 1


def test_the_metrics_endpoint_exports_the_champion_backtest_pai(
    current_forecast: Forecast, settings
) -> None:
    settings.METRICS_TOKEN = ""
    text = Client().get(reverse("metrics")).content.decode()
    assert "callao_champion_backtest_pai_5pct" in text
    assert "callao_forecast_issue_seconds" in text
    assert "callao_prediction_task_failures_total" in text


def test_planner_pages_show_accuracy_runs_and_equity(current_forecast: Forecast) -> None:
    client = _client(Role.PLANNER, "planner-b")
    runs = client.get(reverse("predictions:model-runs"))
    assert runs.status_code == 200 and b"naive365" in runs.content
    accuracy = client.get(reverse("predictions:accuracy"))
    assert accuracy.status_code == 200 and b"equity-table" in accuracy.content
    sheet = client.get(reverse("predictions:patrol-sheet"), {"district": "070101"})
    assert sheet.status_code == 200 and b"<polygon" in sheet.content


def test_a_visit_that_ends_before_it_starts_is_a_400_not_a_500(
    current_forecast: Forecast,
) -> None:
    zone = PatrolZone.objects.filter(forecast=current_forecast, district__ubigeo="070101").first()
    assert zone is not None
    now = timezone.now().replace(microsecond=0)
    response = _client(Role.OFFICER, "officer-e").post(
        reverse("predictions:api-patrol-visits"),
        {
            "zone": zone.pk,
            "started_at": now.isoformat(),
            "ended_at": (now - timedelta(minutes=5)).isoformat(),
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"ended_at": "La visita debe terminar después de empezar."}
    assert not PatrolVisit.objects.exists()
