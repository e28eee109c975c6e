"""The Kubernetes manifests: strict schema validation, and what a schema cannot say."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from kubernetes_validate import utils as kubernetes_validate

from callao.celery import app as celery_app
from tests.deployment.servers import ROOT

KUBERNETES = ROOT / "deployment" / "kubernetes"
# The oldest and the newest release the manifests are meant for.
KUBERNETES_VERSIONS = ["1.30.0", kubernetes_validate.latest_version()]
# Custom resources with no schema in kubernetes-validate; their fields are tested below.
CUSTOM = {"keda.sh/v1alpha1", "kustomize.config.k8s.io/v1beta1"}


def _documents() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, doc)
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


DOCUMENTS = _documents()
BUILTIN = [(name, doc) for name, doc in DOCUMENTS if doc["apiVersion"] not in CUSTOM]


def _of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in DOCUMENTS if doc["kind"] == kind]


def _pod_specs() -> list[tuple[str, dict[str, Any]]]:
    specs = []
    for _, doc in DOCUMENTS:
        if doc["kind"] in ("Deployment", "Job"):
            specs.append((doc["metadata"]["name"], doc["spec"]["template"]["spec"]))
        elif doc["kind"] == "CronJob":
            template = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            specs.append((doc["metadata"]["name"], template))
    return specs


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize(
    "document",
    BUILTIN,
    ids=[f"{name}:{doc['kind']}/{doc['metadata']['name']}" for name, doc in BUILTIN],
)
def test_every_manifest_validates_strictly(
    document: tuple[str, dict[str, Any]], version: str
) -> None:
    _, doc = document
    kubernetes_validate.validate(doc, version, strict=True)


def test_every_container_has_requests_limits_and_runs_as_non_root() -> None:
    for name, spec in _pod_specs():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), name
            assert {"cpu", "memory"} <= set(resources["limits"]), name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert not container["image"].endswith(":latest"), name
            # args, never command: the image's entrypoint prepares the metrics folder.
            assert "command" not in container, name


def test_secrets_come_by_reference_only() -> None:
    for name, spec in _pod_specs():
        for container in spec["containers"]:
            assert {"secretRef": {"name": "callao-env"}} in container["envFrom"], name
            for variable in container.get("env", []):
                secretish = any(
                    word in variable["name"]
                    for word in ("SECRET", "PASSWORD", "TOKEN", "DATABASE_URL", "REDIS_URL", "KEY")
                )
                assert not (secretish and "value" in variable), (name, variable["name"])
    assert not _of_kind("Secret"), "a Secret with values does not belong in the repository"


def test_web_probes_use_livez_and_readyz_within_two_seconds() -> None:
    (web,) = [d for d in _of_kind("Deployment") if d["metadata"]["name"] == "callao-web"]
    (container,) = web["spec"]["template"]["spec"]["containers"]

    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["readinessProbe"]["timeoutSeconds"] == 2
    assert {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/tmp/prometheus"} in container["env"]


def test_beat_runs_as_exactly_one_replica() -> None:
    (beat,) = [d for d in _of_kind("Deployment") if d["metadata"]["name"] == "callao-beat"]

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert not [
        s
        for s in _of_kind("ScaledObject") + _of_kind("HorizontalPodAutoscaler")
        if s["spec"]["scaleTargetRef"]["name"] == "callao-beat"
    ]


def test_web_and_every_worker_have_a_disruption_budget() -> None:
    budgets = [b["spec"]["selector"]["matchLabels"] for b in _of_kind("PodDisruptionBudget")]
    for deployment in _of_kind("Deployment"):
        if deployment["metadata"]["name"] == "callao-beat":
            continue
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert any(selector.items() <= labels.items() for selector in budgets), deployment[
            "metadata"
        ]["name"]


def _worker_queues() -> dict[str, str]:
    queues = {}
    for deployment in _of_kind("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        if labels.get("app.kubernetes.io/component") == "worker":
            (container,) = deployment["spec"]["template"]["spec"]["containers"]
            queues[deployment["metadata"]["name"]] = container["args"][
                container["args"].index("-Q") + 1
            ]
    return queues


def test_each_queue_has_its_own_workers_and_every_routed_queue_is_consumed() -> None:
    queues = _worker_queues()
    routed = {route["queue"] for route in celery_app.conf.task_routes.values()}

    assert sorted(queues.values()) == sorted(set(queues.values())), "one Deployment per queue"
    assert routed | {celery_app.conf.task_default_queue} == set(queues.values())


@pytest.mark.parametrize(
    "scaled_object", _of_kind("ScaledObject"), ids=lambda doc: doc["metadata"]["name"]
)
def test_every_scaled_object_validates_against_kedas_crd_schema(
    scaled_object: dict[str, Any],
) -> None:
    # cloudcoil-models-keda: models generated from KEDA's published CRDs. They ignore unknown
    # fields, so a field lost in the round trip is one the CRD does not have (a typo).
    model = ScaledObject.model_validate(scaled_object)

    assert model.model_dump(by_alias=True, exclude_none=True, mode="json") == scaled_object


def test_the_keda_schema_check_catches_a_misspelt_field() -> None:
    scaled_object = _of_kind("ScaledObject")[0]
    broken = {**scaled_object, "spec": {**scaled_object["spec"], "maxReplicas": 3}}

    dumped = ScaledObject.model_validate(broken).model_dump(by_alias=True, exclude_none=True)
    assert dumped != broken


def test_keda_scales_every_worker_on_its_own_queue_length() -> None:
    queues = _worker_queues()
    scaled = {}
    for scaled_object in _of_kind("ScaledObject"):
        spec = scaled_object["spec"]
        target = spec["scaleTargetRef"]["name"]
        assert scaled_object["metadata"]["namespace"] == "callao"
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "redis"
        metadata = trigger["metadata"]
        assert set(metadata) <= {
            "address",
            "addressFromEnv",
            "host",
            "port",
            "hostFromEnv",
            "portFromEnv",
            "passwordFromEnv",
            "databaseIndex",
            "listName",
            "listLength",
            "activationListLength",
            "enableTLS",
            "unsafeSsl",
            "usernameFromEnv",
        }, metadata
        assert metadata["addressFromEnv"] == "REDIS_HOST_PORT"
        assert int(metadata["listLength"]) >= 1
        scaled[target] = metadata["listName"]

    assert scaled == queues


def test_postgis_and_redis_admit_only_the_application() -> None:
    policies = {p["metadata"]["name"]: p["spec"] for p in _of_kind("NetworkPolicy")}

    assert policies["default-deny-ingress"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    for name, port in (("postgis-from-callao-only", 5432), ("redis-from-callao-only", 6379)):
        (rule,) = policies[name]["ingress"]
        assert rule["from"] == [
            {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "callao"}}}
        ]
        assert rule["ports"] == [{"protocol": "TCP", "port": port}]


def test_the_kustomization_applies_every_manifest_but_the_migration_job() -> None:
    (kustomization,) = _of_kind("Kustomization")
    files = {path.name for path in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}

    assert set(kustomization["resources"]) == files - {"migrate-job.yaml"}
    images = {image["name"] for image in kustomization["images"]}
    used = {c["image"].split(":")[0] for _, spec in _pod_specs() for c in spec["containers"]}
    assert used == images


def test_the_backup_cronjob_keeps_dumps_on_their_own_volume() -> None:
    (cronjob,) = _of_kind("CronJob")
    spec = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = spec["containers"]

    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert container["args"] == ["python", "manage.py", "backup_create"]
    assert {"name": "BACKUP_DIR", "value": "/backups"} in container["env"]
    claims = {
        v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in spec["volumes"]
    }
    assert claims["backups"] == "callao-backups"


def test_strict_validation_rejects_a_misspelt_field() -> None:
    # The validator is strict indeed: a typo that kubectl would silently drop fails here.
    _, web = next((n, d) for n, d in BUILTIN if d["kind"] == "Deployment")
    broken = {**web, "spec": {**web["spec"], "replica": 3}}

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)
