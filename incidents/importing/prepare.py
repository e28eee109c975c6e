"""Validated rows → the columns of ``incidents_incident``, computed in Python, vectorised.

Districts, fingerprints and point geometries used to be computed by PostgreSQL in one
``INSERT … SELECT``; doing them here lets the rows go to the table with a plain COPY.
The fingerprint must stay byte-identical to the SQL expression used before, so that files
imported earlier still deduplicate against new ones (a test compares both on hard cases)::

    md5(to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '|'
        || round(lon::numeric, 6)::text || '|' || round(lat::numeric, 6)::text || '|'
        || category_id::text)::uuid
"""

from __future__ import annotations

import binascii
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from incidents.importing.region import ImportArea

try:  # CPython's own md5 costs a third of OpenSSL's per call on short keys
    from _md5 import md5  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import md5

MICRO = Decimal("0.000001")
# PostgreSQL turns a float8 into numeric through its 15 significant digits, then rounds half
# away from zero. Plain float rounding agrees except within this distance of a tie.
TIE_TOLERANCE = 1e-6
# Little-endian EWKB header of a 2-D point with SRID 4326: byte order, type | SRID flag, SRID.
EWKB_POINT_4326 = np.frombuffer(
    b"\x01" + (0x20000001).to_bytes(4, "little") + (4326).to_bytes(4, "little"), dtype=np.uint8
)


def fixed6(values: np.ndarray) -> pa.Array:
    """``round(x::numeric, 6)::text`` for float64 values, e.g. -77.1234565 → '-77.123457'."""
    scaled = values * 1e6
    micro = np.rint(scaled).astype(np.int64)
    ties = np.flatnonzero(np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < TIE_TOLERANCE)
    for position in ties:  # rare: decide them exactly as PostgreSQL does
        exact = Decimal(format(float(values[position]), ".15g")).quantize(MICRO, ROUND_HALF_UP)
        micro[position] = int(exact * 1_000_000)
    magnitude = np.abs(micro)
    whole = pa.array(magnitude // 1_000_000).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(magnitude % 1_000_000).cast(pa.string()), 6, "0")
    text = pc.binary_join_element_wise(whole, fraction, ".")
    return pc.if_else(pa.array(micro < 0), pc.binary_join_element_wise("-", text, ""), text)


def utc_seconds_text(occurred_at: pd.Series) -> pa.Array:
    """``to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')``: seconds, fraction dropped."""
    nanoseconds = occurred_at.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
    seconds = (nanoseconds.astype(np.int64) // 1_000_000_000).astype("datetime64[s]")
    text = pa.array(seconds).cast(pa.string())  # 'YYYY-MM-DD HH:MM:SS'
    return pc.replace_substring(text, " ", "T", max_replacements=1)


def fingerprints(
    occurred_at: pd.Series, lon: np.ndarray, lat: np.ndarray, category_id: np.ndarray
) -> list[bytes]:
    """The md5 digests of time, place and category (16 bytes: the stored uuid's bytes)."""
    if len(lon) == 0:
        return []
    keys = pc.binary_join_element_wise(
        utc_seconds_text(occurred_at),
        fixed6(lon),
        fixed6(lat),
        pa.array(category_id).cast(pa.string()),
        "|",
    )
    return [md5(key).digest() for key in keys.cast(pa.binary()).to_pylist()]  # noqa: S324


def hex_strings(packed: bytes, width: int) -> pa.Array:
    """Consecutive ``width``-byte values as hex text (fingerprints, EWKB points) for COPY."""
    count = len(packed) // width
    digits = binascii.hexlify(packed)
    offsets = np.arange(0, 2 * width * count + 1, 2 * width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(digits)]
    )


def points_hex_ewkb(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """Hex EWKB points (SRID 4326), the text form PostgreSQL's COPY reads for geometry."""
    count = len(lon)
    raw = np.empty((count, 25), dtype=np.uint8)
    raw[:, :9] = EWKB_POINT_4326
    raw[:, 9:17] = np.ascontiguousarray(lon, dtype="<f8").view(np.uint8).reshape(count, 8)
    raw[:, 17:25] = np.ascontiguousarray(lat, dtype="<f8").view(np.uint8).reshape(count, 8)
    return hex_strings(raw.tobytes(), width=25)


class DistrictLocator:
    """Point → district id, boundary included; a point in two districts gets the lower id.

    Each district is the collection of its stored pieces (``DistrictPart``), the very shapes
    PostGIS tested before, so points on a piece's cut or border get the same answer.
    """

    def __init__(self, parts: list[tuple[int, bytes]]) -> None:
        pieces: dict[int, list[object]] = {}
        for district_id, wkb in parts:
            pieces.setdefault(district_id, []).append(shapely.from_wkb(wkb))
        self._districts = [
            (district_id, ImportArea(str(district_id), shapely.multipolygons(pieces[district_id])))
            for district_id in sorted(pieces)
        ]

    @classmethod
    def from_database(cls) -> DistrictLocator:
        from incidents.models import DistrictPart

        return cls(
            [
                (district_id, bytes(geometry.wkb))
                for district_id, geometry in DistrictPart.objects.values_list(
                    "district_id", "geometry"
                )
            ]
        )

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> pd.Series:
        """Nullable district ids (Int64), NA outside every district."""
        found = np.zeros(len(lon), dtype=np.int64)
        for district_id, area in self._districts:
            pending = np.flatnonzero(found == 0)
            found[pending[area.contains(lon[pending], lat[pending])]] = district_id
        located = pd.array(found, dtype="Int64")
        located[found == 0] = pd.NA
        return pd.Series(located)
