from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PredictionsConfig(AppConfig):
    name = "predictions"
    verbose_name = _("Forecasts and patrols")

    def ready(self) -> None:
        from predictions.conf import prediction_settings
        from predictions.monitoring import collector_register

        prediction_settings()  # a malformed PREDICTIONS_* value stops the process here
        collector_register()
