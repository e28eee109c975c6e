"""The GitHub Actions workflow and the compose file, checked by their own linters and schemas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.deployment.servers import ROOT

BIN = Path(sys.executable).parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
COMPOSE = ROOT / "deployment" / "docker-compose.yml"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)


def test_the_workflow_passes_actionlint() -> None:
    result = _run(str(BIN / "actionlint"), str(WORKFLOW))

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_runs_make_test_with_postgis_and_redis_and_publishes_on_tags() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    test = workflow["jobs"]["test"]
    images = workflow["jobs"]["images"]

    assert set(test["services"]) == {"postgis", "redis"}
    assert any(step.get("run") == "bash .ci/run" for step in test["steps"])
    assert {entry["dockerfile"] for entry in images["strategy"]["matrix"]["include"]} == {
        "Dockerfile",
        "worker.Dockerfile",
    }
    assert workflow[True]["push"]["tags"] == ["v*.*.*"]  # YAML reads the key `on` as True
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()


def test_compose_validates_against_the_compose_specification() -> None:
    # check-jsonschema ships the compose-spec schema (vendor.compose-spec).
    result = _run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_schema_check_rejects_a_misspelt_key(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  web:\n    image: x\n    restrat: always\n")

    result = _run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(broken)
    )

    assert result.returncode != 0


def test_compose_runs_each_process_from_its_image_with_monitoring_beside_it() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]

    assert services["web"]["image"] == "callao-web:local"
    assert services["worker"]["build"]["dockerfile"] == "worker.Dockerfile"
    assert services["worker"]["environment"]["CELERY_METRICS_PORT"] == "9808"
    assert services["prometheus"]["volumes"][0] == "./prometheus:/etc/prometheus:ro"
    assert {"prometheus", "grafana", "postgis", "redis", "migrate", "beat"} <= set(services)
