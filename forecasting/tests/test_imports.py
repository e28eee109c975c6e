"""The library stands alone: no Django, TensorFlow only for Keras, test references only in tests."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "forecasting, forecasting.cli, forecasting.models, forecasting.backtest, "
    "forecasting.metrics, forecasting.simulate, forecasting.persistence, forecasting.events, "
    "forecasting.grid, forecasting.narratives, forecasting.models.deep, forecasting.analysis, "
    "forecasting.classify, forecasting.scrub"
)


def test_importing_the_library_pulls_in_neither_django_nor_tensorflow() -> None:
    code = (
        f"import sys; import {MODULES}; "
        "bad = sorted(m for m in ('django', 'tensorflow', 'keras', 'esda', 'libpysal', "
        "'pymannkendall') if m in sys.modules); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_keras_model_is_reachable_from_the_models_package() -> None:
    from forecasting.models import KerasSpatioTemporal

    assert KerasSpatioTemporal.name == "keras"
