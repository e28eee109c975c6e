from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from callao.backups import backup_create


class Command(BaseCommand):
    help = (
        "Dump the database (pg_dump, custom format, compressed) and archive the media files "
        "into BACKUP_DIR, keeping the newest BACKUP_KEEP of each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, help="Folder (default: BACKUP_DIR).")
        parser.add_argument("--keep", type=int, help="How many to keep (default: BACKUP_KEEP).")

    def handle(self, *args: Any, **options: Any) -> None:
        result = backup_create(directory=options["dir"], keep=options["keep"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Copia de seguridad / backup: {result.database}"
                + (f" + {result.media}" if result.media else "")
                + f" in {result.seconds:.1f} s; {len(result.deleted)} old file(s) deleted"
            )
        )
