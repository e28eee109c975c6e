"""A bulk import fills a new copy of the incident table and swaps it in when it commits.

PostgreSQL builds an index in one session, and a transaction's rows are invisible to every
other session; so the indexes of rows loaded inside the import's transaction can only be built
one after another (GiST on one core while the other idles). Here a side connection copies the
stored rows and COPYs the file's rows into a table under a private name and commits it; two
connections then build its indexes at once; finally the import's own transaction drops the live
table and renames the copy in its place. The swap is part of the import's transaction, so a
failure anywhere leaves the live table exactly as it was (the private copy is dropped).

Readers keep reading the live table until the swap; writers wait for the whole import, which
holds SHARE ROW EXCLUSIVE on it from the start (that is also why the copy is complete: no row
can reach the live table once the stored rows have been copied).
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection
from psycopg import Copy, sql
from psycopg.copy import QueuedLibpqWriter

LIVE_TABLE = "incidents_incident"
LOAD_TABLE_PREFIX = "incidents_incident_load_"

logger = logging.getLogger(__name__)

# What a swap would lose or break: views and rules, triggers, row security policies, foreign
# keys that point at the live table, exclusion constraints, generated columns, publications, or
# an owner other than this role (which could not drop it). If any exists, the import loads into
# the live table instead.
SWAP_BLOCKERS = """
SELECT 'view or rule' FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
 WHERE d.refobjid = %(live)s::regclass AND r.ev_class <> %(live)s::regclass
UNION ALL SELECT 'trigger' FROM pg_trigger WHERE tgrelid = %(live)s::regclass AND NOT tgisinternal
UNION ALL SELECT 'policy' FROM pg_policy WHERE polrelid = %(live)s::regclass
UNION ALL SELECT 'foreign key' FROM pg_constraint
 WHERE confrelid = %(live)s::regclass AND conrelid <> %(live)s::regclass
UNION ALL SELECT 'exclusion constraint' FROM pg_constraint
 WHERE conrelid = %(live)s::regclass AND contype = 'x'
UNION ALL SELECT 'generated column' FROM pg_attribute
 WHERE attrelid = %(live)s::regclass AND attgenerated <> ''
UNION ALL SELECT 'publication' FROM pg_publication_rel WHERE prrelid = %(live)s::regclass
UNION ALL SELECT 'another owner' FROM pg_class
 WHERE oid = %(live)s::regclass AND NOT pg_has_role(relowner, 'USAGE')
"""
INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid), coalesce(k.contype, ''), am.amname
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
  LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
 WHERE i.indrelid = %(live)s::regclass
"""
FOREIGN_KEYS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = %(live)s::regclass AND contype = 'f'
"""
GRANTS = """
SELECT a.privilege_type, coalesce(quote_ident(r.rolname), 'PUBLIC'), a.is_grantable
  FROM pg_class c CROSS JOIN aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
 WHERE c.oid = %(live)s::regclass AND a.grantee <> c.relowner
"""
CONSTRAINT_KINDS = {"p": "PRIMARY KEY", "u": "UNIQUE"}
# Per index-building connection; two build at once.
MAINTENANCE_WORK_MEM = "256MB"


@dataclass(frozen=True)
class _Index:
    name: str  # on the live table, and on the copy once swapped in
    temporary: str  # on the copy until the swap
    create: str
    constraint: str  # "PRIMARY KEY" or "UNIQUE" (attached to the index at the swap) or ""
    weight: float  # rough build cost, so the longest builds start first


def swap_blockers(cursor: Any) -> list[str]:
    cursor.execute(SWAP_BLOCKERS, {"live": LIVE_TABLE})
    return sorted({row[0] for row in cursor.fetchall()})


def drop_load_tables(cursor: Any) -> None:
    """Drop the copies that failed imports left behind (a killed worker cannot clean up)."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
        [LOAD_TABLE_PREFIX.replace("_", r"\_") + "%"],
    )
    for (name,) in cursor.fetchall():
        logger.warning("dropping %s, left behind by a failed import", name)
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))


