"""Loading validated rows into ``incidents_incident`` with COPY.

Districts, fingerprints and geometries are computed in Python (``prepare``); duplicates (same
source and external id, or the same time, place and category as an earlier row of the file or
a row already stored) are found here too, so the remaining rows go to the table with a plain
COPY: no staging table and no row-by-row ``INSERT … ON CONFLICT``. The first row of the file
wins; later copies count as duplicates.

The loader locks the incident table against other writers (readers go on) until the import
commits, so concurrent imports cannot race on the duplicate checks; they wait for each other.
A bulk load fills a new copy of the table and swaps it in at the commit (``load_table``).
"""

from __future__ import annotations

import io
import logging
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

from incidents.importing.keyset import KeySet, digest_words, id_words
from incidents.importing.load_table import LoadTable, swap_blockers
from incidents.importing.prepare import (
    DistrictLocator,
    fingerprints,
    hex_strings,
    points_hex_ewkb,
)

# A bulk load (at least this many rows, and more than the table already holds) goes to a copy
# of the table without indexes or foreign keys, which are built once at the end, two at a time:
# several times cheaper than maintaining them row by row, and the copy of the stored rows costs
# less than the file's rows.
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

logger = logging.getLogger(__name__)


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
        outermost: bool = True,
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
        self._open = ExitStack()  # the side connections of a bulk load
        self._copying = ExitStack()  # its open COPY
        self._bulk_copy: Copy | None = None
        self.load_table: LoadTable | None = None
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("LOCK TABLE incidents_incident IN SHARE ROW EXCLUSIVE MODE")
            # The copy only sees committed rows: an import inside a larger transaction that may
            # have written incidents itself loads into the live table.
            if outermost and self._is_bulk(cursor, expected_rows):
                self._remember_stored_keys(cursor)
                self.load_table = LoadTable(cursor)
                self._open.callback(self.load_table.close)
        if self.load_table is not None:
            try:
                self._bulk_copy = self._copying.enter_context(self.load_table.copy(COPY_COLUMNS))
            except BaseException:
                self._open.close()
                raise

    @property
    def bulk(self) -> bool:
        return self.load_table is not None

    def __enter__(self) -> IncidentLoader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # On an error this ends the COPY with a failure; the transaction then rolls back, and
        # the pipeline drops the copy of a bulk load (``LoadTable.discard``).
        try:
            self._copying.__exit__(*exc_info)  # type: ignore[arg-type]
        finally:
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
        """Index a bulk load's copy and swap it in; returns how many rows were inserted."""
        if self.load_table is None:
            return self.inserted
        tick = time.perf_counter()
        self._copying.close()  # the bulk COPY ends when its queue has been written
        self.timings["copy"] += time.perf_counter() - tick
        tick = time.perf_counter()
        self.load_table.build_indexes()
        self.timings["rebuild"] = time.perf_counter() - tick
        tick = time.perf_counter()
        with connection.cursor() as cursor:
            # Foreign keys cannot be added while this transaction still owes deferred checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.load_table.swap(cursor)
        self.timings["swap"] = time.perf_counter() - tick
        self._open.close()
        return self.inserted

    def discard(self) -> None:
        """After the import's transaction: drop a bulk load's copy if it was not swapped in."""
        if self.load_table is not None:
            self.load_table.discard()

    def _is_bulk(self, cursor: Any, expected_rows: int | None) -> bool:
        if expected_rows is None or expected_rows < BULK_MIN_ROWS:
            return False
        blockers = swap_blockers(cursor)
        if blockers:
            logger.warning("loading into the live table: it has a %s", ", ".join(blockers))
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


def _timestamp_text(values: pd.Series) -> pa.Array:
    """UTC timestamps as text with an explicit offset (the session time zone does not matter);
    whole seconds are written without a fraction, which PostgreSQL parses faster."""
    naive = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
    missing = np.isnat(naive)
    whole = ((naive.astype(np.int64) % 1_000_000_000 == 0) | missing).all()
    unit = "datetime64[s]" if whole else "datetime64[us]"
    text = pa.array(naive.astype(unit), from_pandas=True).cast(pa.string())
    return pc.binary_join_element_wise(text, "+00", "")
