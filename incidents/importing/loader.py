"""Loading validated rows into ``incidents_incident`` with COPY.

Districts, fingerprints and geometries are computed in Python (``prepare``); duplicates (same
source and external id, or the same time, place and category as an earlier row of the file or
a row already stored) are found here too, so the remaining rows go to the table with a plain
COPY: no staging table and no row-by-row ``INSERT … ON CONFLICT``. The first row of the file
wins; later copies count as duplicates.

The loader locks the incident table against other writers (readers go on) until the import
commits, so concurrent imports cannot race on the duplicate checks; they wait for each other.
"""

from __future__ import annotations

import io
import time
from contextlib import ExitStack
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import connection
from psycopg import Copy
from psycopg.copy import QueuedLibpqWriter

from incidents.importing.keyset import KeySet, digest_words, id_words
from incidents.importing.prepare import (
    DistrictLocator,
    fingerprints,
    hex_strings,
    points_hex_ewkb,
)

# A bulk load (at least this many rows, and more than the table already holds) drops every
# index but the primary key, and the unique and foreign keys, and rebuilds them at the end:
# building an index over the whole table once is several times cheaper than maintaining it row
# by row, and one validating ALTER TABLE is cheaper than a deferred trigger per row and key.
BULK_MIN_ROWS = 100_000

COPY_COLUMNS = (
    "source",
    "external_id",
    "occurred_at",
    "reported_at",
    "location",
    "district_id",
    "category_id",
    "origin",
    "narrative",
    "severity",
    "dataset_id",
    "fingerprint",
)  # created_at takes the column's default: the statement's time
COPY_SQL = f"COPY incidents_incident ({', '.join(COPY_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"

DROPPABLE_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
 WHERE i.schemaname = current_schema() AND i.tablename = 'incidents_incident'
   AND i.indexname NOT IN (SELECT conname FROM pg_constraint
                            WHERE conrelid = 'incidents_incident'::regclass)
"""
DROPPABLE_CONSTRAINTS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'incidents_incident'::regclass AND contype IN ('f', 'u')
 ORDER BY contype DESC
"""


