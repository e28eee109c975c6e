"""Saving and loading fitted models with the metadata needed to trust them later.

A model is written with joblib together with its metadata (class, parameters, training
cut-off, fingerprint of the training data, library version, grid). Models holding a Keras
network write it beside the joblib file in the native ``.keras`` format.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from . import __version__
from .models.base import ForecastModel, NotFittedError
from .timeutil import from_days


def model_metadata(model: ForecastModel) -> dict[str, Any]:
    """Metadata describing a fitted model."""
    if not hasattr(model, "trained_until_"):
        raise NotFittedError("only fitted models can be saved")
    return {
        "model": type(model).__name__,
        "params": {k: repr(v) for k, v in model.get_params().items()},
        "trained_until": from_days(model.trained_until_, model.tz_).isoformat(),
        "n_events": int(model.n_events_),
        "data_fingerprint": model.fingerprint_,
        "library_version": __version__,
        "grid": model.grid_.spec(),
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def save_model(model: ForecastModel, path: str | Path) -> dict[str, Any]:
    """Write a fitted model to ``path`` (joblib) and return its metadata.

    Parameters
    ----------
    model : ForecastModel
        A fitted model.
    path : str or Path
        Destination file, conventionally ``*.joblib``. A Keras model also writes
        ``<path>.keras`` beside it.
    """
    path = Path(path)
    metadata = model_metadata(model)
    save_network = getattr(model, "_save_network", None)
    if save_network is not None:
        network_path = path.with_name(path.name + ".keras")
        save_network(network_path)
        metadata["network"] = network_path.name
    joblib.dump({"metadata": metadata, "model": model}, path)
    return metadata


def load_model(path: str | Path) -> tuple[ForecastModel, dict[str, Any]]:
    """Read a model written by :func:`save_model`.

    Returns
    -------
    model : ForecastModel
    metadata : dict
    """
    path = Path(path)
    payload = joblib.load(path)
    model: ForecastModel = payload["model"]
    metadata: dict[str, Any] = payload["metadata"]
    if "network" in metadata:
        model._load_network(path.with_name(metadata["network"]))  # type: ignore[attr-defined]
    return model, metadata
