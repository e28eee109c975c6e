"""Prometheus configuration, alert rules and their unit tests, checked by promtool itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deployment.servers import ROOT

PROMETHEUS = ROOT / "deployment" / "prometheus"
PROMTOOL = shutil.which("promtool") or "promtool"  # Debian's `prometheus` (Makefile APT_PACKAGES)


def promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_compose_scrape_configuration_is_valid() -> None:
    result = promtool("check", "config", "prometheus.yml")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_kubernetes_scrape_configuration_is_valid(tmp_path: Path) -> None:
    # --syntax-only: the bearer token file exists only inside the cluster. Debian builds its
    # promtool without Kubernetes discovery, so that block is read by the test below instead.
    config = yaml.safe_load((PROMETHEUS / "prometheus-kubernetes.yml").read_text())
    for job in config["scrape_configs"]:
        job["static_configs"] = [{"targets": ["discovered:0"]}]
        del job["kubernetes_sd_configs"]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    shutil.copy(PROMETHEUS / "alerts.yml", tmp_path / "alerts.yml")

    result = promtool("check", "config", "--syntax-only", "prometheus.yml", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_kubernetes_scrape_jobs_discover_the_pods_the_manifests_label() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus-kubernetes.yml").read_text())
    manifests = [
        doc
        for path in sorted((ROOT / "deployment" / "kubernetes").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc["kind"] == "Deployment"
    ]
    for job in config["scrape_configs"]:
        (discovery,) = job["kubernetes_sd_configs"]
        assert discovery["role"] == "pod"
        keep = {
            rule["source_labels"][0]: rule["regex"]
            for rule in job["relabel_configs"]
            if rule.get("action") == "keep"
        }
        component = keep["__meta_kubernetes_pod_label_app_kubernetes_io_component"]
        port_name = keep["__meta_kubernetes_pod_container_port_name"]
        scraped = [
            d
            for d in manifests
            if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
            == component
        ]
        assert scraped, f"{job['job_name']} matches no Deployment"
        for deployment in scraped:
            ports = [
                port.get("name")
                for container in deployment["spec"]["template"]["spec"]["containers"]
                for port in container.get("ports", [])
            ]
            assert port_name in ports, deployment["metadata"]["name"]
            assert discovery["namespaces"]["names"] == [deployment["metadata"]["namespace"]]


def test_the_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", "alerts.yml")

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_tested_with_one_and_with_three_replicas() -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"][0]["rules"]
    tests = yaml.safe_load((PROMETHEUS / "alerts.test.yml").read_text())["tests"]
    for rule in rules:
        for replicas in (1, 3):
            [case] = [t for t in tests if t["name"].startswith(f"{rule['alert']} with {replicas} ")]
            checks = [c for c in case["alert_rule_test"] if c["alertname"] == rule["alert"]]
            assert [bool(c["exp_alerts"]) for c in checks] == [False, True], case["name"]


@pytest.mark.timeout(300)
def test_the_alert_rules_pass_their_promtool_unit_tests() -> None:
    result = promtool("test", "rules", "alerts.test.yml")

    assert result.returncode == 0, result.stdout + result.stderr
