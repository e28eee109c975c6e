"""/livez, /readyz, /healthz and /metrics as a kubelet and Prometheus reach them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import _test_database_url
from tests.deployment.servers import POD_HOST, granian, http_get, server_env, silent_listener

# The settings a production pod runs with, where the Host check and HTTPS redirect bite.
PRODUCTION_LIKE = {
    "ALLOWED_HOSTS": ["crimen.callao.gob.pe"],
    "SECURE_SSL_REDIRECT": True,
    "METRICS_TOKEN": "s3cret",
}


@pytest.fixture
def production_like(settings):  # type: ignore[no-untyped-def]
    for name, value in PRODUCTION_LIKE.items():
        setattr(settings, name, value)
    return settings


def test_livez_answers_a_pod_ip_host_without_touching_the_database(production_like) -> None:  # type: ignore[no-untyped-def]
    # No django_db mark: any query would fail the test.
    response = Client().get("/livez", HTTP_HOST=POD_HOST)

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_readyz_answers_a_pod_ip_host_when_database_and_redis_answer(production_like) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/readyz", HTTP_HOST=POD_HOST)

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_readyz_answers_503_when_redis_refuses_connections(production_like) -> None:  # type: ignore[no-untyped-def]
    production_like.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = Client().get("/readyz", HTTP_HOST=POD_HOST)

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["redis"].startswith("error")


@pytest.mark.django_db
def test_metrics_answer_a_pod_ip_host_with_the_token_and_refuse_without(production_like) -> None:  # type: ignore[no-untyped-def]
    client = Client()

    refused = client.get("/metrics", HTTP_HOST=POD_HOST)
    allowed = client.get("/metrics", HTTP_HOST=POD_HOST, HTTP_AUTHORIZATION="Bearer s3cret")

    assert refused.status_code == 401
    assert allowed.status_code == 200
    assert b"callao_forecast_issued" in allowed.content
    assert b"callao_dataset_imports_total" in allowed.content


def test_other_paths_still_refuse_a_host_outside_allowed_hosts(production_like) -> None:  # type: ignore[no-untyped-def]
    # The probes' exemption is for those four paths only.
    response = Client().get("/", HTTP_HOST=POD_HOST, secure=True)

    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("dependency", ["database", "redis"])
def test_readyz_answers_503_within_2_s_when_a_dependency_hangs(dependency: str) -> None:
    with silent_listener() as port:
        env = server_env(DATABASE_URL=_test_database_url())
        if dependency == "database":
            env["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:{port}/callao"
        else:
            env["CACHE_URL"] = f"redis://127.0.0.1:{port}/0"
        with granian(env) as url:
            answer = http_get(f"{url}/readyz", headers={"Host": POD_HOST})
            alive = http_get(f"{url}/livez", headers={"Host": POD_HOST})

    assert answer.status == 503, answer.body
    assert answer.seconds < 2.0
    assert f'"{dependency}": "error' in answer.body.decode()
    assert alive.status == 200


@pytest.mark.django_db
def test_readyz_stays_ready_while_celery_is_unreachable() -> None:
    # A broker no worker can be reached through: /healthz says so, /readyz does not care, so
    # a worker outage never empties the web Service.
    env = server_env(DATABASE_URL=_test_database_url(), CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    with granian(env) as url:
        ready = http_get(f"{url}/readyz", headers={"Host": POD_HOST})
        health = http_get(f"{url}/healthz", headers={"Host": POD_HOST})

    assert ready.status == 200, ready.body
    assert b"celery" not in ready.body
    assert health.status == 503
    assert b'"celery_worker": "error' in health.body


def _samples(text: str, name: str) -> float:
    pattern = re.compile(rf"^{re.escape(name)}(?:{{[^}}]*}})? (\S+)$", re.MULTILINE)
    return sum(float(value) for value in pattern.findall(text))


@pytest.mark.django_db
def test_every_scrape_of_several_granian_workers_sums_all_of_them(tmp_path: Path) -> None:
    env = server_env(
        DATABASE_URL=_test_database_url(), PROMETHEUS_MULTIPROC_DIR=str(tmp_path), METRICS_TOKEN=""
    )
    with granian(env, workers=2) as url:
        for _ in range(30):
            assert http_get(f"{url}/", headers={"Host": "crimen.callao.gob.pe"}).status == 200
        scrapes = [
            http_get(f"{url}/metrics", headers={"Host": POD_HOST}).body.decode() for _ in range(6)
        ]

    # Each worker process wrote its own file; every scrape, whichever worker answers, sums them.
    pids = {path.stem.rsplit("_", 1)[-1] for path in tmp_path.glob("counter_*.db")}
    assert len(pids) >= 2
    totals = {_samples(text, "django_http_requests_total_by_method_total") for text in scrapes}
    assert totals == {30.0}
    assert all("callao_forecast_issued" in text for text in scrapes)
