"""A real Celery worker (prefork pool, multiprocess metrics) for the metrics tests."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.deployment.servers import ROOT, free_port, http_get, server_env
from tests.processes import celery_worker_wait, process_stop


@dataclass(frozen=True)
class Worker:
    name: str
    queue: str
    metrics_url: str
    multiproc_dir: Path


@contextmanager
def celery_worker(database_url: str, multiproc_dir: Path) -> Iterator[Worker]:
    """A prefork worker on a queue of its own, so no other test's worker takes its tasks."""

    name = f"metrics-{uuid.uuid4().hex[:8]}@localhost"
    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = server_env(
        DATABASE_URL=database_url,
        PROMETHEUS_MULTIPROC_DIR=str(multiproc_dir),
        CELERY_METRICS_PORT=str(port),
    )
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "callao", "worker", "--pool", "prefork"),
            *("--concurrency", "2", "-Q", queue, "-n", name, "--loglevel", "WARNING"),
            *("--without-mingle", "--without-gossip"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        celery_worker_wait(process, name)
        yield Worker(name, queue, f"http://127.0.0.1:{port}/metrics", multiproc_dir)
    finally:
        process_stop(process)


def scrape(url: str) -> str:
    answer = http_get(url)
    assert answer.status == 200, answer.body
    return answer.body.decode()
