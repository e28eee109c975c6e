"""Which column of a file holds which field, guessed from canonical and Spanish headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from incidents.importing.errors import ImportFileError
from incidents.taxonomy import normalise_label

# Field → accepted headers (normalised), in order of preference.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "occurred_at": (
        "occurred at",
        "fecha hora",
        "fecha y hora",
        "fecha hora hecho",
        "datetime",
        "timestamp",
    ),
    "date": (
        "fecha",
        "fecha hecho",
        "fecha del hecho",
        "fecha ocurrencia",
        "date",
        "occurrencedate",
        "occurrence date",
    ),
    "time": ("hora", "hora hecho", "hora del hecho", "time", "occurrencehour", "occurrence hour"),
    "lat": ("lat", "latitud", "latitude", "coord y", "y"),
    "lon": ("lon", "lng", "long", "longitud", "longitude", "coord x", "x"),
    "category": (
        "category",
        "categoria",
        "modalidad",
        "delito",
        "tipo delito",
        "tipo",
        "mci",
        "offence",
        "offense",
    ),
    "external_id": (
        "external id",
        "id",
        "codigo",
        "nro denuncia",
        "numero denuncia",
        "n denuncia",
        "event unique id",
    ),
    "district": ("district", "distrito"),
    "origin": ("origin", "origen", "fuente registro"),
    "narrative": ("narrative", "narrativa", "descripcion", "relato", "detalle", "hechos"),
    "severity": ("severity", "severidad", "gravedad"),
    "reported_at": ("reported at", "fecha denuncia", "fecha registro", "reported date"),
}
FIELDS: tuple[str, ...] = tuple(HEADER_ALIASES)
MAX_COLUMNS = 500


@dataclass(frozen=True)
class ColumnMapping:
    """Field name → index of the file column that holds it."""

    indexes: dict[str, int]
    headers: tuple[str, ...]

    def header_for(self, field: str) -> str:
        return self.headers[self.indexes[field]]

    def as_names(self) -> dict[str, str]:
        return {field: self.headers[index] for field, index in self.indexes.items()}


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Best guess of field → header from the header names alone."""
    normalised = {normalise_label(header): header for header in reversed(headers)}
    guessed: dict[str, str] = {}
    taken: set[str] = set()
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            header = normalised.get(alias)
            if header is not None and header not in taken:
                guessed[field] = header
                taken.add(header)
                break
    return guessed


def resolve_mapping(
    headers: Sequence[str], overrides: dict[str, str] | None = None
) -> ColumnMapping:
    """Guessed mapping with the user's overrides applied, checked for the required fields."""
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(
            f"El encabezado tiene {len(headers):,} columnas (máximo {MAX_COLUMNS}).",
            f"The header has {len(headers):,} columns (at most {MAX_COLUMNS}).",
        )
    clean_headers = tuple(header.strip() for header in headers)
    mapping = guess_mapping(clean_headers)
    for field, header in (overrides or {}).items():
        if field not in FIELDS:
            raise ImportFileError(f"Campo desconocido: {field}.", f"Unknown field: {field}.")
        if header == "":
            mapping.pop(field, None)
            continue
        if header not in clean_headers:
            raise ImportFileError(
                f"La columna «{header}» indicada para {field} no está en el archivo.",
                f"Column '{header}' given for {field} is not in the file.",
            )
        mapping[field] = header
    missing = _missing_required(mapping)
    if missing:
        shown = ", ".join(clean_headers[:20]) + (" …" if len(clean_headers) > 20 else "")
        hint_es = " ¿Separador incorrecto?" if len(clean_headers) == 1 else ""
        hint_en = " Wrong delimiter?" if len(clean_headers) == 1 else ""
        raise ImportFileError(
            f"Faltan columnas obligatorias: {', '.join(missing)}. Columnas encontradas: {shown}.{hint_es}",
            f"Required columns are missing: {', '.join(missing)}. Columns found: {shown}.{hint_en}",
        )
    return ColumnMapping(
        {field: clean_headers.index(h) for field, h in mapping.items()}, clean_headers
    )


def _missing_required(mapping: dict[str, str]) -> list[str]:
    missing = [field for field in ("lat", "lon", "category") if field not in mapping]
    if "occurred_at" not in mapping and "date" not in mapping:
        missing.insert(0, "occurred_at (o fecha)")
    return missing
