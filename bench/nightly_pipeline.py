"""Benchmark: the nightly pipeline's computation for Callao (7 districts, 2 years simulated).

Runs the same steps as predictions.services (backtest on rolling origins, final fit, forecast
of one shift, patrol zones for all 7 districts) with the library directly, so it needs no
database and touches nobody's data. Usage:

    .venv/bin/python bench/nightly_pipeline.py --region ../shared/data/callao_districts.geojson \
        --models naive365,kde,prospective,sepp
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from forecasting import Grid, Region
from forecasting.backtest import backtest, make_origins
from forecasting.models import make_model
from forecasting.simulate import simulate
from predictions.zones import zones_plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", default="../shared/data/callao_districts.geojson")
    parser.add_argument("--models", default="naive365,kde,prospective,sepp")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--origins", type=int, default=8)
    args = parser.parse_args()
    timings: dict[str, float] = {}
    began = time.perf_counter()
    region = Region.from_geojson(args.region, crs="EPSG:32718")
    region = Region(region.geometry, region.crs, dict(region.districts.items()))
    sim = simulate(region, "2023-01-01", args.days, random_state=7, background_per_day=args.rate)
    events = sim.events.with_origins(("victim_report", "citizen_call"))
    timings["simulate"] = time.perf_counter() - began
    grid = Grid.from_region(region, 150)
    names = grid.districts(region)
    until = float(np.floor(events.t[-1]))
    origins = make_origins(until - 7 * args.origins, until - 7, 7, tz="America/Lima")
    for kind in args.models.split(","):
        t0 = time.perf_counter()
        result = backtest(events, region, [kind], origins, 7.0, progress=None)
        pai = result.summary(n_boot=1000)[kind]["coverage"]["0.05"]["pai"]
        model = make_model(kind, 0).fit(events, grid, until)
        timings[f"train+backtest {kind}"] = time.perf_counter() - t0
        timings[f"pai5 {kind}"] = round(pai["estimate"], 2)
    t0 = time.perf_counter()
    risk = model.predict(until + 0.25, until + 0.25 + 1 / 3)
    zones = 0
    for index, name in enumerate(sorted(region.districts)):
        members = np.flatnonzero(names == name).astype(np.int64)
        zones += len(
            zones_plan(
                grid=grid,
                risk=risk,
                members=members,
                district_geometry=region.districts[name],
                flagged_share=0.05,
                exploration_share=0.10,
                max_zones=4,
                rng=np.random.default_rng(index),
            )
        )
    timings["forecast+zones"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - began
    print(
        json.dumps(
            {"events": len(events), "cells": grid.n_cells, "zones": zones, **timings}, indent=1
        )
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callao.settings")
    django.setup()
    main()
