from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.boundaries import BoundaryFileError
from incidents.services import boundaries_import


class Command(BaseCommand):
    help = "Load district boundaries from a GeoJSON file, a zipped Shapefile or a URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", nargs="?", help="Path or http(s) URL (default: BOUNDARIES_SOURCE)."
        )
        parser.add_argument(
            "--province",
            default="CALLAO",
            help="Keep only features of this province when the file has a province field "
            "(default CALLAO; use --province='' to keep all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"] or settings.BOUNDARIES_SOURCE
        if not source:
            raise CommandError("Give a boundary file or URL, or set BOUNDARIES_SOURCE.")
        try:
            result = boundaries_import(source=source, province=options["province"] or None)
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Distritos cargados / districts loaded: {len(result.districts)} "
                f"({result.created} new, {result.updated} updated): {', '.join(result.districts)}"
            )
        )
