"""Helpers shared by the import benchmarks: a scratch PostGIS database and its last dataset.

Running this file does nothing; `make bench` runs every bench/*.py, this one included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def psql(database: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-U", "postgres", "-h", "127.0.0.1", "-d", database, "-qc", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def scratch_database(name: str) -> dict[str, str]:
    """Drop and recreate ``name`` with PostGIS and the project's tables; the env to use it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{name}",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(["dropdb", "-U", "postgres", "-h", "127.0.0.1", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-U", "postgres", "-h", "127.0.0.1", name], check=True)
    psql(name, "CREATE EXTENSION postgis")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return env


def latest_dataset(env: dict[str, str]) -> dict[str, Any]:
    """Status, counts, rejections by reason and stage timings of the last imported dataset."""
    script = (
        "import json; from incidents.models import Dataset; d = Dataset.objects.latest('pk'); "
        "print(json.dumps({'status': d.status, 'read': d.rows_read, 'imported': d.rows_imported, "
        "'duplicate': d.rows_duplicate, 'rejected': d.rows_rejected, "
        "'rejections': {k: v['count'] for k, v in d.rejection_summary.items()}, "
        "'timings': d.timings}))"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    summary: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return summary
