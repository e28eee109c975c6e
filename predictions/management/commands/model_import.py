from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from callao.errors import DomainError
from predictions.services.exports import model_run_import


class Command(BaseCommand):
    help = (
        "Add a model run exported by model_export (never as champion). Refuses another "
        "export format, library version or fingerprint format, with the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = model_run_import(directory=options["directory"])
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported as run #{run.pk} ({run.kind}, {run.trained_until:%Y-%m-%d})"
            )
        )
