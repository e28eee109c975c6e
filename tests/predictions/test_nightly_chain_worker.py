from __future__ import annotations

import time

import pytest
from celery.result import AsyncResult

from predictions.conf import prediction_settings
from predictions.models import Forecast, ForecastEvaluation, ModelRun, RunStatus
from predictions.services.pipeline import nightly_pipeline_enqueue
from tests.predictions.helpers import simulated_history


@pytest.mark.django_db(transaction=True)
def test_the_nightly_chain_runs_on_a_real_worker_through_redis_and_twice_is_harmless(
    districts, categories, celery_worker_process
) -> None:
    # The session's worker runs with the default settings (four models, 150 m cells);
    # a short history keeps it quick.
    simulated_history(days=70, rate=10.0)
    for attempt in range(2):
        result: AsyncResult = AsyncResult(  # type: ignore[type-arg]
            nightly_pipeline_enqueue()
        )
        deadline = time.monotonic() + 240
        while not result.ready() and time.monotonic() < deadline:
            time.sleep(1)
        assert result.successful(), f"attempt {attempt}: {result.state}"
    assert ModelRun.objects.filter(status=RunStatus.SUCCEEDED).count() == len(
        prediction_settings().models
    )
    assert ModelRun.objects.filter(is_champion=True).count() == 1
    assert Forecast.objects.count() == 1
    assert ForecastEvaluation.objects.count() == 0  # the next shift has not closed yet
