from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.models import AnalysisRun
from analytics.services import analyses_refresh, analysis_run_execute


class Command(BaseCommand):
    help = (
        "Ask for the default views' analyses (emerging hot spots, near repeat) on today's "
        "data; with --now, compute them in this process instead of waiting for a worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Compute here, now.")

    def handle(self, *args: Any, **options: Any) -> None:
        runs = AnalysisRun.objects.filter(pk__in=analyses_refresh())
        for run in runs:
            if options["now"] and not run.is_finished:
                run = analysis_run_execute(run=run)
            self.stdout.write(f"{run}: {run.incidents} incidents")
