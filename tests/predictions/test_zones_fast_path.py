"""The cached fast path of /api/forecasts/current/ answers exactly as the full stack, or not at all."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from incidents.models import District
from predictions.models import Forecast
from predictions.zones_cache import zones_json_forget
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = reverse("predictions:api-forecast-current")


def _signed_in(role: str, username: str) -> tuple[Client, User]:
    user = make_user(username=username, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def test_the_second_request_is_served_from_the_cache_byte_for_byte(
    current_forecast: Forecast, django_assert_num_queries
) -> None:
    client, _ = _signed_in(Role.OFFICER, "fast-officer")
    first = client.get(URL)  # full stack: renders and caches
    with django_assert_num_queries(0):
        second = client.get(URL)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert "Cookie" in second["Vary"] and second["X-Content-Type-Options"] == "nosniff"
    assert {f["properties"]["district"] for f in second.json()["features"]} == {"070101"}


def test_english_and_spanish_are_cached_apart(current_forecast: Forecast) -> None:
    client, _ = _signed_in(Role.OFFICER, "fast-bilingual")
    spanish = client.get(URL, headers={"accept-language": "es-PE"})
    english = client.get(URL, headers={"accept-language": "en"})
    again = client.get(URL, headers={"accept-language": "en"})
    assert english.content == again.content != spanish.content
    assert again["Content-Language"] == "en"


def test_an_officer_cannot_read_another_districts_cached_zones(current_forecast: Forecast) -> None:
    planner, _ = _signed_in(Role.PLANNER, "fast-planner")
    assert planner.get(URL, {"district": "070106"}).status_code == 200  # now cached
    officer, _ = _signed_in(Role.OFFICER, "fast-officer-2")
    assert officer.get(URL, {"district": "070106"}).status_code == 403


def test_a_community_leader_is_refused_even_with_the_zones_cached(
    current_forecast: Forecast,
) -> None:
    officer, _ = _signed_in(Role.OFFICER, "fast-officer-3")
    assert officer.get(URL).status_code == 200
    leader, _ = _signed_in(Role.COMMUNITY_LEADER, "fast-leader")
    assert leader.get(URL).status_code == 403
    assert Client().get(URL).status_code in (401, 403)


def test_deactivation_password_change_and_logout_end_access_at_once(
    current_forecast: Forecast,
) -> None:
    client, user = _signed_in(Role.OFFICER, "fast-officer-4")
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200  # fast path, principal cached
    user.is_active = False
    user.save()
    assert client.get(URL).status_code in (401, 403)

    client, user = _signed_in(Role.OFFICER, "fast-officer-5")
    assert client.get(URL).status_code == 200
    user.set_password("a new and long password 42")
    user.save()
    assert client.get(URL).status_code in (401, 403)

    client, _ = _signed_in(Role.OFFICER, "fast-officer-6")
    assert client.get(URL).status_code == 200
    client.logout()
    assert client.get(URL).status_code in (401, 403)


def test_a_moved_officer_sees_the_new_district_although_the_session_hints_the_old_one(
    current_forecast: Forecast,
) -> None:
    client, user = _signed_in(Role.OFFICER, "fast-officer-7")
    assert {f["properties"]["district"] for f in client.get(URL).json()["features"]} == {"070101"}
    user.district = District.objects.get(ubigeo="070106")
    user.save()
    moved = client.get(URL).json()
    assert {f["properties"]["district"] for f in moved["features"]} == {"070106"}
    assert moved["district"] == "070106"


def test_forgetting_a_window_makes_the_next_request_render_again(
    current_forecast: Forecast, django_assert_max_num_queries
) -> None:
    client, _ = _signed_in(Role.OFFICER, "fast-officer-8")
    client.get(URL)
    zones_json_forget(window_start=current_forecast.window_start)
    with django_assert_max_num_queries(20) as captured:
        assert client.get(URL).status_code == 200
    assert any("predictions_patrolzone" in q["sql"] for q in captured.captured_queries)
