"""Command line: ``python -m forecasting simulate|backtest|forecast ...``.

Every failure caused by the input ends with a one-line ``error: ...`` on standard error and
exit status 2; unexpected failures also get one line (exit 1) unless ``FORECASTING_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import shapely

from .errors import InputError
from .events import DEFAULT_TZ, Events, read_csv
from .geo import Region, xy_to_lonlat
from .grid import Grid
from .timeutil import from_days, parse_duration, to_days

if TYPE_CHECKING:
    from .models.base import ForecastModel
    from .selection import Selection


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m forecasting", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sim = sub.add_parser("simulate", help="simulate incidents over a region")
    sim.add_argument("--region", required=True, help="GeoJSON of the region (WGS84)")
    sim.add_argument("--start", required=True, help="first day, e.g. 2023-01-01")
    sim.add_argument("--days", type=float, required=True, help="days to simulate")
    sim.add_argument("--seed", type=int, default=0)
    sim.add_argument("--out", required=True, help="CSV of incidents to write")
    sim.add_argument("--oracle-out", help="NPZ of the true process, for oracle forecasts")
    sim.add_argument("--narratives", action="store_true", help="add Spanish narratives")
    sim.add_argument("--tz", default=DEFAULT_TZ)

    bt = sub.add_parser("backtest", help="rolling-origin backtest of models")
    _add_common(bt)
    bt.add_argument("--start", required=True, help="first origin")
    bt.add_argument("--end", required=True, help="last possible origin")
    bt.add_argument("--every", default="7d", help="spacing of origins, e.g. 7d")
    bt.add_argument("--horizon", default="7d", help="forecast window, e.g. 7d or 8h")
    bt.add_argument("--models", default="naive,kde,prospective,sepp")
    bt.add_argument("--coverage", default="0.01,0.05,0.10", help="area fractions")
    bt.add_argument("--offsets", type=int, default=1, help="number of grid offsets")
    bt.add_argument("--seed", type=int, default=0)
    bt.add_argument("--oracle", help="NPZ written by simulate --oracle-out")
    bt.add_argument("--out", required=True, help="directory for results.json and results.md")
    bt.add_argument(
        "--select",
        choices=("none", "auto"),
        default="none",
        help="auto: choose each model's hyperparameters by validation before --start",
    )
    bt.add_argument(
        "--select-origins",
        type=int,
        default=52,
        help="validation origins (spaced like --every) before the first origin",
    )

    fc = sub.add_parser("forecast", help="forecast one window and write GeoJSON cells")
    _add_common(fc)
    fc.add_argument("--at", required=True, help="start of the window (training cut-off)")
    fc.add_argument("--horizon", default="8h")
    fc.add_argument("--model", default="sepp")
    fc.add_argument("--seed", type=int, default=0)
    fc.add_argument("--out", required=True, help="GeoJSON file to write")
    return parser


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--events", required=True, help="canonical incident CSV")
    p.add_argument("--region", help="GeoJSON region; default: hull of the events + 500 m")
    p.add_argument("--cell", type=float, default=150.0, help="cell side in metres")
    p.add_argument("--tz", default=DEFAULT_TZ, help="time zone of times without an offset")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = _parser().parse_args(argv)
    try:
        handler = {"simulate": _simulate, "backtest": _backtest, "forecast": _forecast}
        handler[args.command](args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("FORECASTING_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


def _load(args: argparse.Namespace) -> tuple[Events, Region]:
    events = read_csv(args.events, tz=args.tz)
    if args.region:
        region = Region.from_geojson(args.region, crs=events.crs)
    else:
        region = events.hull_region(500.0)
    inside = shapely.contains_xy(region.geometry, events.x, events.y)
    if not inside.any():
        raise InputError(f"none of the {len(events)} incidents fall inside the region")
    return events, region


def _coverages(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise InputError(f"cannot parse --coverage {text!r}") from exc
    if not values or any(not 0 < v <= 1 for v in values):
        raise InputError("--coverage needs fractions in (0, 1], e.g. 0.01,0.05,0.10")
    return values


def _simulate(args: argparse.Namespace) -> None:
    from .narratives import simulation_frame
    from .simulate import simulate

    if args.days <= 0:
        raise InputError("--days must be positive")
    region = Region.from_geojson(args.region)
    sim = simulate(region, args.start, args.days, random_state=args.seed, tz=args.tz)
    frame = simulation_frame(sim, narratives=args.narratives, random_state=args.seed)
    frame.to_csv(args.out, index=False)
    if args.oracle_out:
        sim.save(args.oracle_out)
    print(f"wrote {len(frame)} incidents to {args.out}", file=sys.stderr)


def _backtest(args: argparse.Namespace) -> None:
    from .backtest import backtest, make_origins, to_markdown
    from .models import expand_names, make_model

    try:
        models = expand_names([m.strip() for m in args.models.split(",") if m.strip()])
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    coverages = _coverages(args.coverage)
    if args.offsets < 1:
        raise InputError("--offsets must be at least 1")
    events, region = _load(args)
    oracle = None
    if args.oracle:
        from .simulate import load_simulation

        oracle = load_simulation(args.oracle)
        if oracle.events.crs != events.crs:
            oracle = None
            raise InputError("the oracle was simulated in another projection than the events")
    origins = make_origins(
        to_days(args.start, events.tz),
        to_days(args.end, events.tz),
        parse_duration(args.every),
        tz=events.tz,
    )
    horizon = parse_duration(args.horizon)
    selections = (
        _select(args, events, region, models, origins[0], horizon, coverages)
        if args.select == "auto" and origins
        else None
    )
    result = backtest(
        events,
        region,
        models,
        origins,
        horizon,
        cell=args.cell,
        coverages=coverages,
        offsets=args.offsets,
        random_state=args.seed,
        oracle=oracle,
        factory=make_model if selections is None else _selected(selections),
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    markdown = to_markdown(data["summary"], coverages)
    if selections is not None:
        from .selection import to_markdown as selection_markdown

        data["selection"] = {name: s.to_dict() for name, s in selections.items()}
        markdown += "\n" + selection_markdown(selections)
    (out / "results.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    (out / "results.md").write_text(markdown, encoding="utf-8")
    print(f"wrote {out / 'results.json'} and {out / 'results.md'}", file=sys.stderr)


def _select(
    args: argparse.Namespace,
    events: Events,
    region: Region,
    models: list[str],
    first_origin: float,
    horizon: float,
    coverages: list[float],
) -> dict[str, Selection]:
    """Choose every listed family's hyperparameters on the origins before the first one.

    The ensemble has nothing of its own to choose: it mixes the selected members.
    """
    from .backtest import middle_coverage
    from .selection import select

    if args.select_origins < 1:
        raise InputError("--select-origins must be at least 1")
    selections: dict[str, Selection] = {}
    for name in models:
        if name == "ensemble":
            continue
        selections[name] = select(
            events,
            region,
            name,
            first_origin,
            horizon,
            every=parse_duration(args.every),
            n_origins=args.select_origins,
            cell=args.cell,
            coverage=coverages[middle_coverage(coverages)],
            offsets=args.offsets,
            random_state=args.seed,
        )
        print(f"selected {name}: {selections[name].reason}", file=sys.stderr, flush=True)
    return selections


def _selected(selections: dict[str, Selection]) -> Callable[[str, int | None], ForecastModel]:
    """The backtest's factory with the chosen hyperparameters (imported only when used)."""
    from .selection import selected_factory

    return selected_factory(selections)


