"""Saving and loading fitted models with the metadata needed to trust them later.

A model is written with joblib together with its metadata (class, parameters, training
cut-off, fingerprint of the training data and the format of that fingerprint, library
version, grid). Models holding a Keras network write it beside the joblib file in the native
``.keras`` format. The narrative classifier is saved the same way.

Loading refuses a file written by another minor version of the library, or whose
fingerprint was computed another way: its forecasts could silently differ.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from . import __version__
from .classify import NarrativeClassifier
from .models.base import ForecastModel, NotFittedError
from .timeutil import from_days

#: How ``data_fingerprint`` is computed; bump it whenever ``Events.fingerprint`` or
#: ``classify.texts_fingerprint`` changes, so old files are recognised as not comparable.
FINGERPRINT_FORMAT = "sha256-v1"


class IncompatibleModelError(ValueError):
    """A saved model was written by an incompatible library version or fingerprint format."""


def model_metadata(model: ForecastModel | NarrativeClassifier) -> dict[str, Any]:
    """Metadata describing a fitted model or narrative classifier."""
    if isinstance(model, NarrativeClassifier):
        if not hasattr(model, "pipeline_"):
            raise NotFittedError("only fitted classifiers can be saved")
        return {
            "model": type(model).__name__,
            "params": {k: repr(v) for k, v in model.get_params().items()},
            "n_events": int(model.n_train_),
            "classes": [str(c) for c in model.classes_],
            "data_fingerprint": model.fingerprint_,
            "fingerprint_format": FINGERPRINT_FORMAT,
            "library_version": __version__,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    if not hasattr(model, "trained_until_"):
        raise NotFittedError("only fitted models can be saved")
    return {
        "model": type(model).__name__,
        "params": {k: repr(v) for k, v in model.get_params().items()},
        "trained_until": from_days(model.trained_until_, model.tz_).isoformat(),
        "n_events": int(model.n_events_),
        "data_fingerprint": model.fingerprint_,
        "fingerprint_format": FINGERPRINT_FORMAT,
        "library_version": __version__,
        "grid": model.grid_.spec(),
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def check_compatible(metadata: dict[str, Any]) -> None:
    """Raise :class:`IncompatibleModelError` unless this library can trust ``metadata``.

    The library version must match up to the minor number, and the fingerprint format
    exactly (files written before the format was recorded used ``sha256-v1``).
    """
    saved = str(metadata.get("library_version", "unknown"))
    if saved.split(".")[:2] != __version__.split(".")[:2]:
        raise IncompatibleModelError(
            f"the model was saved by forecasting {saved}, but this is forecasting "
            f"{__version__}; retrain it, or load it with forecasting {saved}"
        )
    fmt = str(metadata.get("fingerprint_format", "sha256-v1"))
    if fmt != FINGERPRINT_FORMAT:
        raise IncompatibleModelError(
            f"the model's data fingerprint has format {fmt!r}, but this library computes "
            f"{FINGERPRINT_FORMAT!r}; its training data cannot be verified here"
        )


def save_model(
    model: ForecastModel | NarrativeClassifier,
    path: str | Path,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a fitted model to ``path`` (joblib) and return its metadata.

    Parameters
    ----------
    model : ForecastModel or NarrativeClassifier
        A fitted model.
    path : str or Path
        Destination file, conventionally ``*.joblib``. A Keras model also writes
        ``<path>.keras`` beside it.
    extra : dict, optional
        JSON-friendly entries added to the metadata (an evaluation, a model card).
    """
    path = Path(path)
    metadata = model_metadata(model)
    metadata.update(extra or {})
    save_network = getattr(model, "_save_network", None)
    if save_network is not None:
        network_path = path.with_name(path.name + ".keras")
        save_network(network_path)
        metadata["network"] = network_path.name
    joblib.dump({"metadata": metadata, "model": model}, path)
    return metadata


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The metadata of a file written by :func:`save_model`, unchecked."""
    metadata: dict[str, Any] = joblib.load(Path(path))["metadata"]
    return metadata


def load_model(path: str | Path) -> tuple[ForecastModel, dict[str, Any]]:
    """Read a forecasting model written by :func:`save_model`.

    Returns
    -------
    model : ForecastModel
    metadata : dict

    Raises
    ------
    IncompatibleModelError
        When the file comes from another library version or fingerprint format.
    """
    path = Path(path)
    payload = joblib.load(path)
    metadata: dict[str, Any] = payload["metadata"]
    check_compatible(metadata)
    model = payload["model"]
    if not isinstance(model, ForecastModel):
        raise TypeError(f"{path} holds a {type(model).__name__}, not a forecasting model")
    if "network" in metadata:
        model._load_network(path.with_name(metadata["network"]))  # type: ignore[attr-defined]
    return model, metadata


def load_classifier(path: str | Path) -> tuple[NarrativeClassifier, dict[str, Any]]:
    """Read a narrative classifier written by :func:`save_model`.

    Returns
    -------
    classifier : NarrativeClassifier
    metadata : dict

    Raises
    ------
    IncompatibleModelError
        When the file comes from another library version or fingerprint format.
    """
    payload = joblib.load(Path(path))
    metadata: dict[str, Any] = payload["metadata"]
    check_compatible(metadata)
    model = payload["model"]
    if not isinstance(model, NarrativeClassifier):
        raise TypeError(f"{path} holds a {type(model).__name__}, not a narrative classifier")
    return model, metadata
