from __future__ import annotations

import csv
import datetime as dt
import io

import mapbox_vector_tile
import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import SensitiveRead
from accounts.roles import Role
from incidents.exports import csv_export
from incidents.models import CrimeCategory, District, Incident, Origin
from tests.factories import make_user
from tests.incidents.importing_helpers import BELLAVISTA, CALLAO, VENTANILLA

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))


def _incident(
    district: str,
    where: tuple[float, float],
    when: dt.datetime,
    code: str = "robo",
    narrative: str = "Relato",
    **extra: object,
) -> Incident:
    return Incident.objects.create(
        source="test",
        external_id=f"T{Incident.objects.count() + 1}",
        occurred_at=when,
        location=Point(where[1], where[0], srid=4326),
        district=District.objects.get(ubigeo=district),
        category=CrimeCategory.objects.get(code=code),
        origin=Origin.VICTIM_REPORT,
        narrative=narrative,
        fingerprint=f"00000000-0000-0000-0000-{Incident.objects.count() + 1:012d}",
        **extra,
    )


@pytest.fixture
def incidents(districts: list[District], categories: dict[str, int]) -> list[Incident]:
    return [
        _incident(
            "070101",
            CALLAO,
            dt.datetime(2024, 3, 4, 22, 30, tzinfo=LIMA),
            narrative="Le robaron el celular",
        ),
        _incident("070101", CALLAO, dt.datetime(2024, 3, 5, 9, 0, tzinfo=LIMA), code="hurto"),
        _incident(
            "070102",
            BELLAVISTA,
            dt.datetime(2024, 3, 5, 23, 0, tzinfo=LIMA),
            narrative="=SUM(A1:A9)",
        ),
        _incident(
            "070106", VENTANILLA, dt.datetime(2024, 4, 1, 3, 0, tzinfo=LIMA), code="lesiones"
        ),
    ]


def _client(role: str, district: str = "070101") -> Client:
    client = Client()
    user = make_user(role=role)
    if user.district_id is not None:
        user.district = District.objects.get(ubigeo=district)
        user.save()
    client.force_login(user)
    return client


def test_an_officer_sees_only_their_district_and_no_narratives(incidents: list[Incident]) -> None:
    body = _client(Role.OFFICER).get(reverse("incidents-api:incident-list")).json()

    assert body["type"] == "FeatureCollection"
    assert body["count"] == 2
    assert {f["properties"]["district"] for f in body["features"]} == {"070101"}
    assert all("narrative" not in f["properties"] for f in body["features"])

    refused = _client(Role.OFFICER).get(
        reverse("incidents-api:incident-list") + "?include=narrative"
    )
    assert refused.status_code == 403
    other = _client(Role.OFFICER).get(
        reverse("incidents-api:incident-detail", args=[incidents[2].pk])
    )
    assert other.status_code == 404


def test_a_planner_reads_narratives_and_every_read_is_audited(incidents: list[Incident]) -> None:
    client = _client(Role.PLANNER)

    body = client.get(
        reverse("incidents-api:incident-list") + "?include=narrative&category=robo"
    ).json()

    assert [f["properties"]["narrative"] for f in body["features"]] == [
        "=SUM(A1:A9)",
        "Le robaron el celular",
    ]
    audited = SensitiveRead.objects.filter(subject="incident.narrative")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        [incidents[0].pk, incidents[2].pk]
    )
    assert "include=narrative" in audited.first().via  # type: ignore[union-attr]

    client.get(reverse("incidents-api:incident-detail", args=[incidents[3].pk]))
    assert SensitiveRead.objects.filter(object_id=incidents[3].pk).count() == 1


def test_officials_get_aggregates_but_no_points(incidents: list[Incident]) -> None:
    client = _client(Role.OFFICIAL)

    assert client.get(reverse("incidents-api:incident-list")).status_code == 403
    stats = client.get(reverse("incidents-api:incident-stats")).json()
    assert stats["total"] == 4


