"""Streaming readers: every format becomes a header plus an iterator of numbered rows.

Nothing here holds the whole file in memory; a million-row file is read one record at a time.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from incidents.importing.errors import ImportFileError

SNIFF_BYTES = 64 * 1024
BLOCK = 1 << 20
MAX_FIELD_CHARS = 8 * 1024 * 1024
DELIMITERS = ",;\t|"

csv.field_size_limit(MAX_FIELD_CHARS)

Row = tuple[int, list[str]]


@dataclass
class TabularSource:
    """An open file seen as a table. ``rows`` yields (record number, values); the header is record 1."""

    format: str
    headers: list[str]
    rows: Iterator[Row]
    total_hint: int | None
    encoding: str = ""
    delimiter: str = ""
    # Record numbers are line numbers (no blank lines, clean UTF-8): Arrow may read it.
    arrow_readable: bool = False


def open_table(path: Path, stack: ExitStack) -> TabularSource:
    """Open ``path`` as a table, closing it when ``stack`` closes. Raises ImportFileError."""
    if not path.exists() or path.stat().st_size == 0:
        raise ImportFileError("El archivo está vacío.", "The file is empty.")
    with path.open("rb") as probe:
        head = probe.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, stack)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Formato Excel 97-2003 (.xls) no soportado: guárdelo como .xlsx o .csv.",
            "Excel 97-2003 (.xls) is not supported: save it as .xlsx or .csv.",
        )
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _open_geojson(path, stack)
    return _open_csv(path, head, stack)


# --- CSV -----------------------------------------------------------------------------------


def detect_encoding(path: Path, head: bytes) -> str:
    """``utf-8-sig``, ``utf-16`` or ``legacy`` (line by line: UTF-8, else Windows-1252)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise ImportFileError(
            "El archivo parece binario (contiene bytes nulos); no es un CSV, XLSX ni GeoJSON.",
            "The file looks binary (it contains NUL bytes); it is not CSV, XLSX or GeoJSON.",
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as stream:
        try:
            while block := stream.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "legacy"
    return "utf-8-sig"


def _legacy_lines(stream: IO[bytes]) -> Iterator[str]:
    # Files stitched from several exports mix UTF-8 and Windows-1252 lines; decode each alone.
    for raw in stream:
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("cp1252", errors="replace")


def _sniff_delimiter(sample: str) -> str:
    first_lines = "\n".join(sample.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(first_lines, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = first_lines.split("\n", 1)[0]
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


BLANK_LINES = (b"\n\n", b"\n\r\n")


@dataclass(frozen=True)
class LineScan:
    lines: int
    blank_line: bool  # a blank line comes before the end of the data
    # An odd number of quote characters: the file ends inside a quoted field (an interrupted
    # upload), or has a stray quote. Arrow would take the cut row as complete; Python's csv
    # module (strict) says where it broke.
    open_quote: bool


def _scan_lines(path: Path) -> LineScan:
    """One pass over the bytes: lines, blank lines and quote parity."""
    lines = quotes = 0
    blank_line = False
    tail = b""
    with path.open("rb") as stream:
        while block := stream.read(BLOCK):
            lines += block.count(b"\n")
            quotes += block.count(b'"')
            # Blank lines at the very end of the file do not shift any row's number.
            text = (tail + block).rstrip(b"\r\n") if len(block) < BLOCK else tail + block
            blank_line = blank_line or any(pattern in text for pattern in BLANK_LINES)
            tail = block[-4:]
    return LineScan(lines=lines, blank_line=blank_line, open_quote=quotes % 2 == 1)


def _open_csv(path: Path, head: bytes, stack: ExitStack) -> TabularSource:
    encoding = detect_encoding(path, head)
    lines: Any
    if encoding == "legacy":
        lines = _legacy_lines(stack.enter_context(path.open("rb")))
        sample = head.decode("utf-8", errors="replace")
    else:
        lines = stack.enter_context(path.open(encoding=encoding, newline="", errors="strict"))
        sample = head.decode(encoding if encoding != "utf-16" else "utf-16", errors="ignore")
    delimiter = _sniff_delimiter(sample.lstrip("\ufeff"))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFileError("El archivo está vacío.", "The file is empty.") from None
    except csv.Error as exc:
        raise ImportFileError(
            f"El encabezado está mal formado: {exc}.", f"The header is malformed: {exc}."
        ) from exc
    if headers:
        headers[0] = headers[0].lstrip("\ufeff")
    # Arrow counts a row per record like Python's csv module only where no blank line is
    # skipped; old Mac files (\r alone) are left to the csv module.
    scan = _scan_lines(path)
    lone_cr = b"\r" in head.replace(b"\r\n", b"")
    return TabularSource(
        format="csv",
        headers=headers,
        rows=_csv_rows(reader),
        total_hint=max(scan.lines - 1, 0),
        encoding=encoding,
        delimiter=delimiter,
        arrow_readable=(
            encoding == "utf-8-sig"
            and not scan.blank_line
            and not scan.open_quote
            and not lone_cr
            and '"' not in sample.split("\n", 1)[0]
        ),
    )


def _csv_rows(reader: Any) -> Iterator[Row]:
    number = 1
    try:
        for number, values in enumerate(reader, start=2):
            if values:
                yield number, values
    except csv.Error as exc:
        raise ImportFileError(
            f"El archivo está mal formado o truncado después de la fila {number}: {exc}.",
            f"The file is malformed or truncated after row {number}: {exc}.",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"Codificación inválida después de la fila {number}.",
            f"Invalid text encoding after row {number}.",
        ) from exc


# --- XLSX ----------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _open_xlsx(path: Path, stack: ExitStack) -> TabularSource:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            "El archivo no es un XLSX válido (¿dañado o truncado?).",
            "The file is not a valid XLSX (damaged or truncated?).",
        ) from exc
    stack.callback(workbook.close)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    number = 0
    headers: list[str] | None = None
    for number, values in enumerate(rows, start=1):  # noqa: B007
        texts = [_cell_text(value) for value in values]
        if any(texts):
            headers = texts
            break
    if headers is None:
        raise ImportFileError("La hoja de cálculo está vacía.", "The spreadsheet is empty.")
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)

    def numbered() -> Iterator[Row]:
        for row_number, values in enumerate(rows, start=number + 1):
            texts = [_cell_text(value) for value in values]
            if any(texts):
                yield (
                    row_number,
                    texts[:width] if len(texts) > width and not any(texts[width:]) else texts,
                )

    total = max((sheet.max_row or 0) - number, 0) or None
    return TabularSource(format="xlsx", headers=headers, rows=numbered(), total_hint=total)


# --- GeoJSON -----------------------------------------------------------------------------------


def _open_geojson(path: Path, stack: ExitStack) -> TabularSource:
    import ijson

    stream = stack.enter_context(path.open("rb"))
    features = ijson.items(stream, "features.item", use_float=True)
    try:
        first = next(features, None)
    except ijson.JSONError as exc:
        raise ImportFileError(
            f"El GeoJSON está mal formado: {exc}.", f"The GeoJSON is malformed: {exc}."
        ) from exc
    if first is None:
        raise ImportFileError("El GeoJSON no tiene «features».", "The GeoJSON has no features.")
    property_names = [str(name) for name in (first.get("properties") or {})]
    headers = [*property_names, "lon", "lat"]

    def numbered() -> Iterator[Row]:
        number = 2
        try:
            for number, feature in enumerate(_chain(first, features), start=2):
                properties = feature.get("properties") or {}
                lon, lat = _point_of(feature.get("geometry"))
                yield (
                    number,
                    [*(_cell_text(properties.get(name)) for name in property_names), lon, lat],
                )
        except ijson.JSONError as exc:
            raise ImportFileError(
                f"El GeoJSON está mal formado o truncado después del elemento {number}: {exc}.",
                f"The GeoJSON is malformed or truncated after feature {number}: {exc}.",
            ) from exc

    return TabularSource(
        format="geojson", headers=headers, rows=numbered(), total_hint=_count_features(path)
    )


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _point_of(geometry: Any) -> tuple[str, str]:
    # Non-point geometries leave the coordinates empty; validation then rejects the row.
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return "", ""
    coordinates = geometry.get("coordinates") or []
    if len(coordinates) < 2:
        return "", ""
    return _cell_text(coordinates[0]), _cell_text(coordinates[1])


def _count_features(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        tail = b""
        while block := stream.read(BLOCK):
            chunk = tail + block
            # Matches wholly inside the carried-over tail were counted with the previous block.
            count += chunk.count(b'"Feature"') - tail.count(b'"Feature"')
            tail = chunk[-16:]
    return count
