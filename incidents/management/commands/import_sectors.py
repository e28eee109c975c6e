from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.boundaries import BoundaryFileError
from incidents.services import sectors_import


class Command(BaseCommand):
    help = "Load patrol sectors (GeoJSON or zipped Shapefile, fields codigo/nombre) inside the districts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Path or http(s) URL.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = sectors_import(source=options["source"])
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Sectores cargados / sectors loaded: {len(result.districts)} "
                f"({result.created} new, {result.updated} updated)"
            )
        )
