"""The narrative classifier in the app: nightly training, import suggestions, review pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from callao.celery import app as celery_app
from forecasting.narratives import narrative_categories, synthetic_narratives
from incidents.models import (
    CategoryClassifier,
    CategorySuggestion,
    ClassifierStatus,
    Dataset,
    DatasetStatus,
    District,
    Incident,
    SuggestionReason,
    SuggestionStatus,
)
from incidents.services.classifier import category_classifier_train
from incidents.tasks import category_classifier_train_task
from tests.incidents.importing_helpers import BELLAVISTA, CALLAO, VENTANILLA, import_file, write

pytestmark = pytest.mark.django_db

HEADER = "occurred_at,lat,lon,category,external_id,narrative"
CUTOFF = datetime(2024, 4, 1, tzinfo=ZoneInfo("America/Lima"))
ROBBERY = "Víctima reporta que dos sujetos le arrebataron su celular con amenazas en Av. Colonial."
HOMICIDE = "Se halla una persona sin vida con heridas de bala en Av. Argentina."
DRUGS = "Vecinos alertan venta de drogas en una esquina de Jr. Paz Soldán."


@pytest.fixture(autouse=True)
def _territory(districts: list[District], categories: dict[str, int]) -> None:
    """Every test runs with Callao's districts and the shipped categories."""


def _row(i: int, category: str, narrative: str, prefix: str = "T") -> str:
    lat, lon = (BELLAVISTA, CALLAO, VENTANILLA)[i % 3]
    day = 1 + i % 28
    return (
        f"2024-03-{day:02d}T{i % 24:02d}:{i % 60:02d}:00,{lat + i * 1e-5:.6f},{lon:.6f},"
        f'{category},{prefix}-{i},"{narrative}"'
    )


