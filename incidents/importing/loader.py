"""Set-based loading: COPY validated rows into a temporary table, then one INSERT … SELECT.

Districts are assigned in SQL by point-in-polygon; duplicates (same source and external id, or
the same time, place and category) are skipped by the unique indexes (ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

STAGING_COLUMNS = (
    "row_number",
    "external_id",
    "occurred_at",
    "reported_at",
    "lon",
    "lat",
    "category_id",
    "origin",
    "narrative",
    "severity",
)

CREATE_STAGING = """
CREATE TEMPORARY TABLE incident_staging (
    row_number bigint NOT NULL,
    external_id text,
    occurred_at timestamptz NOT NULL,
    reported_at timestamptz,
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    -- Built by the server from the validated coordinates: cheaper than sending it as EWKB text.
    geom geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    category_id bigint NOT NULL,
    origin text NOT NULL,
    narrative text,
    severity smallint
) ON COMMIT DROP
"""

# Districts are found with the district pieces as the outer loop and an index on the staged
# points as the inner one: PostGIS then reuses each piece's prepared geometry for many points.
INSERT_FROM_STAGING = """
WITH located AS MATERIALIZED (
    SELECT s.row_number, min(part.district_id) AS district_id
      FROM incidents_districtpart part
      JOIN incident_staging s ON ST_Intersects(part.geometry, s.geom)
     GROUP BY s.row_number
)
INSERT INTO incidents_incident (
    source, external_id, occurred_at, reported_at, location, district_id, category_id,
    origin, narrative, severity, dataset_id, fingerprint, created_at
)
SELECT %(source)s,
       COALESCE(s.external_id, ''),
       s.occurred_at,
       s.reported_at,
       s.geom,
       located.district_id,
       s.category_id,
       s.origin,
       COALESCE(s.narrative, ''),
       s.severity,
       %(dataset_id)s,
       md5(to_char(s.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '|'
           || round(s.lon::numeric, 6)::text || '|' || round(s.lat::numeric, 6)::text || '|'
           || s.category_id::text)::uuid,
       now()
  FROM incident_staging s
  LEFT JOIN located USING (row_number)
 -- Time order keeps the time indexes' inserts local; ties keep the file's order.
 ORDER BY s.occurred_at, s.row_number
ON CONFLICT DO NOTHING
"""


# A bulk load (at least this many rows, and more than the table already holds) drops the
# secondary indexes and foreign keys and rebuilds them afterwards: building an index over the
# whole table once is several times cheaper than maintaining it row by row, and one validating
# ALTER TABLE is cheaper than a deferred trigger per row and key at commit.
BULK_MIN_ROWS = 100_000

SECONDARY_INDEXES = """
SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = current_schema() AND tablename = 'incidents_incident'
   AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%'
"""
FOREIGN_KEYS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = 'incidents_incident'::regclass AND contype = 'f'
"""


@contextmanager
def _secondary_structures_rebuilt(cursor: Any) -> Iterator[None]:
    """Drop the non-unique indexes and the foreign keys, yield, then rebuild them (validating).

    Inside the import's transaction: a failure rolls the drops back with everything else. The
    unique indexes stay, so duplicates are still skipped by ON CONFLICT. The table is locked
    (readers wait) until the commit.
    """
    cursor.execute("LOCK TABLE incidents_incident IN ACCESS EXCLUSIVE MODE")
    # Foreign keys cannot be dropped or added while this transaction still owes deferred checks
    # (e.g. on the dataset row it saved): run those checks now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(SECONDARY_INDEXES)
    indexes = cursor.fetchall()
    cursor.execute(FOREIGN_KEYS)
    keys = cursor.fetchall()
    for name, _definition in keys:
        cursor.execute(f'ALTER TABLE incidents_incident DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    for name, definition in keys:
        cursor.execute(f'ALTER TABLE incidents_incident ADD CONSTRAINT "{name}" {definition}')


class StagingLoader:
    """Use inside ``transaction.atomic()``: the staging table lives until the commit."""

    def __init__(self) -> None:
        self.staged = 0
        with connection.cursor() as cursor:
            # The default 8 MB of temp buffers sends a million staged rows to disk page by page;
            # it only takes effect before the session's first temporary table.
            cursor.execute("SET temp_buffers = '512MB'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # A savepoint (an import inside a larger transaction) may still hold the last one.
            cursor.execute("DROP TABLE IF EXISTS pg_temp.incident_staging")
            cursor.execute(CREATE_STAGING)

    def stage(self, valid: pd.DataFrame) -> None:
        if valid.empty:
            return
        buffer = io.BytesIO()
        table = pa.Table.from_pandas(valid.loc[:, list(STAGING_COLUMNS)], preserve_index=False)
        pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
        columns = ", ".join(STAGING_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(
                f"COPY incident_staging ({columns}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
        self.staged += len(valid)

    def insert(self, *, source: str, dataset_id: int | None) -> int:
        """Move staged rows into incidents; returns how many were new."""
        with connection.cursor() as cursor:
            # JIT compilation costs more than it saves on this one-off statement.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("CREATE INDEX ON incident_staging USING gist (geom)")
            cursor.execute("ANALYZE incident_staging")
            with ExitStack() as stack:
                if self._is_bulk(cursor):
                    stack.enter_context(_secondary_structures_rebuilt(cursor))
                cursor.execute(INSERT_FROM_STAGING, {"source": source, "dataset_id": dataset_id})
                inserted = int(cursor.rowcount)
            cursor.execute("DROP TABLE incident_staging")
            return inserted

    def _is_bulk(self, cursor: Any) -> bool:
        if self.staged < BULK_MIN_ROWS:
            return False
        # Counting stops at the staged size: cheap even on a large table.
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM incidents_incident LIMIT %s) AS existing",
            [self.staged],
        )
        return int(cursor.fetchone()[0]) < self.staged
