"""Numbers as readers in Peru (es-PE) and English readers expect them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

LANGUAGES = ("es", "en")
NBSP = "\u00a0"


def round_half_up(value: float, digits: int = 0) -> float:
    """Round like a person does (12.5 -> 13); Python's round() goes to even (12.5 -> 12)."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def format_count(value: int, language: str) -> str:
    """42, 1234, 12 345 in Spanish (SI grouping from five digits); 1,234 in English."""
    if language == "es":
        if abs(value) < 10_000:
            return str(value)
        return f"{value:,}".replace(",", NBSP)
    return f"{value:,}"


def format_decimal(value: float, language: str) -> str:
    """One decimal with a decimal comma in Spanish (37,5); whole numbers without one (38)."""
    rounded = round_half_up(value, 1)
    if rounded == int(rounded):
        return format_count(int(rounded), language)
    whole, fraction = f"{abs(rounded):.1f}".split(".")
    sign = "-" if rounded < 0 else ""
    grouped = format_count(int(whole), language)
    return f"{sign}{grouped},{fraction}" if language == "es" else f"{sign}{grouped}.{fraction}"


def format_pct(value: float, language: str) -> str:
    """An unsigned whole percentage: "12 %" in Spanish, "12%" in English; the sign is in words."""
    number = format_count(int(round_half_up(abs(value))), language)
    return f"{number} %" if language == "es" else f"{number}%"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return language
