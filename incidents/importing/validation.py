"""Row-level validation of one chunk, vectorised with pandas.

Each row gets at most one rejection: the first check it fails, in the order of ``REASONS``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from incidents.importing.columns import ColumnMapping
from incidents.importing.dates import localise, parse_dates, parse_datetimes, parse_times
from incidents.importing.readers import Row
from incidents.importing.region import ImportArea
from incidents.taxonomy import normalise_label

NARRATIVE_MAX_CHARS = 20_000
EXTERNAL_ID_MAX_CHARS = 100
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
EARLIEST = pd.Timestamp("1900-01-01", tz="UTC")
REPORTED_VALUE_CHARS = 200

# code → (Spanish, English). The order is the order of the checks.
REASONS: dict[str, tuple[str, str]] = {
    "columns": (
        "número de columnas distinto del encabezado",
        "column count differs from the header",
    ),
    "too_long": ("valor demasiado largo", "value too long"),
    "date_missing": ("fecha faltante", "date missing"),
    "date_invalid": (
        "fecha no válida o inexistente (p. ej. 31/02)",
        "invalid or impossible date (e.g. 31/02)",
    ),
    "time_invalid": ("hora faltante o no válida", "time missing or invalid"),
    "date_future": ("fecha en el futuro", "date in the future"),
    "date_too_old": ("fecha anterior a 1900", "date before 1900"),
    "coords_missing": ("coordenadas faltantes", "coordinates missing"),
    "coords_not_numeric": ("coordenada no numérica", "coordinate is not a number"),
    "coords_zero": (
        "coordenadas 0,0 (valor por defecto, no una ubicación)",
        "coordinates 0,0 (a default, not a place)",
    ),
    "coords_out_of_range": (
        "coordenada fuera de rango (lat ±90, lon ±180)",
        "coordinate out of range (lat ±90, lon ±180)",
    ),
    "coords_swapped": ("latitud y longitud invertidas", "latitude and longitude swapped"),
    "outside_region": ("ubicación fuera de la región", "location outside the region"),
    "category_missing": ("categoría faltante", "category missing"),
    "category_unknown": ("categoría desconocida", "unknown category"),
    "origin_unknown": ("origen desconocido", "unknown origin"),
    "severity_invalid": (
        "severidad debe ser un entero de 1 a 5",
        "severity must be a whole number 1 to 5",
    ),
    "reported_invalid": ("fecha de denuncia no válida", "invalid report date"),
}

ORIGIN_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        [
            "victim report",
            "victim_report",
            "denuncia",
            "victima",
            "denuncia de victima",
            "denuncia de la victima",
        ],
        "victim_report",
    ),
    **dict.fromkeys(
        [
            "citizen call",
            "citizen_call",
            "llamada",
            "llamada 105",
            "central 105",
            "llamada ciudadana",
            "alerta ciudadana",
            "aviso ciudadano",
        ],
        "citizen_call",
    ),
    **dict.fromkeys(
        [
            "officer initiated",
            "officer_initiated",
            "intervencion policial",
            "intervencion",
            "operativo",
            "flagrancia",
            "patrullaje",
        ],
        "officer_initiated",
    ),
}
ORIGIN_ALIASES = {normalise_label(key): value for key, value in ORIGIN_ALIASES.items()}


@dataclass(frozen=True)
class ValidationContext:
    mapping: ColumnMapping
    region: ImportArea
    categories: dict[str, int]
    default_origin: str
    timezone: str
    now: pd.Timestamp
    # With a narrative classifier at hand: the id of "otros", under which rows whose category
    # is missing or unknown but which tell their story are kept (and marked for a suggestion).
    fallback_category_id: int | None = None


@dataclass
class ChunkResult:
    valid: pd.DataFrame
    rejected: pd.DataFrame  # row_number, column, value, reason


def frame_from_rows(rows: list[Row], mapping: ColumnMapping) -> pd.DataFrame:
    """The mapped columns of a chunk of rows as strings, plus row numbers and widths."""
    numbers, values = zip(*rows, strict=True)
    # Transposing with zip_longest runs in C; short rows get None in the missing cells.
    columns = list(itertools.zip_longest(*values, fillvalue=None))
    widths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    too_wide = np.flatnonzero(widths > len(mapping.headers))
    for position in too_wide:  # trailing empty cells do not make a row too wide
        widths[position] = _effective_width(values[position])
    data: dict[str, object] = {"row_number": np.asarray(numbers, dtype=np.int64), "width": widths}
    for field, index in mapping.indexes.items():
        cells = columns[index] if index < len(columns) else (None,) * len(values)
        data[field] = pd.array(cells, dtype="str")
    return pd.DataFrame(data)


def _effective_width(values: list[str]) -> int:
    width = len(values)
    while width and values[width - 1] in ("", None):
        width -= 1
    return width


class _Rejections:
    def __init__(self, frame: pd.DataFrame) -> None:
        self.reason = pd.Series(None, index=frame.index, dtype=object)
        self.column = pd.Series(None, index=frame.index, dtype=object)
        self.value = pd.Series(None, index=frame.index, dtype=object)

    def add(self, failed: pd.Series, code: str, column: str, values: pd.Series | None) -> None:
        new = failed & self.reason.isna()
        if not new.any():
            return
        self.reason[new] = code
        self.column[new] = column
        if values is not None:
            self.value[new] = values[new].astype(str).str.slice(0, REPORTED_VALUE_CHARS)

    @property
    def ok(self) -> pd.Series:
        return self.reason.isna()


def validate_chunk(frame: pd.DataFrame, context: ValidationContext) -> ChunkResult:
    mapping = context.mapping
    header = mapping.header_for
    rejections = _Rejections(frame)

    header_width = len(mapping.headers)
    rejections.add(frame["width"] > header_width, "columns", "*", frame["width"])

    for field, limit in (
        ("narrative", NARRATIVE_MAX_CHARS),
        ("external_id", EXTERNAL_ID_MAX_CHARS),
    ):
        if field in frame:
            lengths = frame[field].fillna("").str.len()
            too_long = lengths > limit
            if too_long.any():
                described = lengths.astype(str) + " caracteres/characters"
                rejections.add(too_long, "too_long", header(field), described)

    occurred = _occurred_at(frame, context, rejections)
    lon, lat = _coordinates(frame, context, rejections)
    category_id, suggest_reason, category_stated = _categories(frame, context, rejections)
    origin = _origins(frame, context, rejections)
    severity = _severity(frame, context, rejections)
    reported = _reported_at(frame, context, rejections)

    ok = rejections.ok
    valid = pd.DataFrame(
        {
            "row_number": frame["row_number"],
            "external_id": _text(frame, "external_id"),
            "occurred_at": occurred,
            "reported_at": reported,
            "lon": lon,
            "lat": lat,
            "category_id": category_id,
            "origin": origin,
            "narrative": _text(frame, "narrative"),
            "severity": severity,
            "category_stated": category_stated,
            "suggest_reason": suggest_reason,
        }
    )[ok]
    rejected = pd.DataFrame(
        {
            "row_number": frame["row_number"],
            "column": rejections.column,
            "value": rejections.value.fillna(""),
            "reason": rejections.reason,
        }
    )[~ok]
    return ChunkResult(valid=valid, rejected=rejected)


def _text(frame: pd.DataFrame, field: str) -> pd.Series:
    if field not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[field].fillna("").astype(str).str.strip()


def _occurred_at(
    frame: pd.DataFrame, context: ValidationContext, rejections: _Rejections
) -> pd.Series:
    mapping = context.mapping
    if "occurred_at" in frame:
        raw = _text(frame, "occurred_at")
        column = mapping.header_for("occurred_at")
        rejections.add(raw == "", "date_missing", column, raw)
        occurred = parse_datetimes(raw, context.timezone)
        rejections.add(occurred.isna(), "date_invalid", column, raw)
    else:
        raw = _text(frame, "date")
        column = mapping.header_for("date")
        rejections.add(raw == "", "date_missing", column, raw)
        dates = parse_dates(raw)
        rejections.add(dates.isna(), "date_invalid", column, raw)
        if "time" in frame:
            times_raw = _text(frame, "time")
            times = parse_times(times_raw)
            rejections.add(times.isna(), "time_invalid", mapping.header_for("time"), times_raw)
            naive = dates + times.fillna(pd.Timedelta(0))
        else:
            naive = dates
        occurred = localise(naive, context.timezone)
    rejections.add(occurred > context.now + FUTURE_TOLERANCE, "date_future", column, raw)
    rejections.add(occurred < EARLIEST, "date_too_old", column, raw)
    return occurred


def _numbers(raw: pd.Series) -> pd.Series:
    try:  # plain decimals, the usual case: parsed by Arrow in C
        return pd.Series(
            pc.cast(pa.array(raw), pa.float64()).to_numpy(zero_copy_only=False), index=raw.index
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    # Spanish spreadsheets write -12,0512 for -12.0512.
    decimal_comma = raw.str.count(",").eq(1) & ~raw.str.contains(".", regex=False)
    cleaned = raw.where(~decimal_comma, raw.str.replace(",", ".", regex=False))
    return pd.to_numeric(cleaned, errors="coerce")


def _coordinates(
    frame: pd.DataFrame, context: ValidationContext, rejections: _Rejections
) -> tuple[pd.Series, pd.Series]:
    lat_raw, lon_raw = _text(frame, "lat"), _text(frame, "lon")
    lat_column, lon_column = context.mapping.header_for("lat"), context.mapping.header_for("lon")
    pair = lat_raw + ", " + lon_raw
    rejections.add(
        (lat_raw == "") | (lon_raw == ""), "coords_missing", f"{lat_column}/{lon_column}", pair
    )
    lat, lon = _numbers(lat_raw), _numbers(lon_raw)
    rejections.add(
        lat.isna() | lon.isna(), "coords_not_numeric", f"{lat_column}/{lon_column}", pair
    )
    rejections.add((lat == 0) & (lon == 0), "coords_zero", f"{lat_column}/{lon_column}", pair)
    out_of_range = (lat.abs() > 90) | (lon.abs() > 180)
    lat_values = lat.to_numpy(dtype=float, na_value=np.nan)
    lon_values = lon.to_numpy(dtype=float, na_value=np.nan)
    swapped = pd.Series(context.region.contains(lat_values, lon_values), index=frame.index)
    rejections.add(swapped, "coords_swapped", f"{lat_column}/{lon_column}", pair)
    rejections.add(out_of_range, "coords_out_of_range", f"{lat_column}/{lon_column}", pair)
    inside = pd.Series(context.region.contains(lon_values, lat_values), index=frame.index)
    rejections.add(~inside, "outside_region", f"{lat_column}/{lon_column}", pair)
    return lon, lat


def _categories(
    frame: pd.DataFrame, context: ValidationContext, rejections: _Rejections
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Category ids, why a row needs a suggested category (None where it does not), and the
    file's own labels."""
    raw = _text(frame, "category")
    column = context.mapping.header_for("category")
    category_id = _map_labels(raw, lambda value: context.categories.get(normalise_label(value)))
    reason = pd.Series(None, index=frame.index, dtype=object)
    fallback = context.fallback_category_id
    if fallback is not None:
        # Kept as "otros" with the file's label beside it, never as a guessed category: the
        # classifier's guess is stored apart, for an admin to accept.
        story = _text(frame, "narrative") != ""
        missing = (raw == "") & story
        unknown = (raw != "") & category_id.isna() & story
        reason[(category_id == fallback) & story] = "other"
        reason[missing] = "missing"
        reason[unknown] = "unknown"
        category_id = category_id.where(~(missing | unknown), fallback)
    rejections.add((raw == "") & reason.isna(), "category_missing", column, raw)
    rejections.add(category_id.isna(), "category_unknown", column, raw)
    return category_id.astype("Int64"), reason, raw


