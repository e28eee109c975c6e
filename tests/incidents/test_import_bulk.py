"""Bulk loads: a copy of the incident table is filled, indexed on two connections and swapped in.

Transactional tests: the copy is built by side connections, which only see committed rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from incidents.importing import loader
from incidents.importing.load_table import LOAD_TABLE_PREFIX
from incidents.models import Dataset, DatasetStatus, District, Incident
from incidents.services import dataset_create, dataset_import
from tests.incidents.importing_helpers import (
    CANONICAL_HEADER,
    assert_failed_cleanly,
    canonical_rows,
    import_file,
    write,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _territory_and_small_bulk(
    districts: list[District], categories: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Callao's districts, the shipped categories, and a bulk load from two rows up."""
    monkeypatch.setattr(loader, "BULK_MIN_ROWS", 2)


def _structures() -> set[tuple[str, str]]:
    """Every index, constraint, default and grant of the incident table, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents_incident' "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'incidents_incident'::regclass "
            "UNION ALL SELECT column_name, concat_ws(' ', column_default, is_identity, "
            "identity_generation, collation_name, is_nullable) FROM information_schema.columns "
            "WHERE table_name = 'incidents_incident' "
            "UNION ALL SELECT 'sequence', pg_get_serial_sequence('incidents_incident', 'id') "
            "UNION ALL SELECT 'acl', coalesce(relacl::text, '') FROM pg_class "
            "WHERE oid = 'incidents_incident'::regclass"
        )
        return set(cursor.fetchall())


def _load_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE 'incidents_incident_%'"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def public_read_grant() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("GRANT SELECT ON incidents_incident TO PUBLIC")
    yield
    with connection.cursor() as cursor:
        cursor.execute("REVOKE SELECT ON incidents_incident FROM PUBLIC")


def test_a_bulk_load_swaps_in_a_copy_with_every_index_key_grant_and_the_id_sequence(
    tmp_path: Path, public_read_grant: None
) -> None:
    first = import_file(
        write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(2)]))
    )
    stored = dict(Incident.objects.values_list("external_id", "id"))
    before = _structures()
    rows = canonical_rows(8)

    # Two rows stored, a file of seven new ones (and a repeat): a bulk load that copies the two.
    dataset = import_file(
        write(tmp_path / "bulk.csv", "\n".join([CANONICAL_HEADER, *rows, rows[3]]) + "\n")
    )

    assert first.rows_imported == 2
    assert "swap" in dataset.timings, dataset.timings
    assert (dataset.rows_imported, dataset.rows_duplicate) == (6, 3)
    assert _structures() == before
    assert _load_tables() == []
    assert (
        dict(Incident.objects.filter(external_id__in=stored).values_list("external_id", "id"))
        == stored
    )
    ids = sorted(Incident.objects.values_list("id", flat=True))
    assert len(ids) == len(set(ids)) == 8 and min(ids) == min(stored.values())
    assert Incident.objects.filter(district__isnull=False).count() == 8
    # The sequence goes on after the copied rows, and the table takes ordinary inserts again.
    model = Incident.objects.get(external_id="EXT-1")
    extra = Incident.objects.create(
        source="manual",
        occurred_at=model.occurred_at,
        location=model.location,
        category_id=model.category_id,
        origin="citizen_call",
        fingerprint="00000000-0000-0000-0000-000000000001",
    )
    assert extra.id > max(ids)
    # The unique keys are in force on the swapped-in table.
    again = import_file(
        write(tmp_path / "more.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(9)[7:], rows[0]]))
    )
    assert (again.rows_imported, again.rows_duplicate) == (1, 2)
    assert "swap" not in again.timings  # nine stored rows: two more are not a bulk load


def test_readers_go_on_reading_the_stored_rows_while_a_bulk_load_runs(tmp_path: Path) -> None:
    import_file(write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(7)[6:]])))
    seen: list[int] = []

    def read_from_another_connection(done: int, total: int | None) -> None:
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as reader:
            reader.execute("SET lock_timeout = '2s'")
            (count,) = reader.execute("SELECT count(*) FROM incidents_incident").fetchone() or (0,)
            seen.append(count)

    path = write(tmp_path / "bulk.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(6)]))
    with path.open("rb") as stream:
        dataset = dataset_create(file=stream, name=path.name, source="test")
    dataset = dataset_import(dataset=dataset, progress=read_from_another_connection)

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert "swap" in dataset.timings
    assert seen and set(seen) == {1}  # no wait, and not a row of the import before its commit
    assert Incident.objects.count() == 7


def test_a_bulk_load_that_fails_on_its_keys_leaves_the_table_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(1)])))
    before = _structures()
    # A duplicate that got past the Python checks is caught when the unique keys are built.
    monkeypatch.setattr(
        loader.IncidentLoader,
        "_first_occurrences",
        lambda self, external_ids, prints: np.ones(len(prints), dtype=bool),
    )
    rows = canonical_rows(4, start_id=50)

    with pytest.raises(IntegrityError):  # an internal error is logged, recorded and re-raised
        import_file(write(tmp_path / "doomed.csv", "\n".join([CANONICAL_HEADER, *rows, rows[0]])))

    assert Dataset.objects.latest("id").status == DatasetStatus.FAILED
    assert _structures() == before
    assert _load_tables() == []
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["EXT-1"]


def test_a_bulk_load_stopped_while_its_copy_is_open_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    before = _structures()
    # Rows are sent to the open COPY before the rejection count fails the dataset.
    rows = canonical_rows(3) + [f"2024-01-01T10:00:00,0,0,robo,Z{i},,," for i in range(8)]

    dataset = import_file(write(tmp_path / "late.csv", "\n".join([CANONICAL_HEADER, *rows])))

    assert_failed_cleanly(dataset, "Se rechazaron 8 de 11 filas")
    assert _structures() == before
    assert _load_tables() == []
    assert Incident.objects.count() == 0
    # The connection is usable again: the next import works.
    again = import_file(
        write(tmp_path / "next.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(3)]))
    )
    assert again.rows_imported == 3


def test_a_copy_left_by_a_killed_import_is_dropped_by_the_next_bulk_load(tmp_path: Path) -> None:
    leftover = f"{LOAD_TABLE_PREFIX}deadbeef0000"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {leftover} (LIKE incidents_incident)")

    dataset = import_file(
        write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(3)]))
    )

    assert dataset.rows_imported == 3 and "swap" in dataset.timings
    assert _load_tables() == []


def test_a_table_with_a_dependent_view_is_loaded_in_place(tmp_path: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIEW incident_ids AS SELECT id FROM incidents_incident")
    try:
        dataset = import_file(
            write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(3)]))
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM incident_ids")
            assert cursor.fetchone()[0] == 3
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP VIEW incident_ids")

    assert dataset.rows_imported == 3
    assert "swap" not in dataset.timings


def test_an_import_inside_a_larger_transaction_loads_in_place_and_sees_its_rows(
    tmp_path: Path,
) -> None:
    """The copy could not see rows the enclosing transaction wrote: no swap there."""
    with transaction.atomic():
        import_file(write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(2)])))
        dataset = import_file(
            write(tmp_path / "b.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(6)]))
        )

    assert (dataset.rows_imported, dataset.rows_duplicate) == (4, 2)
    assert "swap" not in dataset.timings
    assert Incident.objects.count() == 6


def test_a_bulk_load_that_arrow_gives_up_on_midway_is_read_again_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from incidents.importing import arrow_csv

    monkeypatch.setattr(arrow_csv, "BLOCK_BYTES", 2048)  # several chunks go to the copy first
    rows = canonical_rows(65)
    rows.insert(60, "2024-03-01T10:00:00,-12.0599,-77.1112,robo,W-1,,,,,extra")

    dataset = import_file(write(tmp_path / "wide.csv", "\n".join([CANONICAL_HEADER, *rows])))

    assert (dataset.rows_read, dataset.rows_imported, dataset.rows_rejected) == (66, 65, 1)
    assert "swap" in dataset.timings
    assert Incident.objects.count() == 65
    assert _load_tables() == []


def test_a_bulk_load_whose_swap_fails_leaves_the_table_and_drops_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(7)[6:]])))
    before = _structures()
    # A category id that does not exist gets past validation here and fails the foreign key
    # check, which runs in the import's transaction after the copy was committed and indexed.
    from incidents import services

    monkeypatch.setattr(services, "category_lookup", lambda: {"robo": 999_999})

    with pytest.raises(IntegrityError):
        import_file(write(tmp_path / "b.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(6)])))

    assert Dataset.objects.latest("id").status == DatasetStatus.FAILED
    assert _structures() == before
    assert _load_tables() == []
    assert list(Incident.objects.values_list("external_id", flat=True)) == ["EXT-7"]
