"""Saved models give identical forecasts and say what they were trained on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forecasting
from forecasting.grid import Grid
from forecasting.models import (
    GradientBoostingRisk,
    GridSEPP,
    KerasSpatioTemporal,
    NaiveCounts,
    NotFittedError,
    RandomForestRisk,
    RetrospectiveKDE,
)
from forecasting.models.base import ForecastModel
from forecasting.persistence import load_model, save_model
from forecasting.simulate import Simulation

UNTIL = "2023-07-01"


@pytest.mark.parametrize(
    "model",
    [
        NaiveCounts(28),
        RetrospectiveKDE(),
        GridSEPP(),
        RandomForestRisk(n_estimators=5, random_state=0),
        GradientBoostingRisk(max_iter=10, random_state=0),
        KerasSpatioTemporal(n_origins=2, epochs=1, filters=4, random_state=0),
    ],
    ids=lambda m: type(m).__name__,
)
def test_round_trip_gives_identical_forecasts(
    model: ForecastModel, sim: Simulation, grid: Grid, tmp_path: Path
) -> None:
    model.fit(sim.events, grid, UNTIL)
    path = tmp_path / "model.joblib"
    metadata = save_model(model, path)
    loaded, read_back = load_model(path)
    np.testing.assert_array_equal(
        loaded.predict(UNTIL, "2023-07-02"), model.predict(UNTIL, "2023-07-02")
    )
    assert read_back == metadata
    assert metadata["trained_until"].startswith("2023-07-01T00:00:00")
    assert metadata["library_version"] == forecasting.__version__
    assert metadata["data_fingerprint"] == sim.events.before(model.trained_until_).fingerprint()
    assert metadata["params"] == {k: repr(v) for k, v in model.get_params().items()}
    if isinstance(model, KerasSpatioTemporal):
        assert (tmp_path / "model.joblib.keras").exists()


def test_the_fingerprint_changes_with_the_data(sim: Simulation) -> None:
    assert sim.events.fingerprint() != sim.events.before(sim.events.t[-1]).fingerprint()


def test_unfitted_models_cannot_be_saved(tmp_path: Path) -> None:
    with pytest.raises(NotFittedError):
        save_model(NaiveCounts(), tmp_path / "m.joblib")
