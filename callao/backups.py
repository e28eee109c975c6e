"""Backups: a compressed pg_dump of the database plus an archive of the media files.

``backup_create`` writes ``callao-db-<UTC time>.dump`` (pg_dump's custom format, compressed)
and ``callao-media-<UTC time>.tar.gz`` into BACKUP_DIR, then keeps only the newest BACKUP_KEEP
of each. ``backup_restore`` loads a dump into an empty database (PostGIS may already be
installed there) and, when given, unpacks a media archive into MEDIA_ROOT. Both shell out to
PostgreSQL's own tools, which must be of the server's major version or newer.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connections

from callao.errors import Conflict, InvalidInput

DB_PREFIX = "callao-db-"
MEDIA_PREFIX = "callao-media-"
STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Target:
    """Where a database is, in the terms of libpq's command-line tools."""

    name: str
    user: str
    password: str
    host: str
    port: str

    def args(self) -> list[str]:
        return ["-h", self.host, "-p", self.port, "-U", self.user, "-d", self.name]

    def env(self) -> dict[str, str]:
        # Only what libpq needs: the password never appears on a command line (ps shows those).
        return (
            {"PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"}
            if self.password
            else {"PGCONNECT_TIMEOUT": "10"}
        )

    @classmethod
    def of_settings(cls, entry: dict[str, Any]) -> Target:
        return cls(
            name=str(entry["NAME"]),
            user=str(entry.get("USER") or "postgres"),
            password=str(entry.get("PASSWORD") or ""),
            host=str(entry.get("HOST") or "127.0.0.1"),
            port=str(entry.get("PORT") or 5432),
        )

    @classmethod
    def of_url(cls, url: str) -> Target:
        return cls.of_settings(dict(dj_database_url.parse(url)))


@dataclass(frozen=True)
class BackupResult:
    database: Path
    media: Path | None
    seconds: float
    deleted: tuple[Path, ...]


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    seconds: float


def _run(command: list[str], *, env: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise RuntimeError(f"{command[0]} not found: install PostgreSQL's client tools")
    result = subprocess.run(
        [program, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _atomic(path: Path) -> Path:
    # Written under a name no listing matches, renamed when complete: a dump cut short by a
    # full disk or a killed pod is never taken for a backup, nor counted by the retention.
    return path.with_name(f".partial-{path.name}")


def _media_archive(source: Path, destination: Path) -> Path | None:
    if not source.is_dir():
        return None
    partial = _atomic(destination)
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(source, arcname=".")
    partial.rename(destination)
    return destination


def _retain(directory: Path, prefix: str, keep: int) -> list[Path]:
    # Names carry a sortable UTC time, so name order is age order.
    found = sorted(p for p in directory.iterdir() if p.name.startswith(prefix))
    stale = found[:-keep] if keep else found
    for path in stale:
        path.unlink()
    return stale


def backup_create(
    *,
    directory: Path | None = None,
    keep: int | None = None,
    database: str = "default",
    media_root: Path | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Dump the database and archive the media files; delete what retention lets go."""
    started = time.monotonic()
    directory = Path(directory or settings.BACKUP_DIR)
    keep = settings.BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise InvalidInput("keep must be at least 1", field="keep")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime(STAMP)
    target = Target.of_settings(connections[database].settings_dict)

    dump = directory / f"{DB_PREFIX}{stamp}.dump"
    partial = _atomic(dump)
    _run(
        ["pg_dump", "--format=custom", "--compress=6", "--file", str(partial), *target.args()],
        env=target.env(),
    )
    partial.rename(dump)
    media = _media_archive(
        Path(media_root or settings.MEDIA_ROOT), directory / f"{MEDIA_PREFIX}{stamp}.tar.gz"
    )
    deleted = _retain(directory, DB_PREFIX, keep) + _retain(directory, MEDIA_PREFIX, keep)
    return BackupResult(dump, media, time.monotonic() - started, tuple(deleted))


def _user_tables(target: Target) -> int:
    with psycopg.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password or None,
        dbname=target.name,
    ) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema', 'tiger', 'topology') "
            "AND tablename <> 'spatial_ref_sys'"
        ).fetchone()
    return int(row[0]) if row else 0


def backup_restore(
    *,
    dump: Path,
    database_url: str | None = None,
    media_archive: Path | None = None,
    media_root: Path | None = None,
) -> RestoreResult:
    """Restore a dump into an empty database (default: the configured one), all or nothing."""
    started = time.monotonic()
    if not dump.is_file():
        raise InvalidInput(f"no such dump: {dump}", field="dump")
    target = (
        Target.of_url(database_url)
        if database_url
        else Target.of_settings(connections["default"].settings_dict)
    )
    if _user_tables(target):
        raise Conflict(
            f"database {target.name} is not empty: restore into a new, empty database "
            "(createdb, then CREATE EXTENSION postgis is optional)"
        )
    _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            *target.args(),
            str(dump),
        ],
        env=target.env(),
    )
    if media_archive is not None:
        root = Path(media_root or settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media_archive, "r:gz") as archive:
            archive.extractall(root, filter="data")  # refuses absolute paths and ../ escapes
    return RestoreResult(_user_tables(target), time.monotonic() - started)
