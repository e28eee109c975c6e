"""The heavy analyses end to end: asked through the API or the page, computed once per data
version, compared with the previous run, refused clearly when the input cannot work."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analytics.models import AnalysisRun, RunStatus
from analytics.services import analysis_run_execute
from incidents.models import CrimeCategory, District, Incident, Origin
from tests.analytics.helpers import LIMA
from tests.factories import make_user
from tests.incidents.importing_helpers import BELLAVISTA, CALLAO, VENTANILLA

HOTSPOTS = reverse("analytics-api:hotspots")
NEAR_REPEAT = reverse("analytics-api:near-repeat")
WEEKS = 20


def _client(role: str = Role.PLANNER) -> Client:
    client = Client()
    client.force_login(make_user(role=role))
    return client


def _monday(weeks_ago: int) -> dt.datetime:
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7 * weeks_ago)
    return dt.datetime.combine(monday, dt.time(10), tzinfo=LIMA)


def _plant(places: list[tuple[float, float, dt.datetime]]) -> None:
    robo = CrimeCategory.objects.get(code="robo")
    districts = {d.ubigeo: d for d in District.objects.all()}
    Incident.objects.bulk_create(
        Incident(
            source="test-runs",
            external_id=f"R{uuid.uuid4().hex[:12]}",
            occurred_at=when,
            location=Point(lon, lat, srid=4326),
            district=districts["070101"],
            category=robo,
            origin=Origin.VICTIM_REPORT,
            fingerprint=uuid.uuid4(),
        )
        for lat, lon, when in places
    )


@pytest.fixture
def growing_hotspot(districts: list[District], categories: dict[str, int]) -> None:
    """A place in Callao whose weekly count climbs from 1 to 20; a thin background elsewhere."""
    rng = np.random.default_rng(5)
    places = []
    for week in range(WEEKS):
        monday = _monday(WEEKS - week)
        places += [(CALLAO[0], CALLAO[1], monday + dt.timedelta(hours=i)) for i in range(week + 1)]
        for lat, lon in (BELLAVISTA, VENTANILLA):
            for _ in range(2):
                jitter = rng.normal(0, 0.004, 2)
                places.append((lat + jitter[0], lon + jitter[1], monday + dt.timedelta(days=2)))
    _plant(places)


def _period(weeks: int = WEEKS) -> dict[str, str]:
    return {
        "start": _monday(weeks).date().isoformat(),
        "end": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    }


def _computed(response_json: dict[str, Any]) -> AnalysisRun:
    run = AnalysisRun.objects.get(pk=response_json["id"])
    return analysis_run_execute(run=run)


@pytest.mark.django_db
def test_a_climbing_place_is_found_as_a_hot_spot_and_the_map_draws_it(
    growing_hotspot: None,
) -> None:
    client = _client()
    asked = client.post(HOTSPOTS, {**_period(), "step": "week", "cell_m": 250})

    assert asked.status_code == 202
    run = _computed(asked.json())
    assert run.status == RunStatus.SUCCEEDED, run.error
    done = client.get(HOTSPOTS, {**_period(), "step": "week", "cell_m": "250"}).json()
    cells = done["result"]["cells"]
    hot = [cell for cell in cells if cell["category"].endswith("_hot")]
    assert hot and all(cell["district"] == "Callao" for cell in hot)
    assert hot[0]["trend_z"] > 0
    features = done["result"]["map"]["features"]
    assert len(features) == len(cells)
    lon, lat = features[0]["geometry"]["coordinates"][0][0]
    assert -77.3 < lon < -76.9 and -12.2 < lat < -11.7  # polygons are in WGS84
    assert done["incidents"] == Incident.objects.count()
    # The same question on the same data is answered by the same run.
    again = client.post(HOTSPOTS, {**_period(), "step": "week", "cell_m": 250})
    assert again.status_code == 200 and again.json()["id"] == run.pk


@pytest.mark.django_db
def test_a_new_run_on_newer_data_lists_the_places_that_changed(growing_hotspot: None) -> None:
    client = _client()
    first = _computed(client.post(HOTSPOTS, _period()).json())
    # A new cluster in Ventanilla over the last weeks.
    _plant(
        [
            (VENTANILLA[0] + 0.02, VENTANILLA[1], _monday(w) + dt.timedelta(hours=h))
            for w in range(1, 6)
            for h in range(12)
        ]
    )

    second = _computed(client.post(HOTSPOTS, _period()).json())

    assert second.pk != first.pk and second.data_version != first.data_version
    changed = second.result["changed"]
    assert any(row["before"] == "no_pattern" and row["after"].endswith("_hot") for row in changed)
    page = client.get(reverse("analytics:hotspots"), {**_period(), "run": str(second.pk)})
    assert 'id="hotspot-changes"' in page.content.decode()


@pytest.fixture
def near_repeats(districts: list[District], categories: dict[str, int]) -> None:
    """Background incidents spread over Callao, each followed by a neighbour within 50 m and
    3 days in half of the cases: near repeats by construction."""
    rng = np.random.default_rng(11)
    start = _monday(40)
    places = []
    for _ in range(300):
        lat = CALLAO[0] + rng.uniform(-0.03, 0.03)
        lon = CALLAO[1] + rng.uniform(-0.02, 0.02)
        when = start + dt.timedelta(days=float(rng.uniform(0, 270)))
        places.append((lat, lon, when))
        if rng.random() < 0.5:
            places.append((lat + 0.0003, lon, when + dt.timedelta(days=float(rng.uniform(0, 3)))))
    _plant(places)


@pytest.mark.django_db
def test_planted_near_repeats_give_a_significant_ratio_and_a_sentence(near_repeats: None) -> None:
    client = _client(Role.OFFICIAL)
    period = {"start": _monday(41).date().isoformat(), **{"end": _period()["end"]}}
    run = _computed(client.post(NEAR_REPEAT, {**period, "permutations": 99}).json())

    assert run.status == RunStatus.SUCCEEDED, run.error
    result = run.result
    assert result["ratio"][1][0] > 2 and result["p_value"][1][0] <= 0.01  # 1–100 m, 0–7 days
    assert result["extent"] is not None
    page = client.get(
        reverse("analytics:near-repeat"), {**period, "run": str(run.pk)}
    ).content.decode()
    assert "veces el esperado" in page and 'id="knox-table"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cell_m": 60, "distance_m": 120}, "cell_m"),  # ~40,000 cells: more than the limit
        ({"cell_m": 20}, "cell_m"),  # below the form's minimum
        ({"step": "day"}, "step"),
        ({"distance_m": 100, "cell_m": 250}, "__all__"),  # the neighbourhood reaches no cell
        ({"start": "2026-06-01", "step": "month"}, "__all__"),  # fewer than 10 time steps
    ],
)
def test_impossible_analyses_are_a_400_naming_the_field(
    growing_hotspot: None, settings, query: dict[str, object], field: str
) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYTICS_MAX_CELLS = 20_000

    response = _client().post(HOTSPOTS, {**_period(), **query})

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not AnalysisRun.objects.exists()


@pytest.mark.django_db
def test_an_empty_selection_is_refused_with_the_reason(growing_hotspot: None) -> None:
    empty = _client().post(HOTSPOTS, {"start": "2020-01-01", "end": "2020-12-31"})

    assert empty.status_code == 400
    assert empty.json() == {"detail": "Ningún incidente coincide con esta selección."}


@pytest.mark.django_db
def test_a_full_queue_answers_409_and_the_page_says_why(growing_hotspot: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYTICS_MAX_PENDING_RUNS = 1
    client = _client()
    assert client.post(HOTSPOTS, _period()).status_code == 202

    refused = client.post(HOTSPOTS, {**_period(), "cell_m": 300})
    page = client.post(reverse("analytics:hotspots"), {**_period(), "cell_m": 300})

    assert refused.status_code == 409
    assert "trabajador" in refused.json()["detail"]
    assert page.status_code == 200 and 'id="analysis-error"' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_an_analysis_asked_through_the_api(
    districts: list[District], categories: dict[str, int], celery_worker_process: str
) -> None:
    _plant(
        [
            (CALLAO[0], CALLAO[1], _monday(w) + dt.timedelta(hours=h))
            for w in range(1, WEEKS + 1)
            for h in range(WEEKS - w + 1)
        ]
    )
    client = _client()
    asked = client.post(HOTSPOTS, _period()).json()
    deadline = time.monotonic() + 120
    run = client.get(asked["url"]).json()
    while run["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(1)
        run = client.get(asked["url"]).json()

    assert run["status"] == "succeeded", run
    assert run["progress"] == 100 and run["result"]["grid"]["steps"] >= WEEKS
