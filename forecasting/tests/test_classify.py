"""The narrative classifier learns crime types, never keeps personal data, and saves faithfully."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pytest

import forecasting
from forecasting.classify import (
    NarrativeClassifier,
    evaluate,
    holdout_evaluate,
    template_holdout_evaluate,
)
from forecasting.models.base import NotFittedError
from forecasting.narratives import narrative_categories, synthetic_narratives
from forecasting.persistence import (
    IncompatibleModelError,
    load_classifier,
    load_model,
    save_model,
)

DNI = "45678912"


def _corpus(n: int, seed: int, templates: str = "all") -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    kinds = np.asarray(narrative_categories(), dtype=object)
    labels = kinds[rng.integers(len(kinds), size=n)]
    texts = synthetic_narratives(labels, templates=templates, random_state=seed)  # type: ignore[arg-type]
    return texts, [str(c) for c in labels]


@pytest.fixture(scope="module")
def fitted() -> NarrativeClassifier:
    texts, labels = _corpus(1200, seed=1)
    return NarrativeClassifier(random_state=0).fit(texts, labels)


def test_it_learns_the_crime_type_of_narratives_it_has_not_seen(
    fitted: NarrativeClassifier,
) -> None:
    texts, labels = _corpus(300, seed=2)
    result = evaluate(fitted, texts, labels, synthetic=True)
    assert result.macro_f1 > 0.95
    assert result.synthetic
    assert sum(map(sum, result.confusion)) == 300
    # Repeated narratives are fitted once, weighted by their count.
    assert fitted.n_distinct_ < fitted.n_train_ == 1200


def test_probabilities_are_calibrated_distributions_over_the_known_categories(
    fitted: NarrativeClassifier,
) -> None:
    proba = fitted.predict_proba(["Le arrebataron su celular con amenazas en Av. Colonial."])
    assert proba.shape == (1, len(narrative_categories()))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    category, probability = fitted.suggest(["Le arrebataron su celular con amenazas."])
    assert category[0] == "robo"
    assert 0.5 < probability[0] <= 1.0


def test_a_narrative_with_a_dni_never_reaches_the_vectorisers_vocabulary() -> None:
    texts, labels = _corpus(300, seed=3)
    # Many narratives carry the same DNI, so min_df cannot be what keeps it out.
    texts = [f"{t} El agraviado, identificado con DNI {DNI}, se retiró." for t in texts]
    model = NarrativeClassifier(random_state=0, char_ngrams=(3, 5)).fit(texts, labels)
    vocabulary = model.vocabulary()
    assert not any(DNI[i : i + 3] in term for term in vocabulary for i in range(len(DNI) - 2))
    # The tag that replaced it is learnt instead: the scrubber did run.
    assert "dni" in vocabulary


def test_the_scrubber_also_runs_on_the_texts_it_scores(fitted: NarrativeClassifier) -> None:
    # Two different DNIs score the same: both are one tag by the time they are vectorised.
    plain = fitted.predict_proba(["Vecinos alertan venta de drogas en una esquina."])
    with_dni = fitted.predict_proba([f"Vecinos alertan venta de drogas en una esquina. DNI {DNI}."])
    np.testing.assert_allclose(
        with_dni,
        fitted.predict_proba(["Vecinos alertan venta de drogas en una esquina. DNI 87654321."]),
    )
    assert plain.argmax() == with_dni.argmax()


def test_it_says_how_much_it_believes_each_stated_category(fitted: NarrativeClassifier) -> None:
    stated, suggested, probability = fitted.stated_probability(
        ["Un hombre fue asesinado a balazos por sicarios en Av. Colonial."] * 2,
        ["hurto", "categoria_desconocida"],
    )
    assert stated[0] < 0.2
    assert np.isnan(stated[1])
    assert list(suggested) == ["homicidio", "homicidio"]
    assert probability[0] > 0.5


def test_categories_too_rare_to_calibrate_are_left_out_and_listed() -> None:
    texts, labels = _corpus(200, seed=4)
    texts += ["Estafa telefónica a un adulto mayor."]
    labels += ["estafa"]
    model = NarrativeClassifier(random_state=0).fit(texts, labels)
    assert model.dropped_classes_ == ["estafa"]
    assert "estafa" not in set(model.classes_)


def test_the_held_out_split_and_unseen_templates_are_reported_separately() -> None:
    texts, labels = _corpus(600, seed=5)
    model = NarrativeClassifier(random_state=0)
    split = holdout_evaluate(model, texts, labels, random_state=0, synthetic=True)
    unseen = template_holdout_evaluate(model, n_train=600, n_test=300, random_state=0)
    assert not hasattr(model, "pipeline_")  # the estimator passed in stays unfitted
    assert split.name == "held_out"
    assert split.n == 120
    assert unseen.name == "unseen_templates"
    assert unseen.synthetic
    # New wording is harder than a split of the same sentences.
    assert unseen.macro_f1 < split.macro_f1
    assert unseen.to_dict()["confusion"] == [list(row) for row in unseen.confusion]


def test_training_and_unseen_templates_share_no_sentence() -> None:
    kinds = list(narrative_categories()) * 50
    train = set(synthetic_narratives(kinds, templates="train", random_state=0))
    held_out = set(synthetic_narratives(kinds, templates="held_out", random_state=0))
    assert not train & held_out


def test_round_trip_gives_identical_probabilities(
    fitted: NarrativeClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "classifier.joblib"
    metadata = save_model(fitted, path, extra={"evaluation": {"macro_f1": 1.0}})
    loaded, read_back = load_classifier(path)
    texts, _ = _corpus(50, seed=6)
    np.testing.assert_array_equal(loaded.predict_proba(texts), fitted.predict_proba(texts))
    assert read_back == metadata
    assert metadata["library_version"] == forecasting.__version__
    assert metadata["classes"] == sorted(narrative_categories())
    assert metadata["data_fingerprint"] == fitted.fingerprint_
    assert metadata["evaluation"] == {"macro_f1": 1.0}
    # A classifier is not a forecasting model, and the other way round.
    with pytest.raises(TypeError):
        load_model(path)


def test_loading_refuses_another_library_version_or_fingerprint_format(
    fitted: NarrativeClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "classifier.joblib"
    save_model(fitted, path)
    payload = joblib.load(path)
    payload["metadata"]["library_version"] = "9.0.0"
    joblib.dump(payload, path)
    with pytest.raises(IncompatibleModelError, match=r"forecasting 9\.0\.0"):
        load_classifier(path)
    payload["metadata"]["library_version"] = forecasting.__version__
    payload["metadata"]["fingerprint_format"] = "md5-v0"
    joblib.dump(payload, path)
    with pytest.raises(IncompatibleModelError, match="md5-v0"):
        load_classifier(path)


def test_unfitted_classifiers_cannot_predict_or_be_saved(tmp_path: Path) -> None:
    with pytest.raises(NotFittedError):
        NarrativeClassifier().predict(["x"])
    with pytest.raises(NotFittedError):
        save_model(NarrativeClassifier(), tmp_path / "c.joblib")


def test_parameters_follow_scikit_learn_conventions() -> None:
    model = NarrativeClassifier(C=2.0, random_state=3)
    assert model.get_params()["C"] == 2.0
    assert model.set_params(min_df=1).min_df == 1
    with pytest.raises(ValueError, match="no parameter"):
        model.set_params(gamma=1)
