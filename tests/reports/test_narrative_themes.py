"""Narrative themes for planners and admins: grouped, phrased, scrubbed, and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from accounts.models import SensitiveRead, User
from accounts.roles import Role
from incidents.models import District, Incident
from tests.factories import make_user
from tests.reports.builders import WEEK_START, add_incidents
from tests.reports.samples import NARRATIVES

pytestmark = pytest.mark.django_db

SELECTION = "start=2025-03-03&end=2025-03-09&district=070102&category=robo"


@pytest.fixture
def robberies(districts: list[District], categories: dict[str, int]) -> list[Incident]:
    rows = []
    for i, narrative in enumerate(NARRATIVES):
        rows += add_incidents(
            district="070102",
            category="robo",
            count=1,
            day=WEEK_START + dt.timedelta(days=i % 7),
            hour=i % 24,
            narrative=narrative,
            lon=-77.11 + i * 1e-4,
        )
    # Outside the selection: another district and another week.
    add_incidents(district="070101", category="robo", count=2, day=WEEK_START, narrative="Otro.")
    add_incidents(
        district="070102", category="robo", count=2, day=WEEK_START + dt.timedelta(days=8)
    )
    return rows


def _client(role: str) -> tuple[Client, User]:
    user = make_user(username=f"{role}-themes", role=role)
    client = Client()
    client.force_login(user)
    return client, user


def test_a_planner_gets_themes_of_a_selection_and_every_read_is_audited(
    robberies: list[Incident],
) -> None:
    client, planner = _client(Role.PLANNER)

    page = client.get(f"/reportes/narrativas/?{SELECTION}").content.decode()

    reads = SensitiveRead.objects.filter(user=planner)
    assert sorted(reads.values_list("object_id", flat=True)) == sorted(i.pk for i in robberies)
    assert all(read.via.startswith("GET /reportes/narrativas/") for read in reads)
    assert 'id="narrative-summary"' in page
    assert page.count('class="theme"') >= 2
    assert "relatos" in page
    # Examples are scrubbed of names, DNI numbers and phones before anyone sees them.
    for personal in ("Juan Pérez", "45678912", "987 654 321", "Rosa Salas"):
        assert personal not in page


def test_the_form_alone_reads_nothing(robberies: list[Incident]) -> None:
    client, planner = _client(Role.PLANNER)
    assert client.get("/reportes/narrativas/").status_code == 200
    assert not SensitiveRead.objects.filter(user=planner).exists()


def test_an_admin_gets_themes_from_the_api_in_english(robberies: list[Incident]) -> None:
    client, admin = _client(Role.ADMIN)

    data = client.get(f"/api/reports/narrative-themes/?{SELECTION}&language=en").json()

    assert data["narratives_read"] == len(robberies)
    assert data["period"] == "2025-W10"
    assert data["summary"]["language"] == "en"
    assert sum(theme["size"] for theme in data["themes"]) == len(robberies)
    assert SensitiveRead.objects.filter(user=admin).count() == len(robberies)


def test_officials_and_officers_may_not_read_narrative_themes(robberies: list[Incident]) -> None:
    for role in (Role.OFFICIAL, Role.OFFICER):
        client, user = _client(role)
        assert client.get(f"/reportes/narrativas/?{SELECTION}").status_code == 403
        assert client.get(f"/api/reports/narrative-themes/?{SELECTION}").status_code == 403
        assert not SensitiveRead.objects.filter(user=user).exists()


def test_a_reversed_date_range_is_refused(robberies: list[Incident]) -> None:
    client, _ = _client(Role.PLANNER)
    response = client.get("/api/reports/narrative-themes/?start=2025-03-09&end=2025-03-03")
    assert response.status_code == 400
