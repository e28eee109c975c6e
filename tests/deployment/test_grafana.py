"""Grafana: provisioned dashboards whose every query parses and names only exported metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.deployment.servers import ROOT
from tests.deployment.workers import Worker, scrape

GRAFANA = ROOT / "deployment" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
# Series Prometheus makes itself for every target.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
# Grafana's interval variables, as Grafana would substitute them.
GRAFANA_VARIABLES = {"$__rate_interval": "2m", "$__interval": "1m", "$__range": "1d"}


def _queries() -> list[tuple[str, str]]:
    found = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                found.append((f"{path.stem}: {panel['title']}", target["expr"]))
    return found


QUERIES = _queries()


def _parse(expr: str) -> Any:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return promql_parser.parse(expr)


def _metric_names(expr: str) -> set[str]:
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(_parse(expr), pre_visit=visit)
    return names


def _exported(text: str) -> set[str]:
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}
        names.update(family.name + suffix for suffix in suffixes.get(family.type, []))
    return names


def test_there_is_a_dashboard_for_web_celery_models_and_imports() -> None:
    assert [path.stem for path in DASHBOARDS] == ["celery", "imports", "models", "web"]
    uids = [json.loads(path.read_text())["uid"] for path in DASHBOARDS]
    assert len(set(uids)) == len(uids)


def test_grafana_provisions_the_dashboards_and_the_datasource_they_use() -> None:
    (provider,) = yaml.safe_load((GRAFANA / "provisioning/dashboards/callao.yml").read_text())[
        "providers"
    ]
    (source,) = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())[
        "datasources"
    ]
    compose = yaml.safe_load((ROOT / "deployment/docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]

    assert provider["type"] == "file"
    assert f"./grafana/dashboards:{provider['options']['path']}:ro" in mounts
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    assert source["url"] == "http://prometheus:9090" and "prometheus" in compose["services"]
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            assert panel["datasource"]["uid"] == source["uid"], panel["title"]


@pytest.mark.parametrize(("panel", "expr"), QUERIES, ids=[panel for panel, _ in QUERIES])
def test_every_panel_query_parses(panel: str, expr: str) -> None:
    assert _metric_names(expr), f"{panel}: no metric in {expr}"


@pytest.mark.django_db
def test_every_metric_a_panel_names_is_exported_by_the_web_or_the_worker(
    metrics_worker: Worker,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.METRICS_TOKEN = ""
    client = Client()
    client.get("/")
    client.get("/no-such-page/")
    web = client.get("/metrics").content.decode()
    worker = scrape(metrics_worker.metrics_url)
    exported = _exported(web) | _exported(worker) | PROMETHEUS_OWN

    missing = {(panel, name) for panel, expr in QUERIES for name in _metric_names(expr) - exported}
    assert missing == set()


def test_a_query_with_a_typo_does_not_parse() -> None:
    with pytest.raises(ValueError):  # noqa: PT011 — the parser raises a bare ValueError
        _parse("sum by (view) (rate(django_http_requests_total[5m])")
    assert isinstance(GRAFANA, Path)
