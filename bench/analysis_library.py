"""Benchmark of forecasting.analysis: emerging hot spots at 1,000,000 incidents, Knox at 50,000.

Incidents come from the library's Hawkes simulator over a 25 x 25 km square in UTM 18S
(hotspots, near-repeat excitation, daily and weekly seasonality), three years from
2022-01-01.

- Emerging hot spots: 1,000,000 incidents on 250 m cells (100 x 100 = 10,000 cells) and
  weekly steps (157), the 8 nearest cells, a time window of 1 step, FDR at 5 %. Timed from
  incidents to categories: locating cells, building the cube, Gi*, Mann-Kendall, classes.
- Knox: 50,000 incidents, 99 permutations, the default bands (same place, 1-100, ...,
  401-500 m x 0-7, ..., 29-35 days). ``--knox-region`` runs it over another region, e.g.
  Callao's districts, where the same incidents are packed four times as densely.

Each is repeated ``--repeats`` times; medians (seconds) are printed as JSON.

    python bench/analysis_library.py [--threads 2] [--knox-region callao_districts.geojson]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

from forecasting.analysis import emerging_hot_spots, knox_test, space_time_cube
from forecasting.events import Events
from forecasting.geo import Region
from forecasting.grid import Grid
from forecasting.simulate import simulate

CRS = "EPSG:32718"
SQUARE = shapely.box(260_000.0, 8_650_000.0, 285_000.0, 8_675_000.0)  # 25 x 25 km
DAYS = 1096  # 2022-01-01 to 2024-12-31


def simulated(region: Region, n: int, seed: int) -> Events:
    """Exactly ``n`` simulated incidents over three years (theta 0.3: 70 % background)."""
    per_day = n * (1 - 0.3) / DAYS * 1.05  # a little over, then n are drawn at random
    events = simulate(region, "2022-01-01", DAYS, random_state=seed, background_per_day=per_day)
    keep = np.zeros(len(events.events), dtype=bool)
    keep[np.random.default_rng(seed).choice(len(keep), size=min(n, len(keep)), replace=False)] = 1
    return events.events.select(keep)


def bench_hotspots(events: Events, region: Region, repeats: int) -> dict[str, Any]:
    grid = Grid.from_region(region, 250.0)
    cx, cy = grid.centres()
    centroids = np.column_stack([cx, cy])
    start = float(events.t.min())
    n_steps = int(np.ceil((float(events.t.max()) - start + 1e-9) / 7.0))

    def run() -> Any:
        steps = np.floor((events.t - start) / 7.0).astype(np.int64)
        cube = space_time_cube(grid.locate(events.x, events.y), steps, grid.n_cells, n_steps)
        return emerging_hot_spots(cube, centroids, k=8, time_window=1)

    seconds, result = timed(run, repeats)
    counts = {code: n for code, n in result.category_counts().items() if n}
    return {
        "incidents": len(events),
        "cells": grid.n_cells,
        "steps": n_steps,
        "median_s": seconds,
        "categories": counts,
    }


def bench_knox(events: Events, repeats: int, threads: int) -> dict[str, Any]:
    def run() -> Any:
        return knox_test(
            events.x, events.y, events.t, permutations=99, random_state=0, n_jobs=threads
        )

    seconds, result = timed(run, repeats)
    return {
        "incidents": len(events),
        "pairs_within_500m": result.n_pairs,
        "permutations": 99,
        "threads": threads,
        "median_s": seconds,
        "ratio_first_band_0_7_days": float(result.ratio[1, 0]),
    }


def timed(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="Knox n_jobs")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hotspot-incidents", type=int, default=1_000_000)
    parser.add_argument("--knox-incidents", type=int, default=50_000)
    parser.add_argument("--knox-region", default=None, help="GeoJSON; default the square")
    parser.add_argument("--only", default="hotspots,knox", help="hotspots, knox or both")
    args = parser.parse_args()

    square = Region(SQUARE, CRS)
    out: dict[str, Any] = {"cpus": os.cpu_count(), "repeats": args.repeats}
    if "hotspots" in args.only:
        events = simulated(square, args.hotspot_incidents, args.seed)
        out["emerging_hot_spots"] = bench_hotspots(events, square, args.repeats)
    if "knox" in args.only:
        region = Region.from_geojson(args.knox_region, crs=CRS) if args.knox_region else square
        events = simulated(region, args.knox_incidents, args.seed)
        out["knox"] = bench_knox(events, args.repeats, args.threads)
        out["knox"]["region"] = args.knox_region or "25 x 25 km square"
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
