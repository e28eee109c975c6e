from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.population import PopulationFileError
from incidents.services import populations_import


class Command(BaseCommand):
    help = "Load inhabitants per district (for rates per 10,000) from a CSV file or URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", nargs="?", help="Path or http(s) URL (default: POPULATION_SOURCE)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"] or settings.POPULATION_SOURCE
        if not source:
            raise CommandError("Give a population file or URL, or set POPULATION_SOURCE.")
        try:
            result = populations_import(source=source)
        except PopulationFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Población cargada / population loaded: {len(result.updated)} districts"
                + (f"; unknown UBIGEO {', '.join(result.unknown)}" if result.unknown else "")
            )
        )
