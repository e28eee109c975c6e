from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from callao.env import ImproperlyConfiguredEnv
from reports.summarizer.config import SummarizerConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # callao/settings.py reads SUMMARIZER_BACKEND and LLM_* as text; SummarizerConfig is
        # their one check. Run it once here so a bad value stops the process at start-up, as
        # a bad setting does, instead of at the first summary.
        try:
            SummarizerConfig.from_settings(settings)
        except ValueError as error:
            raise ImproperlyConfiguredEnv(str(error)) from error
