"""CSV exports that spreadsheets cannot turn into formulas (CSV injection)."""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
