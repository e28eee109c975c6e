"""Inhabitants per district from a CSV file (INEI's estimates, or a newer census in the same format).

Columns are matched by name, in Spanish or English, without accents or case: ``ubigeo``,
``distrito``/``name``, ``poblacion``/``population``, ``anio``/``year``, ``fuente``/``source``.
"""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from callao.errors import InvalidInput
from callao.text import fold

COLUMNS = {
    "ubigeo": ("ubigeo", "codigo", "code"),
    "population": ("poblacion", "population", "habitantes", "inhabitants"),
    "year": ("anio", "ano", "year"),
    "source": ("fuente", "source"),
}
MAX_BYTES = 1 << 20


class PopulationFileError(InvalidInput):
    """The population file cannot be used; the message says why, for a person."""


@dataclass(frozen=True)
class PopulationRow:
    ubigeo: str
    population: int
    year: int | None
    source: str


def read_population(source: str) -> list[PopulationRow]:
    """Every row of a population file (a path or an http(s) URL); any bad row fails the file."""
    text = _read_text(source)
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    columns = _columns(reader.fieldnames or [])
    rows = [_row(number, raw, columns) for number, raw in enumerate(reader, start=2)]
    if not rows:
        raise PopulationFileError(_("The population file has no rows."))
    codes = [row.ubigeo for row in rows]
    if len(codes) != len(set(codes)):
        raise PopulationFileError(_("A district appears twice in the population file."))
    return rows


def _read_text(source: str) -> str:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - scheme checked
            data = response.read(MAX_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise PopulationFileError(_("File not found: %(path)s") % {"path": source})
        data = path.read_bytes()[: MAX_BYTES + 1]
    if len(data) > MAX_BYTES:
        raise PopulationFileError(_("The population file is larger than 1 MB."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PopulationFileError(_("The population file is neither UTF-8 nor Latin-1."))


def _delimiter(text: str) -> str:
    header = text.splitlines()[0] if text else ""
    return max((",", ";", "\t"), key=header.count)


def _columns(headers: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in headers:
        for field, names in COLUMNS.items():
            if fold(header.strip(), ascii_only=True) in names and field not in found:
                found[field] = header
    missing = [field for field in ("ubigeo", "population") if field not in found]
    if missing:
        raise PopulationFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return found


def _row(number: int, raw: dict[str, str | None], columns: dict[str, str]) -> PopulationRow:
    def value(field: str) -> str:
        return (raw.get(columns[field]) or "").strip() if field in columns else ""

    ubigeo = value("ubigeo").zfill(6)
    population = value("population").replace(" ", "").replace(",", "").replace(".", "")
    year = value("year")
    if not (ubigeo.isdigit() and len(ubigeo) == 6):
        raise PopulationFileError(
            _("Row %(row)d: %(value)r is not a UBIGEO code.") % {"row": number, "value": ubigeo}
        )
    if not population.isdigit():
        raise PopulationFileError(
            _("Row %(row)d: %(value)r is not a number of inhabitants.")
            % {"row": number, "value": value("population")}
        )
    if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
        raise PopulationFileError(
            _("Row %(row)d: %(value)r is not a year.") % {"row": number, "value": year}
        )
    return PopulationRow(ubigeo, int(population), int(year) if year else None, value("source"))
