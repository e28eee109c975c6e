from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incidents.models import District
from reports.models import ReportKind
from reports.periods import PeriodError, latest_period
from reports.services import ReportError, report_issue


class Command(BaseCommand):
    help = (
        "Generate reports. A draft is replaced; a published report is left alone unless "
        "--correct, which issues a new version that supersedes it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=ReportKind.values)
        parser.add_argument(
            "--district",
            default="all",
            help="A UBIGEO (070102), or 'all': every district for public_weekly, "
            "all of Callao in one report for official_monthly.",
        )
        parser.add_argument(
            "--period",
            default="",
            help="2025-W10 (public_weekly) or 2025-03 (official_monthly); "
            "default: the latest period that may be reported.",
        )
        parser.add_argument("--publish", action="store_true", help="Publish what is generated.")
        parser.add_argument(
            "--correct",
            action="store_true",
            help="Issue a new version of an already published report.",
        )
        parser.add_argument("--reason", default="", help="Why a correction was issued.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        period = options["period"] or latest_period(kind, timezone.now()).code
        failures = 0
        for district in _districts(kind, options["district"]):
            try:
                outcome = report_issue(
                    kind=kind,
                    district=district,
                    period=period,
                    publish=options["publish"],
                    correct=options["correct"],
                    correction_reason=options["reason"],
                )
            except (ReportError, PeriodError) as error:
                failures += 1
                self.stderr.write(f"{district or 'Callao'} {period}: {error}")
                continue
            report = outcome.report
            state = "published" if outcome.published else "draft"
            hint = " (already published; use --correct)" if outcome.action == "unchanged" else ""
            self.stdout.write(
                f"{report.area_name} {report.period}: {outcome.action} v{report.version}, "
                f"{state}{hint} [id {report.pk}]"
            )
        if failures:
            raise CommandError(f"{failures} report(s) could not be generated.")


def _districts(kind: str, choice: str) -> list[District | None]:
    if choice == "all":
        if kind == ReportKind.OFFICIAL_MONTHLY:
            return [None]
        districts: list[District | None] = list(District.objects.order_by("ubigeo"))
        if not districts:
            raise CommandError("No districts loaded: run import_boundaries first.")
        return districts
    district = District.objects.filter(ubigeo=choice).first()
    if district is None:
        raise CommandError(f"No district with UBIGEO {choice!r}.")
    return [district]