class LoadTable:
    """The private copy of the incident table that one bulk import fills.

    Create it inside the import's transaction (``cursor``: a cursor of that transaction, which
    already locks the live table against writers); ``copy`` the new rows into it; then
    ``build_indexes`` and ``swap`` in. ``close`` releases the side connections; ``discard``,
    after the import's transaction has ended, drops the copy if it was not swapped in.
    """

    def __init__(self, cursor: Any) -> None:
        self.name = LOAD_TABLE_PREFIX + uuid.uuid4().hex[:12]
        cursor.execute(INDEXES, {"live": LIVE_TABLE})
        self._indexes = [
            _index(self.name, number, *row) for number, row in enumerate(cursor.fetchall())
        ]
        cursor.execute(FOREIGN_KEYS, {"live": LIVE_TABLE})
        self._foreign_keys: list[tuple[str, str]] = cursor.fetchall()
        cursor.execute(GRANTS, {"live": LIVE_TABLE})
        self._grants: list[tuple[str, str, bool]] = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [LIVE_TABLE])
        self._live_sequence: str = cursor.fetchone()[0]
        self._connections: list[psycopg.Connection[Any]] = []
        try:
            self._create()
        except BaseException:
            self.close()
            raise

    def _create(self) -> None:
        self._loader = self._connect()
        with self._loader.cursor() as side:
            self._loader.autocommit = True
            drop_load_tables(side)
            self._loader.autocommit = False
            # No autovacuum until the swap: it would take locks the index builds wait for.
            side.execute(
                sql.SQL(
                    "CREATE TABLE {copy} (LIKE {live} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                    "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMPRESSION "
                    "INCLUDING COMMENTS) "
                    "WITH (autovacuum_enabled = false)"
                ).format(copy=sql.Identifier(self.name), live=sql.Identifier(LIVE_TABLE))
            )
            # New rows take ids after the stored ones, from the copy's own identity sequence.
            side.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), last_value, is_called) FROM {}"
                ).format(sql.Identifier(*self._live_sequence.split("."))),
                [self.name],
            )
            side.execute(
                sql.SQL("INSERT INTO {} OVERRIDING SYSTEM VALUE SELECT * FROM {}").format(
                    sql.Identifier(self.name), sql.Identifier(LIVE_TABLE)
                )
            )

    def copy(self, columns: tuple[str, ...]) -> AbstractContextManager[Copy]:
        """A COPY into the copy, fed by a writer thread: the caller prepares the next chunk
        while PostgreSQL stores this one. Use it as a context manager.

        FREEZE (allowed: the table is new in this transaction) writes the rows frozen and their
        pages all-visible, so the foreign keys are validated by index-only scans (0.55 → 0.23 s
        per million rows) and vacuum has nothing to freeze later."""
        statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, FREEZE)").format(
            sql.Identifier(self.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        raw = self._loader.cursor()
        return raw.copy(statement, writer=QueuedLibpqWriter(raw))

    def build_indexes(self) -> None:
        """Commit the loaded copy, then build its indexes on two connections at once."""
        self._loader.commit()
        self._loader.autocommit = True
        builders = [self._loader, self._connect(autocommit=True)]
        pending: queue.Queue[_Index] = queue.Queue()
        for index in sorted(self._indexes, key=lambda index: -index.weight):
            pending.put(index)
        failures: list[BaseException] = []

        def build(side: psycopg.Connection[Any]) -> None:
            while not failures:
                try:
                    index = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    side.execute(index.create)
                except Exception as exc:  # noqa: BLE001 - re-raised in the calling thread
                    failures.append(exc)

        threads = [threading.Thread(target=build, args=(side,)) for side in builders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            with connection.wrap_database_errors:  # e.g. UniqueViolation → IntegrityError
                raise failures[0]

    def swap(self, cursor: Any) -> None:
        """In the import's transaction: replace the live table by the copy, names and all."""
        copy, live = sql.Identifier(self.name), sql.Identifier(LIVE_TABLE)
        cursor.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(copy))
        for name, definition in self._foreign_keys:  # validated here, before readers wait
            cursor.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(copy, sql.Identifier(name))
                + sql.SQL(definition)
            )
        cursor.execute(sql.SQL("ALTER TABLE {} RESET (autovacuum_enabled)").format(copy))
        cursor.execute(sql.SQL("SELECT pg_get_serial_sequence(%s, 'id')"), [self.name])
        copy_sequence = cursor.fetchone()[0]
        # From here until the commit, readers of the incident table wait (milliseconds).
        cursor.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(live))
        cursor.execute(sql.SQL("DROP TABLE {}").format(live))
        cursor.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(copy, live))
        cursor.execute(
            sql.SQL("ALTER SEQUENCE {} RENAME TO {}").format(
                sql.Identifier(*copy_sequence.split(".")),
                sql.Identifier(self._live_sequence.split(".")[-1]),
            )
        )
        for index in self._indexes:
            if index.constraint:
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {}").format(
                        live,
                        sql.Identifier(index.name),
                        sql.SQL(index.constraint),
                        sql.Identifier(index.temporary),
                    )
                )
            else:
                cursor.execute(
                    sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                        sql.Identifier(index.temporary), sql.Identifier(index.name)
                    )
                )
        for privilege, grantee, grantable in self._grants:
            cursor.execute(
                sql.SQL("GRANT {} ON {} TO {}{}").format(
                    sql.SQL(privilege),
                    live,
                    sql.SQL(grantee),  # quoted by the query, or PUBLIC
                    sql.SQL(" WITH GRANT OPTION" if grantable else ""),
                )
            )

    def close(self) -> None:
        """Close the side connections (an uncommitted copy goes with them)."""
        for side in self._connections:
            side.close()
        self._connections.clear()

    def discard(self) -> None:
        """After the import's transaction has ended: drop the copy, unless that transaction
        committed the swap (then the name is gone and this does nothing)."""
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(self.name)))
        except Exception:  # the next bulk import drops it
            logger.exception("could not drop %s", self.name)

    def _connect(self, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        params = connection.get_connection_params()
        side = psycopg.connect(**params, autocommit=autocommit)
        self._connections.append(side)
        side.execute(
            sql.SQL("SET maintenance_work_mem = {}").format(sql.Literal(MAINTENANCE_WORK_MEM))
        )
        # Two connections already keep two cores busy; parallel workers would only contend.
        side.execute("SET max_parallel_maintenance_workers = 0")
        if not autocommit:
            side.commit()
        return side


def _index(table: str, number: int, name: str, definition: str, kind: str, method: str) -> _Index:
    temporary = f"{table}_{number}"
    # 'CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING ...'
    create = re.sub(
        r"^(CREATE (?:UNIQUE )?INDEX )\S+ ON (?:ONLY )?\S+ ",
        lambda match: f'{match.group(1)}"{temporary}" ON "{table}" ',
        definition,
        count=1,
    )
    if create == definition:
        raise ValueError(f"unexpected index definition: {definition}")
    columns = definition[definition.index("(") :].count(",") + 1
    weight = 4.0 if method == "gist" else 1.0 + columns
    return _Index(name, temporary, create, CONSTRAINT_KINDS.get(kind, ""), weight)
