"""An immutable table of incidents and the loader for the canonical incident CSV.

Columns of the canonical CSV (see DESIGN.md): ``occurred_at`` (ISO 8601; without an offset it
is local time in ``tz``), ``lat``, ``lon`` (WGS84), ``category``; optional ``origin``,
``external_id``, ``district``, ``narrative``, ``severity``. Common Spanish headers are accepted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from .errors import InputError
from .geo import Region, lonlat_to_xy, utm_crs

FloatArray = NDArray[np.float64]
ObjectArray = NDArray[np.object_]

DEFAULT_TZ = "America/Lima"
REQUIRED_COLUMNS = ("occurred_at", "lat", "lon", "category")
_ALIASES = {
    "latitud": "lat",
    "latitude": "lat",
    "longitud": "lon",
    "longitude": "lon",
    "lng": "lon",
    "delito": "category",
    "modalidad": "category",
    "tipo": "category",
    "origen": "origin",
}


def _frozen(a: NDArray[np.generic]) -> NDArray[np.generic]:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Events:
    """Incidents as parallel read-only arrays, in projected metres and days since the epoch.

    Parameters
    ----------
    t : ndarray of float
        Occurrence times in days since 1970-01-01 UTC (see :mod:`forecasting.timeutil`).
    x, y : ndarray of float
        Projected coordinates in metres, in ``crs``.
    category, origin : ndarray of str
        Crime category and how the incident became known (``victim_report``,
        ``citizen_call``, ``officer_initiated`` or ``unknown``).
    crs : str
        Projected CRS of ``x`` and ``y``.
    tz : str
        Local time zone, used for hour-of-day and weekday seasonality and for output.
    """

    t: FloatArray
    x: FloatArray
    y: FloatArray
    category: ObjectArray
    origin: ObjectArray
    crs: str
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        n = len(self.t)
        for name in ("x", "y", "category", "origin"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"column {name} has {len(getattr(self, name))} rows, not {n}")
        order = np.argsort(self.t, kind="stable")
        sorted_already = bool(np.all(order == np.arange(n)))
        for name in ("t", "x", "y", "category", "origin"):
            values = getattr(self, name)
            object.__setattr__(self, name, _frozen(values if sorted_already else values[order]))

    def __len__(self) -> int:
        return len(self.t)

    @classmethod
    def from_lonlat(
        cls,
        times: pd.DatetimeIndex | pd.Series,
        lon: FloatArray,
        lat: FloatArray,
        category: ObjectArray | None = None,
        origin: ObjectArray | None = None,
        tz: str = DEFAULT_TZ,
        crs: str | None = None,
    ) -> Events:
        """Build events from aware timestamps and WGS84 coordinates.

        The CRS defaults to the UTM zone of the points' centroid.
        """
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        if len(lon) == 0:
            raise InputError("no incidents")
        crs = crs or utm_crs(float(np.mean(lon)), float(np.mean(lat)))
        x, y = lonlat_to_xy(lon, lat, crs)
        stamps = pd.DatetimeIndex(times)
        if stamps.tz is None:
            stamps = stamps.tz_localize(tz)
        t = stamps.tz_convert("UTC").as_unit("ns").asi8.astype(np.float64) / 86_400e9
        n = len(t)
        cat = np.asarray(category if category is not None else ["unknown"] * n, dtype=object)
        org = np.asarray(origin if origin is not None else ["unknown"] * n, dtype=object)
        return cls(t, x, y, cat, org, crs, tz)

    def select(self, mask: NDArray[np.bool_]) -> Events:
        """Return the events where ``mask`` is true."""
        return Events(
            self.t[mask],
            self.x[mask],
            self.y[mask],
            self.category[mask],
            self.origin[mask],
            self.crs,
            self.tz,
        )

    def before(self, until: float) -> Events:
        """Events strictly before ``until`` (days since the epoch)."""
        return self._slice(0, int(np.searchsorted(self.t, until, side="left")))

    def between(self, start: float, end: float) -> Events:
        """Events in the half-open window ``[start, end)`` (days since the epoch)."""
        lo = int(np.searchsorted(self.t, start, side="left"))
        return self._slice(lo, int(np.searchsorted(self.t, end, side="left")))

    def _slice(self, lo: int, hi: int) -> Events:
        if lo == 0 and hi == len(self):
            return self
        # Slices of sorted arrays stay sorted, so __post_init__ only copies.
        return Events(
            self.t[lo:hi],
            self.x[lo:hi],
            self.y[lo:hi],
            self.category[lo:hi],
            self.origin[lo:hi],
            self.crs,
            self.tz,
        )

    def with_origins(self, origins: tuple[str, ...]) -> Events:
        """Keep incidents of the given origins, e.g. ``("victim_report", "citizen_call")``."""
        return self.select(np.isin(self.origin, list(origins)))

    def fingerprint(self) -> str:
        """A SHA-256 of times, coordinates and categories identifying the data a model saw."""
        digest = hashlib.sha256()
        for a in (self.t, self.x, self.y):
            digest.update(np.ascontiguousarray(a).tobytes())
        digest.update("\x1f".join(map(str, self.category)).encode("utf-8"))
        return digest.hexdigest()

    def local_times(self) -> pd.DatetimeIndex:
        """Occurrence times as aware timestamps in the local time zone."""
        ns = np.round(self.t * 86_400e9).astype("int64")
        return pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").tz_convert(self.tz)

    def to_frame(self) -> pd.DataFrame:
        """The events as a DataFrame with local times and WGS84 coordinates."""
        from .geo import xy_to_lonlat

        lon, lat = xy_to_lonlat(self.x, self.y, self.crs)
        return pd.DataFrame(
            {
                "occurred_at": self.local_times(),
                "lat": lat,
                "lon": lon,
                "category": self.category,
                "origin": self.origin,
            }
        )

    def hull_region(self, buffer: float = 500.0) -> Region:
        """The convex hull of the events buffered by ``buffer`` metres."""
        if len(self) == 0:
            raise InputError("no incidents to build a region from")
        points = shapely.multipoints(np.column_stack([self.x, self.y]))
        return Region(shapely.convex_hull(points).buffer(buffer), self.crs)


def read_csv(path: str | Path, tz: str = DEFAULT_TZ, crs: str | None = None) -> Events:
    """Read incidents from a canonical CSV file.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    tz : str, default "America/Lima"
        Time zone of times written without an offset.
    crs : str, optional
        Projected CRS; by default the UTM zone of the incidents' centroid.

    Returns
    -------
    Events

    Raises
    ------
    InputError
        If the file cannot be read, a required column is missing, or any row has an
        unparseable time or coordinates. The message is one line naming the problem.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{path} is empty") from exc
    return events_from_frame(frame, tz=tz, crs=crs, source=str(path))


