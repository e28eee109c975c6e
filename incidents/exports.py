"""CSV exports: PostgreSQL writes the CSV, the app streams it, spreadsheets cannot run it.

The rows are formatted by the query (``IncidentQuerySet.export_query``) and sent by ``COPY …
TO STDOUT``, so an export costs about what `psql \\copy` of the same rows costs and holds no
model object or cursor of its own. Chunks of about ``CHUNK_BYTES`` go to the client; when the
client goes away the WSGI server closes the generator, which cancels the COPY at once.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from django.db import connection, transaction

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 256 * 1024

EXPORT_HEADER = (
    "id",
    "occurred_at",
    "lat",
    "lon",
    "category",
    "district",
    "origin",
    "severity",
    "source",
    "external_id",
)


def spreadsheet_safe(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_export(
    query: tuple[str, tuple[Any, ...]], *, with_narrative: bool, tz: str
) -> Generator[bytes, None, None]:
    """The whole file: a header with a byte-order mark (spreadsheets then read UTF-8), then the
    rows of ``IncidentQuerySet.export_query``."""
    names = [*EXPORT_HEADER, *(["narrative"] if with_narrative else [])]
    yield ("\ufeff" + ",".join(names) + "\n").encode()
    yield from csv_copy_chunks(query, tz=tz)


def csv_copy_chunks(query: tuple[str, tuple[Any, ...]], *, tz: str) -> Generator[bytes, None, None]:
    """The rows of ``query`` (text cells) as CSV, in chunks, times in the zone ``tz``.

    Closing the generator early (the client left) makes psycopg cancel the COPY on the server.
    """
    sql, params = query
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [tz])
        raw: Any = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            pending: list[bytes] = []
            size = 0
            for block in copy:
                pending.append(bytes(block))
                size += len(block)
                if size >= CHUNK_BYTES:
                    yield b"".join(pending)
                    pending, size = [], 0
            if pending:
                yield b"".join(pending)
