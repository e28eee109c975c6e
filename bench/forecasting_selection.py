"""Benchmark on a simulated Callao: validated hyperparameters against the fixed defaults.

The same simulation as ``bench/forecasting_simulated.py`` (two years, seed 7, the seven
districts). Hyperparameters of the families with a grid are chosen on the ``--select-origins``
origins before the first test origin (2023 only), then 2024 is backtested with the choice
fixed; the fixed defaults and the oracles are backtested on the same grids (same seed). The
gain of each model over all-history counts gets a paired bootstrap interval over origins.

    nice python bench/forecasting_selection.py --out /tmp/fc-selection

Per 8-hour shift (06:00-14:00 every day of 2024, validated on the 52 shifts before):

    nice python bench/forecasting_selection.py --first-origin 2024-01-01T06:00 --every 1 \\
        --horizon 0.3333333333 --out /tmp/fc-selection-shift

On Toronto's protocol (``bench/forecasting_toronto.py``: 52 weeks of 2021, validated on the
52 weeks of 2020; needs the data package, see ``bench/forecasting_toronto_data.py``):

    nice python bench/forecasting_selection.py --city toronto --offsets 1 --out /tmp/fc-sel-to
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from forecasting.backtest import BacktestResult, backtest, make_origins
from forecasting.events import Events
from forecasting.geo import Region
from forecasting.selection import Selection, select, selected_factory
from forecasting.selection import to_markdown as selection_markdown
from forecasting.simulate import Simulation, simulate
from forecasting.timeutil import to_days

DEFAULT_REGION = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "callao_districts.geojson"
)
FIXED = ["naive_all", "decayed", "kde", "sepp"]
SELECTED = ["decayed", "borrow", "kde"]
COVERAGE = 0.05


def paired_gain(
    result: BacktestResult, name: str, baseline: BacktestResult, n_boot: int = 2000
) -> tuple[float, float, float]:
    """Pooled hit rate of ``name`` minus the baseline's all-history counts, with a 95 %
    bootstrap interval over origins (the same resampled origins for both: paired)."""
    j = result.coverages.index(COVERAGE)
    a, b = result.hits[name][:, :, j], baseline.hits["naive_all"][:, :, j]
    n = result.incidents
    idx = np.random.default_rng(0).integers(0, n.shape[1], size=(n_boot, n.shape[1]))
    point = float(((a.sum(1) - b.sum(1)) / n.sum(1)).mean())
    boot = ((a[:, idx].sum(-1) - b[:, idx].sum(-1)) / n[:, idx].sum(-1)).mean(axis=0)
    return point, float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))


def _load(args: argparse.Namespace) -> tuple[Events, Region, Simulation | None, float, float]:
    """Incidents, region, oracle (simulation only) and the first and last test origins."""
    if args.city == "toronto":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from forecasting_toronto_data import load_events

        events = load_events()
        tz = events.tz
        return (
            events, events.hull_region(500.0), None,
            to_days("2021-01-04", tz), to_days("2021-12-27", tz),
        )  # fmt: skip
    region = Region.from_geojson(args.region)
    sim = simulate(region, "2023-01-01", 731, random_state=args.seed)
    tz = sim.events.tz
    first = to_days(args.first_origin, tz)
    return sim.events, region, sim, first, to_days("2024-12-31", tz) - args.horizon


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", choices=("callao", "toronto"), default="callao")
    parser.add_argument("--region", default=str(DEFAULT_REGION))
    parser.add_argument("--offsets", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--first-origin", default="2024-01-01", help="local time")
    parser.add_argument("--every", type=float, default=7.0, help="days between origins")
    parser.add_argument("--horizon", type=float, default=7.0, help="window length in days")
    parser.add_argument("--select-origins", type=int, default=52)
    parser.add_argument("--out", default="/tmp/forecasting-bench/selection")
    args = parser.parse_args()

    started = time.perf_counter()
    events, region, oracle, first, last = _load(args)
    tz = events.tz
    origins = make_origins(first, last, args.every, tz=tz)
    coverages = (0.01, COVERAGE, 0.10)

    selections: dict[str, Selection] = {}
    for name in SELECTED:
        t0 = time.perf_counter()
        selections[name] = select(
            events, region, name, first, args.horizon, every=args.every,
            n_origins=args.select_origins, coverage=COVERAGE, offsets=args.offsets,
        )  # fmt: skip
        print(f"{name}: {selections[name].chosen} ({time.perf_counter() - t0:.0f} s)")
    selection_seconds = time.perf_counter() - started

    fixed_models = FIXED if oracle is not None else [m for m in FIXED if m != "sepp"]
    fixed = backtest(
        events, region, fixed_models, origins, args.horizon, coverages=coverages,
        offsets=args.offsets, progress=None, oracle=oracle,
    )  # fmt: skip
    tuned = backtest(
        events, region, SELECTED, origins, args.horizon, coverages=coverages,
        offsets=args.offsets, progress=None, factory=selected_factory(selections),
    )  # fmt: skip

    j = fixed.coverages.index(COVERAGE)
    # On a simulation the honest ceiling is the ex-ante oracle; Toronto has none.
    ceiling = float(fixed.pooled_hit_rate("oracle_ex_ante")[j]) if oracle is not None else None
    lines = [
        f"| model | hit rate at {COVERAGE:.0%} | ÷ ex-ante oracle | gain over naive_all "
        "[95% paired CI] |",
        "|---|---|---|---|",
    ]
    rows = [(f"{n} (fixed)", fixed, n) for n in fixed.models]
    rows += [(f"{n} (selected)", tuned, n) for n in SELECTED]
    for label, result, name in rows:
        hr = float(result.pooled_hit_rate(name)[j])
        gain, low, high = paired_gain(result, name, fixed)
        share = f"{hr / ceiling:.3f}" if ceiling else "—"
        lines.append(f"| {label} | {hr:.3f} | {share} | {gain:+.4f} [{low:+.4f}, {high:+.4f}] |")
    table = "\n".join(lines) + "\n"
    wall = time.perf_counter() - started
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "protocol": {
            "city": args.city,
            "incidents": len(events),
            "origins": len(origins),
            "horizon_days": args.horizon,
            "offsets": args.offsets,
            "selection_seconds": selection_seconds,
            "wall_seconds": wall,
        },
        "selection": {name: s.to_dict() for name, s in selections.items()},
        "fixed": fixed.to_dict(n_boot=200)["summary"],
        "selected": tuned.to_dict(n_boot=200)["summary"],
    }
    (out / "results.json").write_text(json.dumps(data, indent=1))
    (out / "results.md").write_text(table + "\n" + selection_markdown(selections))
    print(table)
    print(selection_markdown(selections))
    print(f"incidents: {len(events)}; origins: {len(origins)}")
    print(f"selection: {selection_seconds:.0f} s; wall time: {wall:.0f} s")


if __name__ == "__main__":
    main()
