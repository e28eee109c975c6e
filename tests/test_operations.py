"""Health, metrics, the real Celery worker, security headers, logs and settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from callao.env import ImproperlyConfiguredEnv, env_bool, env_choice, env_int, env_list
from incidents.models import District
from incidents.tasks import boundaries_import_task
from tests.conftest import BOUNDARIES, ROOT


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_through_redis(celery_worker_process: str) -> None:
    District.objects.all().delete()

    result = boundaries_import_task.delay(str(BOUNDARIES))

    assert sorted(result.get(timeout=60)) == sorted(
        [
            "Callao",
            "Bellavista",
            "Carmen de la Legua Reynoso",
            "La Perla",
            "La Punta",
            "Ventanilla",
            "Mi Perú",
        ]
    )
    assert District.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_when_database_redis_and_a_worker_answer(celery_worker_process: str) -> None:
    response = Client().get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"].startswith("ok (PostGIS")
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["celery_worker"].startswith("ok")


@pytest.mark.django_db
def test_healthz_says_which_dependency_is_down(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")
    assert response.json()["checks"]["database"].startswith("ok")


@pytest.mark.django_db
def test_metrics_are_exposed_and_can_require_a_token(settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(reverse("home"))

    settings.METRICS_TOKEN = ""
    open_metrics = client.get(reverse("metrics"))
    assert open_metrics.status_code == 200
    assert b"django_http_requests_total_by_method_total" in open_metrics.content

    settings.METRICS_TOKEN = "s3cret"
    assert client.get(reverse("metrics")).status_code == 401
    authorised = client.get(reverse("metrics"), headers={"authorization": "Bearer s3cret"})
    assert authorised.status_code == 200


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy() -> None:
    response = Client().get(reverse("incidents:district-map"))

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_are_in_spanish_first_and_english_on_request() -> None:
    spanish = Client().get(reverse("home")).content.decode()
    assert "Predicción y prevención del delito en Callao" in spanish

    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get(reverse("home")).content.decode()
    assert "Crime prediction and prevention for Callao" in english


@pytest.mark.django_db
def test_the_district_api_serves_geojson(districts: list[District]) -> None:
    body = Client().get(reverse("incidents-api:district-list")).json()

    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 7
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_api() -> None:
    response = Client().get(reverse("api-schema"), headers={"accept": "application/json"})

    schema = json.loads(response.content)
    assert "/api/districts/" in schema["paths"] and "/api/me/" in schema["paths"]


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "crimen.callao.gob.pe",
    "DJANGO_SETTINGS_MODULE": "callao.settings",
}


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    result = _run_python(
        "import django; django.setup()",
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="callao.settings",
        SECRET_KEY="",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfiguredEnv, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG", False)
    monkeypatch.setenv("PORT", "80a")
    with pytest.raises(ImproperlyConfiguredEnv, match="not an integer"):
        env_int("PORT", 1)
    monkeypatch.setenv("PORT", "-1")
    with pytest.raises(ImproperlyConfiguredEnv, match="below 0"):
        env_int("PORT", 1, minimum=0)
    monkeypatch.setenv("LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfiguredEnv, match="must be one of"):
        env_choice("LEVEL", "INFO", {"INFO", "DEBUG"})
    monkeypatch.setenv("HOSTS", " a.pe , ,b.pe ")
    assert env_list("HOSTS", []) == ["a.pe", "b.pe"]


def test_logs_are_one_json_object_per_line() -> None:
    result = _run_python(
        "import django, logging; django.setup(); "
        "logging.getLogger('callao.test').warning('hola %s', 'mundo')",
        DJANGO_SETTINGS_MODULE="callao.settings",
        DEBUG="true",
        LOG_FORMAT="json",
    )
    lines = [json.loads(line) for line in result.stderr.strip().splitlines()]
    assert {"level": "WARNING", "logger": "callao.test", "message": "hola mundo"}.items() <= lines[
        -1
    ].items()


def test_the_forecasting_library_imports_no_django() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pkgutil, importlib, sys, forecasting\n"
            "for m in pkgutil.walk_packages(forecasting.__path__, 'forecasting.'):\n"
            "    if not m.name.endswith('__main__'):\n"
            "        importlib.import_module(m.name)\n"
            "heavy = ('django', 'tensorflow', 'keras')\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in heavy)\n"
            "print(bad)",
        ],
        cwd=ROOT / "forecasting",
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_web_process_loads_no_deep_learning_library() -> None:
    result = _run_python(
        "import sys, django; django.setup()\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns  # imports every view, API and admin module\n"
        "from callao.wsgi import application\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'torch', 'transformers') if m in sys.modules))",
        DJANGO_SETTINGS_MODULE="callao.settings",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
