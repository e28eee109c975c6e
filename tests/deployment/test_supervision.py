"""`make run`'s supervisor: a crashed worker or beat is restarted, and the web keeps serving.

The drill starts supervisord with the project's own supervisord.conf, kills the worker and then
beat with SIGKILL, and watches the web's /livez all the while.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deployment.servers import ROOT, free_port, http_get

SUPERVISORCTL = [sys.executable, "-m", "supervisor.supervisorctl", "-c", "supervisord.conf"]


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[tuple[dict[str, str], str, Path]]:
    env = {
        **os.environ,
        "WEB_PORT": str(free_port()),
        "WORKER_METRICS_PORT": "0",
        "RUN_DIR": str(tmp_path),
        # A broker of its own: the drill's worker must not take other tests' tasks.
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/13",
        "LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "terminal.log"
    with log.open("wb") as terminal:
        process = subprocess.Popen(
            [sys.executable, "-m", "supervisor.supervisord", "-c", "supervisord.conf"],
            cwd=ROOT,
            env=env,
            stdout=terminal,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield env, f"http://127.0.0.1:{env['WEB_PORT']}", log
        finally:
            process.send_signal(signal.SIGTERM)  # what Ctrl-C does
            process.wait(timeout=60)


def _pids(env: dict[str, str]) -> dict[str, int]:
    """Program → pid of those RUNNING."""
    status = subprocess.run(
        [*SUPERVISORCTL, "status"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    pids = {}
    for line in status.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[1] == "RUNNING":
            pids[parts[0]] = int(parts[3].rstrip(","))
    return pids


def _livez(web: str) -> int:
    try:
        return http_get(f"{web}/livez", timeout=5).status
    except OSError:  # refused: not listening (yet)
        return 0


def _until(condition, seconds: float, web: str, answers: list[int]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answers.append(_livez(web))
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError("not reached in time")


def test_a_killed_worker_or_beat_comes_back_while_the_web_keeps_answering(
    supervised: tuple[dict[str, str], str, Path],
) -> None:
    env, web, log = supervised
    started: list[int] = []
    _until(lambda: len(_pids(env)) == 3 and started[-1] == 200, 90, web, started)
    before = _pids(env)

    answers: list[int] = []
    for program in ("worker", "beat"):
        os.kill(before[program], signal.SIGKILL)
        _until(
            lambda program=program: _pids(env).get(program, before[program]) != before[program],
            60,
            web,
            answers,
        )

    assert set(answers) == {200}
    assert _pids(env)["web"] == before["web"]
    terminal = log.read_text()
    for program in ("worker", "beat"):
        assert f"exited: {program} (terminated by SIGKILL; not expected)" in terminal
        assert terminal.count(f"spawned: '{program}'") == 2
