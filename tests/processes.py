"""Real processes the tests start (Celery workers, granian): waiting for them and stopping them."""

from __future__ import annotations

import subprocess
import time


def celery_worker_wait(process: subprocess.Popen[bytes], name: str, *, seconds: float = 90) -> None:
    """Return once the worker ``name`` answers a ping; raise if it exits or stays silent."""
    from callao.celery import app

    deadline = time.monotonic() + seconds
    while not app.control.ping(destination=[name], timeout=1.0):
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Celery worker did not answer within {seconds:.0f} s")


def process_stop(process: subprocess.Popen[bytes], *, seconds: float = 30) -> None:
    """SIGTERM, then SIGKILL if it has not exited after ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
