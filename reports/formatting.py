"""Numbers and labels of reports as pages and PDFs show them, in the active language."""

from __future__ import annotations

from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.privacy import THRESHOLD, WITHHELD
from reports.summarizer.formatting import format_count, format_decimal, format_pct


def language() -> str:
    """``es`` or ``en``: the summarizer's language for the active Django language."""
    return "es" if (get_language() or "es").startswith("es") else "en"


def count_text(value: int | None, status: str | None = None) -> str:
    if value is None:
        if status == WITHHELD:
            return _("withheld")
        return _("fewer than %(threshold)d") % {"threshold": THRESHOLD}
    return format_count(value, language())


def decimal_text(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, language())


def pct_text(value: float | None) -> str:
    """A signed whole percentage: "+12 %", "-8 %"; a dash when unknown."""
    if value is None:
        return "—"
    text = format_pct(value, language())
    if text.startswith("0"):
        return text
    return ("+" if value > 0 else "-") + text


def trend_text(trend: str) -> str:
    return {
        "up": _("rising"),
        "down": _("falling"),
        "stable": _("stable"),
    }.get(trend, "—")


def weekday_text(weekday: int) -> str:
    """The day's name, Monday = 0 (Python's ``date.weekday()``)."""
    return str(WEEKDAYS[weekday])


def hour_text(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def localized(item: dict[str, object], field: str = "name") -> str:
    """``item["name_es"]`` or ``item["name_en"]`` for the active language."""
    return str(item.get(f"{field}_{language()}", item.get(f"{field}_es", "")))


def official_section_titles() -> dict[str, str]:
    """Titles of the sections other apps provide (callao/providers.py)."""
    return {
        "forecast_accuracy": _("Forecast accuracy"),
        "patrol_coverage": _("Patrol coverage"),
        "equity": _("Equity by district"),
    }


def origin_label(origin: str) -> str:
    from incidents.models import Origin

    try:
        return str(Origin(origin).label)
    except ValueError:
        return origin
