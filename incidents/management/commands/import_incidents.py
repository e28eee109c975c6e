from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from incidents.importing.columns import FIELDS
from incidents.models import DatasetStatus, Origin
from incidents.services import dataset_create, dataset_import


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, separator, header = pair.partition("=")
        if not separator or field not in FIELDS:
            raise CommandError(
                f"--map takes FIELD=HEADER with FIELD one of {', '.join(FIELDS)}; got {pair!r}."
            )
        mapping[field] = header
    return mapping


class Command(BaseCommand):
    help = (
        "Import incidents from a CSV, XLSX or GeoJSON file (the same pipeline as the upload page)."
    )
    # The system checks import every URL module and view (half a second); an import needs
    # none of them, and `migrate`, `runserver` and the test suite still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source", default="", help="Name of the data source (default: file name)."
        )
        parser.add_argument(
            "--region", help="Polygon file the points must fall in (default: Callao's districts)."
        )
        parser.add_argument(
            "--origin",
            default=Origin.VICTIM_REPORT,
            choices=Origin.values,
            help="Origin for rows without one.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="Override the column for a field, e.g. --map category=MCI.",
        )
        parser.add_argument(
            "--timezone",
            default=None,
            help="Time zone of times without offset (default: the TIME_ZONE setting).",
        )
        parser.add_argument(
            "--max-rejected-share",
            type=float,
            default=None,
            help="Fail the dataset when more than this share of rows is rejected "
            "(default: DATASET_MAX_REJECTED_PERCENT / 100).",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        with path.open("rb") as stream:
            dataset = dataset_create(
                file=stream,
                name=path.name,
                source=options["source"],
                default_origin=options["origin"],
                column_mapping=_mapping(options["map"]),
            )
        bar = tqdm(total=None, unit=" filas", disable=options["no_progress"], desc="Importando")

        def progress(done: int, total: int | None) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            dataset = dataset_import(
                dataset=dataset,
                region_path=options["region"],
                timezone_name=options["timezone"],
                max_rejected_share=options["max_rejected_share"],
                progress=progress,
            )
        finally:
            bar.close()
        summary = (
            f"dataset #{dataset.pk}: leídas/read {dataset.rows_read:,} · importadas/imported "
            f"{dataset.rows_imported:,} · duplicadas/duplicate {dataset.rows_duplicate:,} · "
            f"rechazadas/rejected {dataset.rows_rejected:,} · {dataset.timings.get('total', 0)} s"
        )
        if dataset.error_report:
            summary += f"\nReporte de errores / error report: {dataset.error_report.path}"
        if dataset.status == DatasetStatus.IMPORTED:
            self.stdout.write(self.style.SUCCESS(summary))
            return
        if dataset.status == DatasetStatus.DUPLICATE:
            self.stdout.write(self.style.WARNING(dataset.message))
            return
        raise CommandError(f"{dataset.message}\n{summary}")