def _history(tmp_path: Path, n: int = 360, mislabelled: int = 0) -> Dataset:
    """A month of incidents with synthetic narratives; the first ``mislabelled`` homicides
    are filed as "hurto" (what a reviewer should be asked about)."""
    kinds = list(narrative_categories()) * (n // len(narrative_categories()))
    texts = synthetic_narratives(kinds, random_state=0)
    rows = [_row(i, kind, text) for i, (kind, text) in enumerate(zip(kinds, texts, strict=True))]
    rows += [
        _row(n + i, "hurto", HOMICIDE.replace("Argentina", f"Argentina {i}"))
        for i in range(mislabelled)
    ]
    dataset = import_file(write(tmp_path / "history.csv", "\n".join([HEADER, *rows]) + "\n"))
    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    return dataset


@pytest.fixture
def trained(tmp_path: Path) -> CategoryClassifier:
    _history(tmp_path)
    run = category_classifier_train(trained_until=CUTOFF)
    assert run is not None
    return run


def test_the_nightly_training_saves_a_versioned_classifier_and_puts_it_in_use(
    trained: CategoryClassifier,
) -> None:
    assert trained.status == ClassifierStatus.SUCCEEDED
    assert trained.is_current
    assert (Path(settings.MEDIA_ROOT) / trained.artifact).exists()
    assert trained.classes == sorted(narrative_categories())
    assert trained.n_train == 360
    # Both evaluations are kept; the one on unseen templates always says it is synthetic.
    assert set(trained.evaluation) == {"held_out", "unseen_templates"}
    assert trained.evaluation["unseen_templates"]["synthetic"] is True
    assert trained.macro_f1 is not None and trained.macro_f1 > 0.9
    # The same cut-off and data train nothing twice.
    assert category_classifier_train(trained_until=CUTOFF) == trained
    assert CategoryClassifier.objects.count() == 1


def test_a_newer_classifier_replaces_the_current_one(
    trained: CategoryClassifier, tmp_path: Path
) -> None:
    later = category_classifier_train(trained_until=datetime(2024, 5, 1, tzinfo=CUTOFF.tzinfo))
    assert later is not None and later.pk != trained.pk
    trained.refresh_from_db()
    assert later.is_current and not trained.is_current


def test_without_enough_narratives_nothing_is_trained() -> None:
    assert category_classifier_train(trained_until=CUTOFF) is None
    assert not CategoryClassifier.objects.exists()


def test_a_file_with_missing_categories_gets_suggestions_and_imports_nothing_wrongly(
    trained: CategoryClassifier, tmp_path: Path, categories: dict[str, int]
) -> None:
    rows = [
        _row(1, "", ROBBERY, "N"),  # no category: kept as "otros", suggestion "robo"
        _row(2, "delito raro", HOMICIDE, "N"),  # unknown label: kept as "otros"
        _row(3, "otros", DRUGS, "N"),  # filed as "otros"
        _row(4, "robo", ROBBERY, "N"),  # a known category: left alone
        _row(5, "", "", "N"),  # no category and no story: rejected as before
    ]
    dataset = import_file(write(tmp_path / "new.csv", "\n".join([HEADER, *rows]) + "\n"))

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert (dataset.rows_imported, dataset.rows_rejected) == (4, 1)
    assert "suggest" in dataset.timings
    other = categories["otros"]
    by_id = {i.external_id: i for i in Incident.objects.filter(dataset=dataset)}
    # What the file said is never replaced by a guess: unclassified rows are "otros".
    assert [by_id[f"N-{i}"].category_id for i in (1, 2, 3)] == [other] * 3
    assert by_id["N-4"].category_id == categories["robo"]
    suggestions = {
        s.incident.external_id: s
        for s in CategorySuggestion.objects.filter(dataset=dataset).select_related("incident")
    }
    assert set(suggestions) == {"N-1", "N-2", "N-3"}
    assert [suggestions[f"N-{i}"].reason for i in (1, 2, 3)] == [
        SuggestionReason.MISSING,
        SuggestionReason.UNKNOWN,
        SuggestionReason.OTHER,
    ]
    assert suggestions["N-2"].stated_label == "delito raro"
    assert [suggestions[f"N-{i}"].category_id for i in (1, 2, 3)] == [
        categories["robo"],
        categories["homicidio"],
        categories["microcomercializacion_drogas"],
    ]
    assert all(0.5 < s.probability <= 1 for s in suggestions.values())
    assert all(s.status == SuggestionStatus.PENDING for s in suggestions.values())
    assert all(s.classifier_id == trained.pk for s in suggestions.values())


def test_without_a_classifier_missing_categories_are_still_rejected(tmp_path: Path) -> None:
    rows = [_row(1, "", ROBBERY, "N"), _row(2, "robo", ROBBERY, "N")]
    dataset = import_file(write(tmp_path / "new.csv", "\n".join([HEADER, *rows]) + "\n"))
    assert (dataset.rows_imported, dataset.rows_rejected) == (1, 1)
    assert not CategorySuggestion.objects.exists()


def test_an_admin_accepts_an_imports_suggestions_in_bulk_above_a_probability(
    trained: CategoryClassifier,
    tmp_path: Path,
    categories: dict[str, int],
    client_for_role,  # type: ignore[no-untyped-def]
) -> None:
    rows = [_row(1, "", ROBBERY, "N"), _row(2, "", HOMICIDE, "N"), _row(3, "", "Hubo algo.", "N")]
    dataset = import_file(write(tmp_path / "new.csv", "\n".join([HEADER, *rows]) + "\n"))
    vague = CategorySuggestion.objects.get(incident__external_id="N-3")
    admin: Client = client_for_role(Role.ADMIN)
    page = admin.get(reverse("incidents:dataset-detail", args=[dataset.pk]))
    assert b'id="suggestion-rows"' in page.content

    threshold = max(0.5, vague.probability + 0.01)
    response = admin.post(
        reverse("incidents:dataset-detail", args=[dataset.pk]), {"min_probability": threshold}
    )

    assert response.status_code == 302
    assert Incident.objects.get(external_id="N-1").category_id == categories["robo"]
    assert Incident.objects.get(external_id="N-2").category_id == categories["homicidio"]
    # Below the threshold: untouched, still pending.
    assert Incident.objects.get(external_id="N-3").category_id == categories["otros"]
    vague.refresh_from_db()
    assert vague.status == SuggestionStatus.PENDING
    accepted = CategorySuggestion.objects.filter(status=SuggestionStatus.ACCEPTED)
    assert accepted.count() == 2
    assert all(s.decided_by is not None and s.stated_label == "" for s in accepted)


def test_a_probability_outside_zero_and_one_is_refused_on_the_form(
    trained: CategoryClassifier,
    tmp_path: Path,
    client_for_role,  # type: ignore[no-untyped-def]
) -> None:
    dataset = import_file(
        write(tmp_path / "new.csv", "\n".join([HEADER, _row(1, "", ROBBERY, "N")]) + "\n")
    )
    admin: Client = client_for_role(Role.ADMIN)
    response = admin.post(
        reverse("incidents:dataset-detail", args=[dataset.pk]), {"min_probability": "1.5"}
    )
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert CategorySuggestion.objects.get().status == SuggestionStatus.PENDING


def test_planners_see_the_incidents_whose_category_the_classifier_disputes(
    tmp_path: Path,
    client_for_role,  # type: ignore[no-untyped-def]
) -> None:
    _history(tmp_path, mislabelled=3)
    run = category_classifier_train(trained_until=CUTOFF)
    assert run is not None

    disputes = CategorySuggestion.objects.disputes()
    disputed = {s.incident.external_id for s in disputes.select_related("incident")}
    # The homicides filed as theft are flagged, and only they.
    assert disputed == {f"T-{360 + i}" for i in range(3)}
    assert all(s.stated_label == "hurto" and s.stated_probability is not None for s in disputes)
    page = client_for_role(Role.PLANNER).get(reverse("incidents:category-disputes"))
    assert page.status_code == 200
    assert page.content.count(b"<tr>") == 1 + 3  # the header and the three disputes


def test_an_officer_sees_no_disputes_outside_their_district(
    tmp_path: Path,
    user_for_role,  # type: ignore[no-untyped-def]
) -> None:
    _history(tmp_path, mislabelled=3)
    category_classifier_train(trained_until=CUTOFF)
    officer = user_for_role(Role.OFFICER)
    visible = CategorySuggestion.objects.visible_to(officer)
    assert set(visible.values_list("incident__district_id", flat=True)) <= {officer.district_id}
    assert CategorySuggestion.objects.visible_to(None).count() == 0


def test_the_nightly_task_trains_on_the_ml_queue_every_night(tmp_path: Path) -> None:
    _history(tmp_path)
    result = category_classifier_train_task.apply(args=(CUTOFF.isoformat(),))
    assert result.get() == CategoryClassifier.objects.get(is_current=True).pk
    entry = celery_app.conf.beat_schedule["incidents-nightly-classifier"]
    assert entry["task"] == "incidents.tasks.category_classifier_train_task"
    route = celery_app.amqp.router.route({}, "incidents.tasks.category_classifier_train_task")
    assert route["queue"].name == "ml"
