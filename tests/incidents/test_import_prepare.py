"""The Python side of the loader must agree with PostGIS: fingerprints, points and districts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from incidents.importing.prepare import DistrictLocator, fingerprints, fixed6, points_hex_ewkb
from incidents.models import District, Incident
from tests.incidents.importing_helpers import BELLAVISTA, CANONICAL_HEADER, import_file, write

pytestmark = pytest.mark.django_db

# The fingerprint the loader computed in SQL before it moved to Python; stored rows carry it.
SQL_FINGERPRINT = """
SELECT replace(md5(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '|'
       || round(lon::numeric, 6)::text || '|' || round(lat::numeric, 6)::text || '|'
       || category_id::text)::uuid::text, '-', '')
  FROM unnest(%s::timestamptz[], %s::float8[], %s::float8[], %s::bigint[])
       AS v(t, lon, lat, category_id)
"""

HARD_COORDINATES = [
    -77.1234565,  # a tie at the 7th decimal: half away from zero
    -77.12345649999999,  # PostgreSQL sees 15 digits (-77.1234565) and rounds up
    -77.12345650000001,
    -12.0599,
    -0.0000004,  # rounds to zero, printed without a sign
    0.0000005,
    1e-7,
    179.9999995,
    -179.9999995,
    -12.34567849999,
    -77.000000,
]


def test_fingerprints_match_the_sql_expression_on_hard_values() -> None:
    count = len(HARD_COORDINATES)
    lon = np.array(HARD_COORDINATES)
    lat = np.array(list(reversed(HARD_COORDINATES)))
    category = np.arange(1, count + 1, dtype=np.int64)
    times = pd.Series(
        pd.to_datetime(
            [
                "2024-03-01T05:15:00.999999Z",  # fractions are dropped, not rounded
                "1969-12-31T23:59:59.5Z",  # before the epoch: still the second it falls in
                "1900-01-01T00:00:00Z",
                "2024-02-29T23:59:59Z",
            ]
            * 3,
            utc=True,
            format="ISO8601",
        )[:count]
    )

    with connection.cursor() as cursor:
        cursor.execute(
            SQL_FINGERPRINT,
            [list(times.dt.to_pydatetime()), lon.tolist(), lat.tolist(), category.tolist()],
        )
        expected = [row[0] for row in cursor.fetchall()]

    assert [digest.hex() for digest in fingerprints(times, lon, lat, category)] == expected


def test_six_decimal_text_matches_postgresql_rounding() -> None:
    values = np.array(HARD_COORDINATES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT round(v::numeric, 6)::text FROM unnest(%s::float8[]) AS v", [values.tolist()]
        )
        expected = [row[0] for row in cursor.fetchall()]

    assert fixed6(values).to_pylist() == expected


def test_hex_points_are_the_points_postgis_builds() -> None:
    lon = np.array([-77.1112, -77.123456789012, 0.0, -180.0])
    lat = np.array([-12.0599, -11.98765432101, 0.0, 90.0])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(h::geometry = ST_SetSRID(ST_MakePoint(x, y), 4326)) "
            "AND bool_and(ST_SRID(h::geometry) = 4326) AND bool_and(ST_X(h::geometry) = x) "
            "FROM unnest(%s::text[], %s::float8[], %s::float8[]) AS v(h, x, y)",
            [points_hex_ewkb(lon, lat).to_pylist(), lon.tolist(), lat.tolist()],
        )
        assert cursor.fetchone()[0] is True


def test_districts_are_the_ones_postgis_finds(districts: list[District]) -> None:
    rng = np.random.default_rng(3)
    lon = rng.uniform(-77.20, -77.05, 3000)
    lat = rng.uniform(-12.10, -11.78, 3000)
    # Vertices of the district pieces include points on two districts' shared border, where
    # the lower id wins, and points where ST_Subdivide cut the border.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM (SELECT (ST_DumpPoints(geometry)).geom AS g "
            "FROM incidents_districtpart) AS p LIMIT 300"
        )
        vertices = np.array(cursor.fetchall())
    lon, lat = np.concatenate([lon, vertices[:, 0]]), np.concatenate([lat, vertices[:, 1]])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT min(part.district_id) FROM incidents_districtpart part "
            "         WHERE ST_Intersects(part.geometry, ST_SetSRID(ST_MakePoint(x, y), 4326))) "
            "FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS v(x, y, n) ORDER BY n",
            [lon.tolist(), lat.tolist()],
        )
        expected = [row[0] for row in cursor.fetchall()]

    located = DistrictLocator.from_database().locate(lon, lat)
    assert [None if pd.isna(value) else int(value) for value in located] == expected
    assert sum(value is not None for value in expected) > 500  # the sample hits districts


def test_a_row_skipped_as_a_duplicate_does_not_claim_its_other_key(
    tmp_path: Path, districts: list[District], categories: dict[str, int]
) -> None:
    lat, lon = BELLAVISTA
    rows = [
        f"2024-03-01T10:00:00,{lat},{lon},robo,A,,uno,",
        # Same time, place and category as A: a duplicate, although its id is new.
        f"2024-03-01T10:00:00,{lat},{lon},robo,B,,dos,",
        # Id B was never stored (its row was skipped), so this row is new.
        f"2024-03-02T10:00:00,{lat},{lon},robo,B,,tres,",
        f"2024-03-03T10:00:00,{lat},{lon},robo,A,,cuatro,",  # id A is taken
    ]

    dataset = import_file(write(tmp_path / "chain.csv", "\n".join([CANONICAL_HEADER, *rows])))

    assert (dataset.rows_imported, dataset.rows_duplicate) == (2, 2)
    assert dict(Incident.objects.values_list("external_id", "narrative")) == {
        "A": "uno",
        "B": "tres",
    }