def _map_labels(raw: pd.Series, meaning: Callable[[str], object]) -> pd.Series:
    """Each distinct label looked up once; None where it means nothing."""
    codes, labels = pd.factorize(raw)
    meanings = np.array([meaning(label) for label in labels] + [None], dtype=object)
    return pd.Series(meanings[codes], index=raw.index)  # code -1 (missing) takes the None


def _origins(frame: pd.DataFrame, context: ValidationContext, rejections: _Rejections) -> pd.Series:
    if "origin" not in frame:
        return pd.Series(context.default_origin, index=frame.index, dtype=object)
    raw = _text(frame, "origin")
    origin = _map_labels(
        raw,
        lambda value: (
            ORIGIN_ALIASES.get(normalise_label(value)) if value else context.default_origin
        ),
    )
    rejections.add(origin.isna(), "origin_unknown", context.mapping.header_for("origin"), raw)
    return origin


def _severity(
    frame: pd.DataFrame, context: ValidationContext, rejections: _Rejections
) -> pd.Series:
    if "severity" not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    raw = _text(frame, "severity")
    number = pd.to_numeric(raw, errors="coerce")
    bad = (raw != "") & ~(number.isin([1, 2, 3, 4, 5]))
    rejections.add(bad, "severity_invalid", context.mapping.header_for("severity"), raw)
    return number.where(~bad).astype("Int64")


def _reported_at(
    frame: pd.DataFrame, context: ValidationContext, rejections: _Rejections
) -> pd.Series:
    if "reported_at" not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    raw = _text(frame, "reported_at")
    reported = parse_datetimes(raw, context.timezone)
    bad = (raw != "") & reported.isna()
    rejections.add(bad, "reported_invalid", context.mapping.header_for("reported_at"), raw)
    return reported
