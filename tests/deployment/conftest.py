from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import _test_database_url
from tests.deployment.workers import Worker, celery_worker


@pytest.fixture(scope="session")
def metrics_worker(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """One prefork Celery worker serving its metrics, shared by the tests that scrape it."""
    with celery_worker(_test_database_url(), tmp_path_factory.mktemp("worker-metrics")) as running:
        yield running
