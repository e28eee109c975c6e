from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from predictions.services.forecasting import forecast_issue
from predictions.shifts import shift_current, shift_next


class Command(BaseCommand):
    help = "Issue the champion's forecast and patrol zones for the current (or next) shift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--next", action="store_true", help="The next shift instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        window = shift_next(moment=now) if options["next"] else shift_current(moment=now)
        forecast = forecast_issue(window=window)
        self.stdout.write(f"forecast {forecast.pk}: {forecast} with {forecast.zones.count()} zones")
