from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PredictionsConfig(AppConfig):
    name = "predictions"
    verbose_name = _("Forecasts and patrols")

    def ready(self) -> None:
        from predictions.services.monitoring import collector_register

        collector_register()
