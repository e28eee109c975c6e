from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from callao.backups import backup_restore
from callao.errors import Conflict, InvalidInput


class Command(BaseCommand):
    help = (
        "Restore a dump written by backup_create into an empty database (default: DATABASE_URL), "
        "and optionally its media archive into MEDIA_ROOT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", type=Path, help="A callao-db-<time>.dump file.")
        parser.add_argument(
            "--database-url", help="postgis://… of the empty database (default: DATABASE_URL)."
        )
        parser.add_argument("--media", type=Path, help="A callao-media-<time>.tar.gz to unpack.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                dump=options["dump"],
                database_url=options["database_url"],
                media_archive=options["media"],
            )
        except (InvalidInput, Conflict, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restaurado / restored: {result.tables} tables in {result.seconds:.1f} s"
            )
        )
