from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from callao.errors import DomainError
from predictions.services.exports import model_run_export


class Command(BaseCommand):
    help = (
        "Write a model run (artifact, run.json with parameters, training window, data "
        "fingerprint, library version and backtest metrics, and MODEL_CARD.md) to DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run_id", type=int)
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = model_run_export(run_id=options["run_id"], directory=options["directory"])
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Run #{options['run_id']} exported to {folder}"))