def test_stats_count_by_local_hour_weekday_category_and_district(incidents: list[Incident]) -> None:
    stats = (
        _client(Role.PLANNER)
        .get(reverse("incidents-api:incident-stats") + "?start=2024-03-01&end=2024-03-31")
        .json()
    )

    assert stats["total"] == 3
    assert list(stats["by_day"]) == [
        {"date": "2024-03-04", "count": 1},
        {"date": "2024-03-05", "count": 2},
    ]
    hours = {row["hour"]: row["count"] for row in stats["by_hour"] if row["count"]}
    assert hours == {22: 1, 9: 1, 23: 1}
    assert {row["weekday"]: row["count"] for row in stats["by_weekday"] if row["count"]} == {
        1: 1,
        2: 2,
    }
    assert stats["by_category"][0] == {
        "code": "robo",
        "name_es": "Robo",
        "name_en": "Robbery",
        "count": 2,
    }
    assert {row["ubigeo"]: row["count"] for row in stats["by_district"]} == {
        "070101": 2,
        "070102": 1,
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=yesterday", "start"),
        ("?start=2024-03-05&end=2024-03-01", "end debe ser posterior a start"),
        ("?bbox=1,2,3", "bbox"),
    ],
)
def test_bad_filters_get_a_400_that_names_the_parameter(
    incidents: list[Incident], query: str, message: str
) -> None:
    response = _client(Role.PLANNER).get(reverse("incidents-api:incident-list") + query)

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_filters_combine_and_pages_are_bounded(incidents: list[Incident]) -> None:
    client = _client(Role.PLANNER)
    url = reverse("incidents-api:incident-list")

    assert client.get(url + "?district=070101,070106").json()["count"] == 3
    assert (
        client.get(
            url
            + f"?bbox={CALLAO[1] - 0.01},{CALLAO[0] - 0.01},{CALLAO[1] + 0.01},{CALLAO[0] + 0.01}"
        ).json()["count"]
        == 2
    )
    page = client.get(url + "?page_size=2").json()
    assert len(page["features"]) == 2 and page["count"] == 4 and page["next"]


def test_the_list_runs_a_fixed_number_of_queries(incidents: list[Incident]) -> None:
    client = _client(Role.PLANNER)
    url = reverse("incidents-api:incident-list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(20):
        _incident("070101", CALLAO, timezone.now() - dt.timedelta(days=i + 1))
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_vector_tiles_aggregate_when_zoomed_out_and_show_points_when_zoomed_in(
    incidents: list[Incident],
) -> None:
    client = _client(Role.PLANNER)
    # Zoom 10 tile over Callao, and the zoom 16 tile under the two incidents in Callao Cercado.
    import math

    def tile(z: int, lat: float, lon: float) -> tuple[int, int]:
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return x, y

    x, y = tile(10, *CALLAO)
    response = client.get(reverse("incidents-api:incident-tile", args=[10, x, y]))
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    cells = mapbox_vector_tile.decode(response.content)["incidents"]["features"]
    assert sum(feature["properties"]["count"] for feature in cells) == 4

    x, y = tile(16, *CALLAO)
    points = mapbox_vector_tile.decode(
        client.get(
            reverse("incidents-api:incident-tile", args=[16, x, y]) + "?category=robo"
        ).content
    )["incidents"]["features"]
    assert [feature["properties"]["category"] for feature in points] == ["robo"]

    assert client.get(reverse("incidents-api:incident-tile", args=[3, 99, 0])).status_code == 400


def test_an_officer_tile_has_only_their_district(incidents: list[Incident]) -> None:
    response = _client(Role.OFFICER, district="070106").get(
        reverse("incidents-api:incident-tile", args=[0, 0, 0])
    )

    cells = mapbox_vector_tile.decode(response.content)["incidents"]["features"]
    assert sum(feature["properties"]["count"] for feature in cells) == 1


def test_the_csv_export_neutralises_formulas_and_audits_narratives(
    incidents: list[Incident],
) -> None:
    response = _client(Role.ADMIN).get(
        reverse("incidents-api:incident-export") + "?include=narrative"
    )

    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert rows[2]["narrative"] == "'=SUM(A1:A9)"
    assert rows[0]["occurred_at"] == "2024-03-04T22:30:00-05:00"
    assert SensitiveRead.objects.count() == 4


def _copies_running() -> int:
    """Exports running on the server, seen from a connection of its own (the test's is busy)."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname="postgres",
    ) as other:
        found = other.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (%' AND state = 'active'"
        ).fetchone()
    return int(found[0]) if found else 0


def test_an_export_left_midway_ends_its_copy_and_frees_the_connection(
    incidents: list[Incident], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("incidents.exports.CHUNK_BYTES", 1)  # one chunk a row
    query = Incident.objects.export_query(with_narrative=True)
    chunks = csv_export(query, with_narrative=True, tz="America/Lima")
    header, first = next(chunks), next(chunks)
    assert header.decode("utf-8-sig").startswith("id,occurred_at,lat,lon")
    assert first.decode().count("\n") == 1

    # What the WSGI server does when the client disconnects: close the body's iterator.
    chunks.close()

    assert _copies_running() == 0
    assert Incident.objects.count() == len(incidents)  # the connection is usable again
