from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from predictions.services.training import models_train_all, nightly_cutoff


class Command(BaseCommand):
    help = "Train and backtest the configured models now (in this process) and pick the champion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--models", default="", help="Comma-separated kinds (default: setting)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = tuple(m for m in options["models"].split(",") if m) or None
        champion = models_train_all(
            trained_until=nightly_cutoff(moment=timezone.now()), kinds=kinds
        )
        self.stdout.write(f"champion: {champion}")
