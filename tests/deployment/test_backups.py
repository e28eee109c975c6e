"""Backups: the restore drill on real data, retention, and refusal to overwrite a database."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from callao.backups import Target, backup_create, backup_restore
from callao.errors import Conflict
from incidents.models import Dataset, District, Incident
from predictions.models import ForecastEvaluation, ModelRun
from reports.models import Report, ReportKind
from reports.services import report_issue
from tests.predictions.helpers import make_evaluated_windows, simulated_history
from tests.reports.builders import WEEK, bellavista_week


def _connect(target: Target, dbname: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password or None,
        dbname=dbname or target.name,
        autocommit=True,
    )


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """An empty database beside the test database, dropped afterwards."""
    source = Target.of_settings(connection.settings_dict)
    name = f"{source.name}_restore_{uuid.uuid4().hex[:6]}"
    with _connect(source, "postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    credentials = source.user + (f":{source.password}" if source.password else "")
    try:
        yield f"postgis://{credentials}@{source.host}:{source.port}/{name}"
    finally:
        with _connect(source, "postgres") as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _fingerprint(target: Target) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table, and every sequence's value."""
    found: dict[str, tuple[int, str]] = {}
    with _connect(target) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        for table in tables:
            row = db.execute(
                sql.SQL(
                    "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
                    "FROM {} t"
                ).format(sql.Identifier(table))
            ).fetchone()
            assert row is not None
            found[table] = (int(row[0]), str(row[1]))
        for (sequence,) in db.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            value = db.execute(
                sql.SQL("SELECT last_value FROM {}").format(sql.Identifier(sequence))
            ).fetchone()
            found[f"sequence {sequence}"] = (int(value[0]) if value else 0, "")
    return found


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_brings_back_every_table_and_media_file_unchanged(
    districts: list[District],
    categories: dict[str, int],
    scratch_database: str,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    simulated_history(days=30, rate=10.0)  # a real import: a dataset, its file, incidents
    bellavista_week()  # incidents with narratives
    make_evaluated_windows([(10, 3.0, 5.0, 2.0)] * 3)  # a model run, forecasts, evaluations
    bellavista = District.objects.get(ubigeo="070102")
    report_issue(kind=ReportKind.PUBLIC_WEEKLY, district=bellavista, period=WEEK, publish=True)
    assert Incident.objects.count() > 100 and Dataset.objects.count() == 1
    assert ModelRun.objects.exists() and ForecastEvaluation.objects.exists()
    assert Report.objects.exists()
    source = Target.of_settings(connection.settings_dict)

    backup = backup_create(directory=tmp_path / "backups", keep=3)
    restored = backup_restore(
        dump=backup.database,
        database_url=scratch_database,
        media_archive=backup.media,
        media_root=tmp_path / "restored-media",
    )

    before, after = _fingerprint(source), _fingerprint(Target.of_url(scratch_database))
    assert set(after) == set(before)
    assert {t: v for t, v in after.items() if before[t] != v} == {}
    assert before["incidents_incident"][0] == Incident.objects.count()
    assert restored.tables == len([key for key in before if not key.startswith("sequence ")]) - 1
    assert _files(tmp_path / "restored-media") == _files(tmp_path / "media") != {}


@pytest.mark.django_db
def test_retention_keeps_the_newest_backups_only(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("a")
    start = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
    directory = tmp_path / "backups"

    for day in range(4):
        last = backup_create(directory=directory, keep=2, now=start + timedelta(days=day))

    names = sorted(path.name for path in directory.iterdir())
    assert names == [
        "callao-db-20261203T033000Z.dump",
        "callao-db-20261204T033000Z.dump",
        "callao-media-20261203T033000Z.tar.gz",
        "callao-media-20261204T033000Z.tar.gz",
    ]
    assert len(last.deleted) == 2
    assert last.database.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


@pytest.mark.django_db
def test_restore_refuses_a_database_that_already_has_tables(tmp_path: Path) -> None:
    backup = backup_create(directory=tmp_path, keep=1, media_root=tmp_path / "no-media")

    with pytest.raises(Conflict, match="is not empty"):
        backup_restore(dump=backup.database)  # the test database itself


@pytest.mark.django_db
def test_the_commands_create_a_backup_where_told(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("backup_create", "--dir", str(tmp_path), "--keep", "1")

    assert "callao-db-" in capsys.readouterr().out
    assert len(list(tmp_path.glob("callao-db-*.dump"))) == 1
