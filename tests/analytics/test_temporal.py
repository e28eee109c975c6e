"""Temporal patterns through the API and the page, on incidents whose counts are known."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from incidents.models import District
from tests.analytics.helpers import LIMA, at, incident
from tests.factories import make_user

pytestmark = pytest.mark.django_db
URL = reverse("analytics-api:temporal")


def _client(role: str = Role.PLANNER) -> Client:
    client = Client()
    client.force_login(make_user(role=role))
    return client


@pytest.fixture
def known(districts: list[District], categories: dict[str, int]) -> None:
    # Monday 2024-03-04 09:00 ×3, Monday 22:00 ×1, Saturday 2024-03-09 09:00 ×2 (Lima time);
    # a year later, March 2025 holds 3 and a Bellavista hurto.
    for _ in range(3):
        incident(at(2024, 3, 4, 9))
    incident(at(2024, 3, 4, 22))
    incident(at(2024, 3, 9, 9), code="hurto")
    incident(at(2024, 3, 9, 9), code="hurto")
    for day in (3, 4, 5):
        incident(at(2025, 3, day, 10))
    incident(at(2025, 3, 6, 10), ubigeo="070102", code="hurto")


def test_counts_by_hour_and_weekday_are_local_and_expected_under_independence(known: None) -> None:
    body = _client().get(URL, {"start": "2024-03-01", "end": "2024-03-31"}).json()

    assert body["incidents"] == 6
    counts = body["hour_weekday"]["counts"]
    assert counts[0][9] == 3 and counts[0][22] == 1 and counts[5][9] == 2
    # Monday holds 4 of 6, 09:00 holds 5 of 6: expected 4·5/6.
    assert body["hour_weekday"]["expected"][0][9] == pytest.approx(4 * 5 / 6, abs=0.01)
    assert body["hour_weekday"]["ratio"][0][9] == pytest.approx(3 / (4 * 5 / 6), abs=0.001)


def test_months_carry_their_moving_average_and_change_against_a_year_earlier(known: None) -> None:
    body = _client().get(URL, {"start": "2024-03-01", "end": "2025-03-31"}).json()

    months = {row["month"]: row for row in body["monthly"]}
    assert len(months) == 13 and months["2024-07"]["count"] == 0  # gaps are months with none
    assert months["2025-03"]["count"] == 4
    assert months["2025-03"]["change_vs_last_year_pct"] == pytest.approx(100 * (4 - 6) / 6, abs=0.1)
    assert months["2025-02"]["moving_average_12"] == pytest.approx(6 / 12, abs=0.01)
    assert months["2024-03"]["moving_average_12"] is None


def test_filters_choose_the_incidents_and_say_how_many(known: None) -> None:
    client = _client(Role.OFFICIAL)
    hurto = client.get(URL, {"start": "2024-03-01", "end": "2025-03-31", "category": "hurto"})
    bellavista = client.get(URL, {"start": "2025-01-01", "end": "2025-03-31", "district": "070102"})

    assert hurto.json()["incidents"] == 3
    assert bellavista.json()["incidents"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2024-03-10", "end": "2024-03-01"}, "__all__"),
        ({"start": "2099-01-01"}, "__all__"),
        ({"start": "ayer"}, "start"),
        ({"district": "999999"}, "district"),
        ({"category": "no-such-thing"}, "category"),
    ],
)
def test_bad_input_is_a_400_that_names_the_field(
    known: None, query: dict[str, str], field: str
) -> None:
    response = _client().get(URL, query)

    assert response.status_code == 400
    assert field in response.json()


def test_an_empty_selection_is_a_400_with_the_reason(known: None) -> None:
    response = _client().get(URL, {"start": "2023-01-01", "end": "2023-01-31"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Ningún incidente coincide con esta selección."}


def test_the_page_draws_the_heat_map_and_says_what_it_used(known: None) -> None:
    page = _client().get(
        reverse("analytics:temporal"), {"start": "2024-03-01", "end": "2024-03-31"}
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert 'id="hour-weekday"' in content and 'id="monthly"' in content
    assert "6 incidentes usados" in content


def test_the_page_shows_an_empty_selection_on_the_form(known: None) -> None:
    page = _client().get(
        reverse("analytics:temporal"), {"start": "2023-01-01", "end": "2023-01-31"}
    )

    assert page.status_code == 200
    assert 'id="analysis-error"' in page.content.decode()


def test_results_are_cached_until_the_data_changes(known: None) -> None:
    client = _client()
    query = {"start": "2024-03-01", "end": "2024-03-31"}
    assert client.get(URL, query).json()["incidents"] == 6
    incident(at(2024, 3, 12, 15))

    assert client.get(URL, query).json()["incidents"] == 7


def test_the_default_period_is_three_years_up_to_yesterday(
    districts: list[District], categories: dict[str, int]
) -> None:
    today = timezone.localdate()
    recent = dt.datetime.combine(today - dt.timedelta(days=10), dt.time(12), tzinfo=LIMA)
    incident(recent)

    body = _client().get(URL).json()

    yesterday = today - dt.timedelta(days=1)
    assert body["selection"]["end"] == yesterday.isoformat()
    assert body["selection"]["start"] == (yesterday - dt.timedelta(days=3 * 365)).isoformat()
    assert body["incidents"] == 1
