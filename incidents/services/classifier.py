"""The narrative classifier: nightly training, import suggestions, disputes, bulk acceptance.

Training follows the forecasting runs (predictions/services/training.py): a row is claimed
``running`` for (cut-off, training data), the artifact is written under a temporary name and
renamed, and the row becomes ``succeeded`` and current in one transaction at the end, so a
worker killed midway leaves the previous classifier in use.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import forecasting
from callao.errors import InvalidInput
from forecasting.classify import (
    NarrativeClassifier,
    holdout_evaluate,
    template_holdout_evaluate,
    texts_fingerprint,
)
from forecasting.persistence import load_classifier, save_model
from incidents.caching import incidents_revision_bump
from incidents.models import (
    CategoryClassifier,
    CategorySuggestion,
    ClassifierStatus,
    CrimeCategory,
    Dataset,
    Incident,
    SuggestionReason,
    SuggestionStatus,
)

if TYPE_CHECKING:
    from accounts.models import User
    from incidents.importing.suggestions import CategorySuggester

logger = logging.getLogger(__name__)

OTHER_CODE = "otros"
# The most recent narratives with a known category; 200,000 train in about two minutes.
MAX_TRAINING_NARRATIVES = 200_000
MIN_TRAINING_NARRATIVES = 30
# A dispute: the classifier gives the stated category under 10 % and another at least 80 %.
DISPUTE_MIN_PROBABILITY = 0.8
DISPUTE_MAX_STATED = 0.1
DISPUTE_WINDOW_DAYS = 90
SCORE_BATCH = 20_000
STALE_RUN = timedelta(hours=2)


def classifier_artifact_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "incidents" / "classifiers"


def _training_rows(trained_until: datetime) -> tuple[list[str], list[str]]:
    rows = (
        Incident.objects.filter(occurred_at__lt=trained_until)
        .exclude(narrative="")
        .exclude(category__code=OTHER_CODE)
        .order_by("-occurred_at", "-pk")
        .values_list("narrative", "category__code")[:MAX_TRAINING_NARRATIVES]
    )
    narratives, labels = [], []
    for narrative, code in rows:
        narratives.append(narrative)
        labels.append(code)
    return narratives, labels


def _claim(
    *, trained_until: datetime, fingerprint: str, n_train: int
) -> tuple[bool, CategoryClassifier]:
    live = CategoryClassifier.objects.filter(
        trained_until=trained_until, data_fingerprint=fingerprint
    ).exclude(status=ClassifierStatus.FAILED)
    existing = live.first()
    if existing is not None and existing.status == ClassifierStatus.RUNNING:
        if existing.created_at >= timezone.now() - STALE_RUN:
            return False, existing
        # Left running by a worker that died: close it so this retry may claim the key.
        existing.status = ClassifierStatus.FAILED
        existing.error = "abandoned: the worker stopped before finishing"
        existing.finished_at = timezone.now()
        existing.save(update_fields=["status", "error", "finished_at"])
        existing = None
    if existing is not None:
        return False, existing
    try:
        with transaction.atomic():
            run = CategoryClassifier.objects.create(
                trained_until=trained_until,
                data_fingerprint=fingerprint,
                n_train=n_train,
                params={k: repr(v) for k, v in NarrativeClassifier().get_params().items()},
            )
    except IntegrityError:
        return False, live.get()
    return True, run


def category_classifier_train(
    *, trained_until: datetime, random_state: int = 0
) -> CategoryClassifier | None:
    """Evaluate, fit and save the classifier on narratives before ``trained_until``.

    Idempotent: a live run for the same cut-off and training data is returned as is. Returns
    ``None`` (and trains nothing) while too few narratives have a known category.
    """
    narratives, labels = _training_rows(trained_until)
    if len(narratives) < MIN_TRAINING_NARRATIVES or len(set(labels)) < 2:
        logger.info("narrative classifier not trained: %s narratives", len(narratives))
        return None
    created, run = _claim(
        trained_until=trained_until,
        fingerprint=texts_fingerprint(narratives, labels),
        n_train=len(narratives),
    )
    if not created:
        return run
    try:
        model = _train_into(run, narratives, labels, random_state=random_state)
    except Exception:
        run.status = ClassifierStatus.FAILED
        run.error = traceback.format_exc(limit=3)[-4000:]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logger.exception("narrative classifier training failed", extra={"run": run.pk})
        raise
    category_disputes_refresh(classifier=run, model=model)
    return run


def _train_into(
    run: CategoryClassifier, narratives: list[str], labels: list[str], *, random_state: int
) -> NarrativeClassifier:
    began = time.perf_counter()
    synthetic = Incident.objects.synthetic().exists()
    model = NarrativeClassifier(random_state=random_state)
    held_out = holdout_evaluate(
        model, narratives, labels, random_state=random_state, synthetic=synthetic
    )
    unseen = template_holdout_evaluate(model, random_state=random_state)
    timings = {"evaluate": time.perf_counter() - began}
    tick = time.perf_counter()
    model.fit(narratives, labels)
    timings["fit"] = time.perf_counter() - tick
    run.evaluation = {"held_out": held_out.to_dict(), "unseen_templates": unseen.to_dict()}
    run.artifact = _artifact_save(run, model)
    timings["total"] = time.perf_counter() - began
    with transaction.atomic():
        previous = CategoryClassifier.objects.select_for_update().filter(is_current=True)
        previous.update(is_current=False)
        run.macro_f1 = held_out.macro_f1
        run.synthetic = synthetic
        run.classes = [str(c) for c in model.classes_]
        run.n_train = model.n_train_
        run.library_version = forecasting.__version__
        run.timings = timings
        run.status = ClassifierStatus.SUCCEEDED
        run.is_current = True
        run.finished_at = timezone.now()
        run.save()
    return model


def _artifact_save(run: CategoryClassifier, model: NarrativeClassifier) -> str:
    folder = classifier_artifact_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"classifier-{run.pk}.joblib"
    partial = folder / f".classifier-{run.pk}.joblib.part"
    extra = {"trained_until": run.trained_until.isoformat(), "evaluation": run.evaluation}
    save_model(model, partial, extra=extra)
    os.replace(partial, final)  # atomic: a reader never sees half a model
    return str(final.relative_to(settings.MEDIA_ROOT))


@lru_cache(maxsize=2)
def _load(run_id: int, path: str) -> NarrativeClassifier:
    model, _ = load_classifier(path)
    return model


def classifier_current() -> tuple[CategoryClassifier, NarrativeClassifier] | None:
    """The classifier in use and its fitted model (cached per run), or ``None``."""
    run = CategoryClassifier.objects.filter(is_current=True).first()
    if run is None or not run.artifact:
        return None
    path = Path(settings.MEDIA_ROOT) / run.artifact
    if not path.exists():
        logger.error("the current classifier's artifact %s is missing", path)
        return None
    return run, _load(run.pk, str(path))


def category_suggester() -> CategorySuggester | None:
    """What an import needs to suggest categories; ``None`` without a classifier or "otros"."""
    from incidents.importing.suggestions import CategorySuggester

    current = classifier_current()
    if current is None:
        return None
    other = CrimeCategory.objects.filter(code=OTHER_CODE).first()
    if other is None:
        return None
    run, model = current
    return CategorySuggester(
        classifier=model,
        classifier_id=run.pk,
        category_ids=dict(CrimeCategory.objects.values_list("code", "pk")),
        other_id=other.pk,
    )


def category_disputes_refresh(*, classifier: CategoryClassifier, model: NarrativeClassifier) -> int:
    """Record recent incidents whose stated category the classifier strongly disputes.

    Pending disputes of earlier classifiers are replaced; dismissed and accepted ones stay,
    so a reviewer is not asked twice about the same incident. Returns how many were recorded.
    """
    since = classifier.trained_until - timedelta(days=DISPUTE_WINDOW_DAYS)
    CategorySuggestion.objects.disputes().exclude(classifier=classifier).delete()
    ids = dict(CrimeCategory.objects.values_list("code", "pk"))
    rows = (
        Incident.objects.between(since, classifier.trained_until)
        .exclude(narrative="")
        .filter(category__code__in=list(model.classes_))
        .values_list("pk", "narrative", "category__code")
        .order_by("pk")
    )
    recorded = 0
    batch: list[tuple[int, str, str]] = []
    for row in rows.iterator(chunk_size=SCORE_BATCH):
        batch.append(row)
        if len(batch) == SCORE_BATCH:
            recorded += _disputes_record(classifier, model, batch, ids)
            batch = []
    if batch:
        recorded += _disputes_record(classifier, model, batch, ids)
    return recorded


def _disputes_record(
    classifier: CategoryClassifier,
    model: NarrativeClassifier,
    batch: list[tuple[int, str, str]],
    ids: dict[str, int],
) -> int:
    stated, suggested, probability = model.stated_probability(
        [row[1] for row in batch], [row[2] for row in batch]
    )
    found = [
        CategorySuggestion(
            incident_id=row[0],
            classifier=classifier,
            reason=SuggestionReason.DISPUTED,
            stated_label=row[2],
            category_id=ids[str(suggested[i])],
            probability=float(probability[i]),
            stated_probability=float(stated[i]),
        )
        for i, row in enumerate(batch)
        if stated[i] < DISPUTE_MAX_STATED
        and probability[i] >= DISPUTE_MIN_PROBABILITY
        and str(suggested[i]) in ids
    ]
    # An incident with a suggestion already (from its import, or dismissed) keeps that one.
    created = CategorySuggestion.objects.bulk_create(found, ignore_conflicts=True)
    return len(created)


def category_suggestions_accept(*, dataset: Dataset, user: User, min_probability: float) -> int:
    """Give the incidents of ``dataset`` their suggested category where the classifier is at
    least ``min_probability`` sure; returns how many incidents changed.

    The file's own label stays in the suggestion (``stated_label``), and the incidents'
    fingerprints keep the category they were imported with, so the same file imported again
    is still recognised row by row.
    """
    if not 0.0 <= min_probability <= 1.0:
        raise InvalidInput(
            _("The minimum probability must be between 0 and 1."), field="min_probability"
        )
    with transaction.atomic():
        chosen = list(
            CategorySuggestion.objects.pending()
            .select_for_update()
            .filter(dataset=dataset, probability__gte=min_probability)
            .exclude(reason=SuggestionReason.DISPUTED)
            .values_list("pk", "incident_id", "category_id")
        )
        by_category: dict[int, list[int]] = {}
        for _pk, incident_id, category_id in chosen:
            by_category.setdefault(category_id, []).append(incident_id)
        for category_id, incident_ids in by_category.items():
            Incident.objects.filter(pk__in=incident_ids).update(category_id=category_id)
        CategorySuggestion.objects.filter(pk__in=[row[0] for row in chosen]).update(
            status=SuggestionStatus.ACCEPTED, decided_by=user, decided_at=timezone.now()
        )
    if chosen:
        # A bulk update sends no signal: cached analyses must still learn of the change.
        incidents_revision_bump()
    return len(chosen)
