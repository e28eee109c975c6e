from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import DatasetStatus
from predictions.models import Forecast, ForecastEvaluation, ModelRun, PatrolZone, RunStatus
from predictions.services.evaluation import forecast_evaluate
from predictions.services.forecasting import forecast_issue
from predictions.services.training import champion_select, model_train, models_train_all
from predictions.shifts import shift_current
from tests.predictions.helpers import fast, midnight_today, simulated_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(districts, categories, settings):  # type: ignore[no-untyped-def]
    fast(settings)
    dataset = simulated_history()
    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    return dataset


def test_training_twice_for_the_same_cutoff_creates_one_run_per_model(history) -> None:
    first = models_train_all(trained_until=midnight_today())
    second = models_train_all(trained_until=midnight_today())
    assert first is not None and second is not None and first.pk == second.pk
    assert ModelRun.objects.count() == 2
    assert ModelRun.objects.filter(status=RunStatus.SUCCEEDED).count() == 2
    assert ModelRun.objects.filter(is_champion=True).count() == 1
    run = ModelRun.objects.get(is_champion=True)
    assert run.pai5 is not None and run.pai5_low is not None and run.pai5_high is not None
    assert run.pai5_low <= run.pai5 <= run.pai5_high
    assert {row["district"] for row in run.equity} == {f"07010{i}" for i in range(1, 8)}
    assert len(run.calibration) == 10


def test_a_crash_after_the_run_starts_leaves_the_champion_and_marks_the_run_failed(history) -> None:
    champion = model_train(kind="naive365", trained_until=midnight_today())
    champion_select(run_ids=[champion.pk])

    def crash(run: ModelRun) -> None:
        raise RuntimeError("worker crashed mid-training")

    with pytest.raises(RuntimeError):
        model_train(kind="kde", trained_until=midnight_today(), after_claim=crash)
    failed = ModelRun.objects.get(kind="kde")
    assert failed.status == RunStatus.FAILED and "crashed" in failed.error
    assert not failed.artifact
    assert ModelRun.objects.get(is_champion=True).pk == champion.pk
    kept = champion_select(run_ids=[failed.pk])
    assert kept is not None and kept.pk == champion.pk


def test_a_killed_worker_leaves_a_running_run_that_is_never_used_and_is_retried(
    history, settings
) -> None:
    champion = model_train(kind="naive365", trained_until=midnight_today())
    champion_select(run_ids=[champion.pk])

    def killed(run: ModelRun) -> None:
        raise SystemExit("SIGKILL")  # not an Exception: nothing gets to mark the run

    with pytest.raises(SystemExit):
        model_train(kind="kde", trained_until=midnight_today(), after_claim=killed)
    orphan = ModelRun.objects.get(kind="kde")
    assert orphan.status == RunStatus.RUNNING
    kept = champion_select(run_ids=[orphan.pk])
    assert kept is not None and kept.pk == champion.pk

    settings.PREDICTIONS_STALE_RUN_MINUTES = 1
    ModelRun.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    retried = model_train(kind="kde", trained_until=midnight_today())
    orphan.refresh_from_db()
    assert orphan.status == RunStatus.FAILED and "abandoned" in orphan.error
    assert retried.status == RunStatus.SUCCEEDED and retried.pk != orphan.pk


def test_a_challenger_only_wins_when_its_lower_bound_beats_the_champion(history) -> None:
    champion = model_train(kind="naive365", trained_until=midnight_today())
    champion_select(run_ids=[champion.pk])
    challenger = model_train(kind="kde", trained_until=midnight_today())
    ModelRun.objects.filter(pk=champion.pk).update(pai5=5.0)
    ModelRun.objects.filter(pk=challenger.pk).update(pai5=9.0, pai5_low=4.9, pai5_high=12.0)
    kept = champion_select(run_ids=[challenger.pk])
    assert kept is not None and kept.pk == champion.pk
    ModelRun.objects.filter(pk=challenger.pk).update(pai5_low=5.1)
    won = champion_select(run_ids=[challenger.pk])
    assert won is not None and won.pk == challenger.pk
    champion.refresh_from_db()
    assert champion.champion_until is not None and not champion.is_champion


def test_a_shift_forecast_flags_zones_per_district_capped_by_patrol_units(
    history, settings
) -> None:
    settings.PREDICTIONS_PATROL_UNITS = 3
    models_train_all(trained_until=midnight_today())
    window = shift_current(moment=timezone.now())
    forecast = forecast_issue(window=window)
    assert forecast_issue(window=window).pk == forecast.pk
    assert Forecast.objects.count() == 1
    zones = PatrolZone.objects.filter(forecast=forecast)
    per_district = {z.district.ubigeo for z in zones}
    assert len(per_district) == 7
    for ubigeo in per_district:
        ranks = list(zones.filter(district__ubigeo=ubigeo).values_list("rank", flat=True))
        assert 1 <= len(ranks) <= 3 and sorted(ranks) == list(range(1, len(ranks) + 1))
    zone = zones.exclude(exploration=True).first()
    assert zone is not None and zone.expected_incidents > 0 and 0 < zone.area_share < 0.2
    assert zone.driver in {"near_repeat", "long_term", "time_of_day"}
    assert zones.filter(exploration=True).exists()


def test_closed_windows_are_evaluated_once_by_district_and_for_all_callao(history) -> None:
    models_train_all(trained_until=midnight_today())
    window = shift_current(moment=timezone.now() - timedelta(hours=9))
    forecast = forecast_issue(window=window)
    rows = forecast_evaluate(forecast=forecast)
    assert forecast_evaluate(forecast=forecast) == rows or len(
        forecast_evaluate(forecast=forecast)
    ) == len(rows)
    assert ForecastEvaluation.objects.filter(forecast=forecast).count() == 8
    overall = ForecastEvaluation.objects.get(forecast=forecast, district__isnull=True)
    assert overall.incidents == sum(r.incidents for r in rows if r.district_id)
    assert overall.cells > overall.flagged_cells > 0