def _forecast(args: argparse.Namespace) -> None:
    from .models import expand_names, make_model

    try:
        (name,) = expand_names([args.model])
    except ValueError as exc:
        raise InputError(str(exc) if "unknown" in str(exc) else "--model takes one model") from exc
    events, region = _load(args)
    at = to_days(args.at, events.tz)
    horizon = parse_duration(args.horizon)
    if len(events.before(at)) == 0:
        raise InputError(f"no incidents before {from_days(at, events.tz)}")
    grid = Grid.from_region(region, args.cell)
    model = make_model(name, args.seed).fit(events, grid, at)
    expected = model.predict(at, at + horizon)
    Path(args.out).write_text(
        json.dumps(_geojson(grid, expected, name, at, horizon, events.tz)), encoding="utf-8"
    )
    print(f"wrote {grid.n_cells} cells to {args.out}", file=sys.stderr)


def _geojson(
    grid: Grid, expected: np.ndarray, model: str, at: float, horizon: float, tz: str
) -> dict[str, Any]:
    row, col = np.divmod(grid.flat, grid.nx)
    x = grid.x0 + col * grid.cell
    y = grid.y0 + row * grid.cell
    # Corners anticlockwise from the south-west, closed; projected in one call.
    cx = np.stack([x, x + grid.cell, x + grid.cell, x, x], axis=1)
    cy = np.stack([y, y, y + grid.cell, y + grid.cell, y], axis=1)
    lon, lat = xy_to_lonlat(cx.ravel(), cy.ravel(), grid.crs)
    lon, lat = np.round(lon, 7).reshape(cx.shape), np.round(lat, 7).reshape(cy.shape)
    rank = np.empty(len(expected), dtype=np.int64)
    rank[np.argsort(-expected, kind="stable")] = np.arange(1, len(expected) + 1)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [np.column_stack([lon[i], lat[i]]).tolist()],
            },
            "properties": {
                "cell": int(grid.flat[i]),
                "expected": float(expected[i]),
                "rank": int(rank[i]),
            },
        }
        for i in range(grid.n_cells)
    ]
    return {
        "type": "FeatureCollection",
        "properties": {
            "model": model,
            "start": from_days(at, tz).isoformat(),
            "end": from_days(at + horizon, tz).isoformat(),
            "cell_m": grid.cell,
            "crs_of_cells": grid.crs,
        },
        "features": features,
    }
