from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from predictions.services.demo import DEMO_MODELS, demo_bootstrap


class Command(BaseCommand):
    help = (
        "On an empty incidents table, simulate two years of Callao incidents (source "
        "'simulado'), import them, train fast models and issue the current shift's zones. "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=730)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--rate", type=float, default=30.0, help="Incidents per day.")
        parser.add_argument("--models", default=",".join(DEMO_MODELS))

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.perf_counter()
        outcome = demo_bootstrap(
            days=options["days"],
            seed=options["seed"],
            background_per_day=options["rate"],
            kinds=tuple(m for m in options["models"].split(",") if m),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo lista / demo ready: {outcome.simulated} simulated incidents imported, "
                f"champion {outcome.champion}, {outcome.forecasts} shift forecast(s), "
                f"{outcome.evaluated} past shift(s) evaluated "
                f"in {time.perf_counter() - began:.0f} s."
            )
        )
