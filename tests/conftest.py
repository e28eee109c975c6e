from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from accounts.roles import ANONYMOUS, Role
from incidents.models import District, DistrictPart
from incidents.services import boundaries_import
from tests.factories import make_user
from tests.processes import celery_worker_wait, process_stop

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BOUNDARIES = Path(
    os.environ.get("TEST_BOUNDARIES", ROOT.parent / "shared" / "data" / "callao_districts.geojson")
)
ALL_ROLES = [ANONYMOUS, *Role.values]


@pytest.fixture(autouse=True)
def _no_rendered_zones_from_earlier_tests() -> None:
    """The zones' JSON is cached by shift window, which every test shares (the DB is rolled back)."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    stale = list(
        client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*zones-json:*")
    )
    if stale:
        client.delete(*stale)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        boundaries_import(source=str(BOUNDARIES))


@pytest.fixture
def categories(db: None) -> dict[str, int]:
    """The shipped taxonomy (seeded by a migration; transactional tests flush it)."""
    from incidents.models import CrimeCategory
    from incidents.taxonomy import categories_ensure

    if not CrimeCategory.objects.exists():
        categories_ensure(CrimeCategory)
    return dict(CrimeCategory.objects.values_list("code", "pk"))


@pytest.fixture
def districts(db: None) -> list[District]:
    """The seven districts of Callao, loaded through the real import service.

    Loaded once per session; transactional tests flush tables, so reload when missing.
    """
    if District.objects.count() != 7 or not DistrictPart.objects.exists():
        boundaries_import(source=str(BOUNDARIES))
    return list(District.objects.order_by("ubigeo"))


@pytest.fixture
def user_for_role(districts: list[District]):  # type: ignore[no-untyped-def]
    def make(role: str) -> User | None:
        if role == ANONYMOUS:
            return None
        return make_user(username=f"{role}-{uuid.uuid4().hex[:6]}", role=role)

    return make


@pytest.fixture
def client_for_role(user_for_role):  # type: ignore[no-untyped-def]
    def make(role: str) -> Client:
        client = Client()
        user = user_for_role(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgis://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None) -> Iterator[str]:
    """A real Celery worker process, consuming the test broker and writing to the test database."""
    from callao.celery import app

    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    app.control.purge()
    env = {**os.environ, "DATABASE_URL": _test_database_url()}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "callao",
            "worker",
            "--pool",
            "solo",
            "-Q",
            "default,imports,ml",
            "-n",
            name,
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        celery_worker_wait(process, name)
        yield name
    finally:
        process_stop(process)