def events_from_frame(
    frame: pd.DataFrame, tz: str = DEFAULT_TZ, crs: str | None = None, source: str = "input"
) -> Events:
    """Validate and convert a DataFrame of canonical columns (all strings) to :class:`Events`."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    frame = frame.rename(columns={k: v for k, v in _ALIASES.items() if v not in frame.columns})
    if "occurred_at" not in frame.columns and "fecha" in frame.columns:
        hora = frame["hora"].astype(str) if "hora" in frame.columns else ""
        frame["occurred_at"] = (frame["fecha"].astype(str) + " " + hora).str.strip()
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{source}: missing column(s): {', '.join(missing)}")
    if len(frame) == 0:
        raise InputError(f"{source}: no incidents")
    times = _parse_times(frame["occurred_at"].astype(str).str.strip(), tz)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=np.float64)
    bad_time = times.isna().to_numpy()
    bad_place = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    bad = bad_time | bad_place
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        what = "occurred_at" if bad_time[first] else "lat/lon"
        value = (
            frame["occurred_at"].iloc[first]
            if bad_time[first]
            else (f"{frame['lat'].iloc[first]},{frame['lon'].iloc[first]}")
        )
        raise InputError(
            f"{source}: {int(bad.sum())} unparseable row(s); first at line {first + 2}: "
            f"bad {what} {value!r}"
        )
    category = frame["category"].astype(str).str.strip().replace("", "unknown").to_numpy(object)
    if "origin" in frame.columns:
        origin = frame["origin"].astype(str).str.strip().replace("", "unknown").to_numpy(object)
    else:
        origin = None
    return Events.from_lonlat(
        pd.DatetimeIndex(times), lon, lat, category=category, origin=origin, tz=tz, crs=crs
    )


def _parse_times(text: pd.Series, tz: str) -> pd.Series:
    has_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    if has_offset.any():
        out[has_offset] = pd.to_datetime(
            text[has_offset], utc=True, errors="coerce", format="ISO8601"
        )
    naive = ~has_offset
    if naive.any():
        local = pd.to_datetime(text[naive], errors="coerce", format="ISO8601")
        if local.isna().any():
            # Accept other unambiguous layouts (e.g. "2024-01-05 21:30") row by row.
            retry = local.isna()
            local[retry] = pd.to_datetime(text[naive][retry], errors="coerce", format="mixed")
        out[naive] = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert(
            "UTC"
        )
    return out
