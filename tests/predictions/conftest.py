from __future__ import annotations

import pytest
from django.utils import timezone

from predictions.models import Forecast
from predictions.services.forecasting import forecast_issue
from predictions.services.training import models_train_all
from predictions.shifts import shift_current
from tests.predictions.helpers import fast, midnight_today, simulated_history


@pytest.fixture
def current_forecast(districts, categories, settings) -> Forecast:  # type: ignore[no-untyped-def]
    """Fast models trained on a small simulated history and the current shift's zones."""
    fast(settings)
    settings.PREDICTIONS_MODELS = ["naive365"]
    simulated_history(days=60)
    models_train_all(trained_until=midnight_today())
    return forecast_issue(window=shift_current(moment=timezone.now()))
