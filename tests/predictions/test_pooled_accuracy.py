"""Accuracy over several windows is pooled, and every place that shows it states the same number.

Hand-computed example: a quiet window (2 incidents, both caught) and a busy one (40 incidents,
8 caught), each flagging 10 of 100 cells. Per window the zones' PAI is 10 and 2 and the naive
baseline's 5 and 3, so an average of PAIs (6 against 4) says the zones beat the baseline.
Pooled, the zones caught 10 of 42 incidents in a tenth of the area — PAI 2.38 — and the
baseline 13 of 42 — PAI 3.10: the baseline did better, which is what happened.
"""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from incidents.models import District
from predictions.models import ForecastEvaluation
from predictions.reporting import forecast_sections
from tests.factories import make_user
from tests.predictions.helpers import EvaluatedWindow, make_evaluated_windows

pytestmark = pytest.mark.django_db

# (incidents, hits, best hits, baseline hits) per window; 10 of 100 cells flagged in each.
WINDOWS: list[EvaluatedWindow] = [(2, 2.0, 2.0, 1.0), (40, 8.0, 20.0, 12.0)]
POOLED_PAI = (10 / 42) / (20 / 200)
POOLED_BASELINE_PAI = (13 / 42) / (20 / 200)
POOLED_PEI = 10 / 22


def _evaluations(district: District) -> datetime:
    return make_evaluated_windows(WINDOWS, districts=(None, district))


def test_pooled_accuracy_sums_counts_over_windows(districts: list[District]) -> None:
    _evaluations(districts[0])

    pooled = ForecastEvaluation.objects.callao_wide().recent().pooled()

    assert (pooled.windows, pooled.incidents, pooled.hits) == (2, 42, 10.0)
    assert pooled.hit_rate == pytest.approx(10 / 42)
    assert pooled.pai == pytest.approx(POOLED_PAI)
    assert pooled.baseline_pai == pytest.approx(POOLED_BASELINE_PAI)
    assert pooled.pei_star == pytest.approx(POOLED_PEI)
    # What an average of the stored per-window ratios would have said instead:
    mean_pai = sum(e.pai or 0 for e in ForecastEvaluation.objects.callao_wide()) / 2
    assert mean_pai == pytest.approx(6.0)
    assert pooled.pai is not None and pooled.baseline_pai is not None
    assert pooled.pai < pooled.baseline_pai


def test_the_accuracy_page_the_metrics_and_the_official_report_state_the_same_pai(
    districts: list[District], settings
) -> None:  # type: ignore[no-untyped-def]
    first = _evaluations(districts[0])
    settings.METRICS_TOKEN = ""
    planner = Client()
    planner.force_login(make_user(role=Role.PLANNER))

    page = planner.get(reverse("predictions:accuracy")).content.decode()
    metrics = Client().get(reverse("metrics")).content.decode()
    sections = forecast_sections(
        district=None, start=first - timedelta(hours=1), end=first + timedelta(days=1)
    )

    assert f'<dd id="rolling-pai">{POOLED_PAI:.2f}'.replace(".", ",") in page
    assert 'id="baseline-warning"' in page
    champion = next(
        line
        for line in metrics.splitlines()
        if 'callao_rolling_evaluated_pai{model="champion"}' in line
    )
    assert float(champion.split()[-1]) == pytest.approx(POOLED_PAI)
    (row,) = sections["forecast_accuracy"]["rows"]
    assert row == [
        districts[0].name,
        2,
        42,
        round(10 / 42, 3),
        round(POOLED_PAI, 2),
        round(POOLED_BASELINE_PAI, 2),
    ]
    (total,) = sections["forecast_total"]["rows"]
    assert total[:5] == [
        2,
        42,
        round(10 / 42, 3),
        round(POOLED_PAI, 2),
        round(POOLED_BASELINE_PAI, 2),
    ]


def test_the_migration_recovers_the_counts_behind_stored_ratios(districts: list[District]) -> None:
    _evaluations(districts[0])
    quiet = ForecastEvaluation.objects.filter(incidents=2, district=None).get()
    missed = ForecastEvaluation.objects.filter(incidents=40, district=None).get()
    ForecastEvaluation.objects.filter(pk=missed.pk).update(hits=0, pei_star=0, hit_rate=0)
    ForecastEvaluation.objects.update(best_hits=None, baseline_hits=None)
    backfill = importlib.import_module("predictions.migrations.0002_evaluation_counts").BACKFILL

    with connection.cursor() as cursor:
        cursor.execute(backfill)

    quiet.refresh_from_db()
    missed.refresh_from_db()
    assert quiet.best_hits == pytest.approx(2.0)
    assert quiet.baseline_hits == pytest.approx(1.0)
    assert missed.baseline_hits == pytest.approx(12.0)
    # No hit, incidents elsewhere: the best count cannot be read back from PEI* = 0.
    assert missed.best_hits is None