class IncidentLoader:
    """Use as a context manager inside ``transaction.atomic()``: ``load`` each chunk, then
    ``finish`` once. A bulk load keeps one COPY open for the whole file, fed by a writer
    thread, so PostgreSQL stores one chunk while Python prepares the next.
    """

    def __init__(
        self,
        *,
        source: str,
        dataset_id: int | None,
        expected_rows: int | None,
        districts: DistrictLocator | None = None,
    ) -> None:
        self.source = source
        self.dataset_id = dataset_id
        self.staged = 0
        self.inserted = 0
        self.timings = {"prepare": 0.0, "copy": 0.0, "rebuild": 0.0}
        self._districts = districts or DistrictLocator.from_database()
        # Keys of the rows loaded so far (and, in a bulk load, of the rows already stored).
        self._seen_ids = KeySet()
        self._seen_fingerprints = KeySet()
        self._rebuild: list[str] = []
        self._open = ExitStack()
        self._bulk_copy: Copy | None = None
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("LOCK TABLE incidents_incident IN SHARE ROW EXCLUSIVE MODE")
            self.bulk = self._is_bulk(cursor, expected_rows)
            if self.bulk:
                self._remember_stored_keys(cursor)
                self._drop_secondary_structures(cursor)
        if self.bulk:
            raw = self._open.enter_context(connection.cursor()).cursor
            self._bulk_copy = self._open.enter_context(
                raw.copy(COPY_SQL, writer=QueuedLibpqWriter(raw))
            )

    def __enter__(self) -> IncidentLoader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # On an error this ends the COPY with a failure; the transaction then rolls back.
        self._open.__exit__(*exc_info)  # type: ignore[arg-type]

    # --- per chunk ---------------------------------------------------------------------------

    def load(self, valid: pd.DataFrame) -> None:
        """Prepare, deduplicate and COPY one chunk of validated rows."""
        if valid.empty:
            return
        tick = time.perf_counter()
        lon = valid["lon"].to_numpy(dtype=np.float64)
        lat = valid["lat"].to_numpy(dtype=np.float64)
        category = valid["category_id"].to_numpy(dtype=np.int64)
        prints = fingerprints(valid["occurred_at"], lon, lat, category)
        external_ids = pa.array(valid["external_id"], type=pa.string(), from_pandas=True)
        keep = self._first_occurrences(external_ids, prints)
        rows = np.flatnonzero(keep)
        table = self._table(valid, rows, lon, lat, category, prints)
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
        self.timings["prepare"] += time.perf_counter() - tick
        tick = time.perf_counter()
        data = buffer.getvalue()
        if self._bulk_copy is not None:
            self._bulk_copy.write(data)  # queued: returns at once unless the queue is full
        else:
            with connection.cursor() as cursor, cursor.cursor.copy(COPY_SQL) as copy:
                copy.write(data)
        self.timings["copy"] += time.perf_counter() - tick
        self.staged += len(valid)
        self.inserted += len(rows)

    def _table(
        self,
        valid: pd.DataFrame,
        rows: np.ndarray,
        lon: np.ndarray,
        lat: np.ndarray,
        category: np.ndarray,
        prints: list[bytes],
    ) -> pa.Table:
        count = len(rows)
        lon, lat = lon[rows], lat[rows]
        kept = valid.iloc[rows]

        def text(name: str) -> pa.Array:
            return pa.array(kept[name], type=pa.string(), from_pandas=True)

        return pa.table(
            {
                "source": pa.repeat(self.source, count),
                "external_id": text("external_id"),
                "occurred_at": _timestamp_text(kept["occurred_at"]),
                "reported_at": _timestamp_text(kept["reported_at"]),
                "location": points_hex_ewkb(lon, lat),
                "district_id": pa.array(self._districts.locate(lon, lat)),
                "category_id": pa.array(category[rows]),
                "origin": text("origin"),
                "narrative": text("narrative"),
                "severity": pa.array(kept["severity"], type=pa.int16(), from_pandas=True),
                "dataset_id": pa.repeat(pa.scalar(self.dataset_id, pa.int64()), count),
                "fingerprint": hex_strings(b"".join([prints[row] for row in rows]), width=16),
            }
        )

    def _first_occurrences(self, external_ids: pa.Array, prints: list[bytes]) -> np.ndarray:
        """Which rows are new: not stored already, and no earlier row shares a key."""
        named = pc.not_equal(external_ids, "").to_numpy(zero_copy_only=False)
        id_keys, print_keys = id_words(external_ids), digest_words(prints)
        taken_id = named & self._seen_ids.contains(id_keys)
        taken_print = self._seen_fingerprints.contains(print_keys)
        if not self.bulk:
            stored_ids, stored_prints = self._stored_keys(external_ids, prints)
            taken_id |= pc.is_in(external_ids, stored_ids).to_numpy(zero_copy_only=False)
            taken_print |= np.array([key in stored_prints for key in prints], dtype=bool)
        suspect = (
            taken_id
            | taken_print
            | (named & pd.DataFrame(id_keys).duplicated(keep=False).to_numpy())
            | pd.DataFrame(print_keys).duplicated(keep=False).to_numpy()
        )
        keep = ~suspect
        # Rows with no shared key are new; the rest are decided in file order, one at a time,
        # because a row skipped as a duplicate must not claim its other key.
        kept_ids: set[tuple[int, int]] = set()
        kept_prints: set[bytes] = set()
        for position in np.flatnonzero(suspect & ~taken_id & ~taken_print):
            id_key, key = tuple(id_keys[position].tolist()), prints[position]
            if key in kept_prints or (named[position] and id_key in kept_ids):
                continue
            keep[position] = True
            kept_prints.add(key)
            kept_ids.add(id_key)
        self._seen_fingerprints.add(print_keys[keep])
        self._seen_ids.add(id_keys[keep & named])
        return keep

    def _stored_keys(
        self, external_ids: pa.Array, prints: list[bytes]
    ) -> tuple[pa.Array, set[bytes]]:
        """The keys of this chunk that the table already holds (index lookups)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT external_id FROM incidents_incident "
                "WHERE source = %s AND external_id <> '' AND external_id = ANY(%s)",
                [self.source, external_ids.to_pylist()],
            )
            stored_ids = pa.array([row[0] for row in cursor.fetchall()], type=pa.string())
            cursor.execute(
                "SELECT uuid_send(fingerprint) FROM incidents_incident "
                "WHERE fingerprint = ANY(%s::uuid[])",
                [hex_strings(b"".join(prints), width=16).to_pylist()],
            )
            return stored_ids, {bytes(row[0]) for row in cursor.fetchall()}

    # --- whole load --------------------------------------------------------------------------

    def finish(self) -> int:
        """Rebuild what a bulk load dropped; returns how many rows were inserted."""
        tick = time.perf_counter()
        self._open.close()  # the bulk COPY ends when its queue has been written
        self.timings["copy"] += time.perf_counter() - tick
        tick = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in self._rebuild:
                cursor.execute(statement)
        self.timings["rebuild"] = time.perf_counter() - tick
        return self.inserted

    def _is_bulk(self, cursor: Any, expected_rows: int | None) -> bool:
        if expected_rows is None or expected_rows < BULK_MIN_ROWS:
            return False
        # Counting stops at the expected size: cheap even on a large table.
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM incidents_incident LIMIT %s) AS existing",
            [expected_rows],
        )
        return int(cursor.fetchone()[0]) < expected_rows

    def _remember_stored_keys(self, cursor: Any) -> None:
        # The table holds fewer rows than the file: all its keys fit in memory.
        cursor.execute(
            "SELECT external_id FROM incidents_incident WHERE source = %s AND external_id <> ''",
            [self.source],
        )
        self._seen_ids.add(id_words(pa.array([row[0] for row in cursor.fetchall()], pa.string())))
        cursor.execute("SELECT uuid_send(fingerprint) FROM incidents_incident")
        self._seen_fingerprints.add(digest_words([bytes(row[0]) for row in cursor.fetchall()]))

    def _drop_secondary_structures(self, cursor: Any) -> None:
        """Drop every index but the primary key, and the unique and foreign keys.

        Inside the import's transaction: a failure rolls the drops back with everything else.
        Rebuilding the unique constraints re-checks that no duplicate got through. The table
        is locked (readers wait) until the commit.
        """
        cursor.execute("LOCK TABLE incidents_incident IN ACCESS EXCLUSIVE MODE")
        # Foreign keys cannot be dropped or added while this transaction still owes deferred
        # checks (e.g. on the dataset row it saved): run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(DROPPABLE_INDEXES)
        indexes = cursor.fetchall()
        cursor.execute(DROPPABLE_CONSTRAINTS)
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE incidents_incident DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        self._rebuild = [definition for _name, definition in indexes] + [
            f'ALTER TABLE incidents_incident ADD CONSTRAINT "{name}" {definition}'
            for name, definition in reversed(constraints)
        ]


def _timestamp_text(values: pd.Series) -> pa.Array:
    """UTC timestamps as text with an explicit offset (the session time zone does not matter);
    whole seconds are written without a fraction, which PostgreSQL parses faster."""
    naive = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
    missing = np.isnat(naive)
    whole = ((naive.astype(np.int64) % 1_000_000_000 == 0) | missing).all()
    unit = "datetime64[s]" if whole else "datetime64[us]"
    text = pa.array(naive.astype(unit), from_pandas=True).cast(pa.string())
    return pc.binary_join_element_wise(text, "+00", "")
