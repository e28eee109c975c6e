"""Template filters for reports: ``{% load reports_format %}``."""

from __future__ import annotations

from typing import Any

from django import template

from reports import formatting

register = template.Library()


@register.filter
def report_count(value: int | None, status: str | None = None) -> str:
    return formatting.count_text(value, status)


@register.filter
def report_decimal(value: float | None) -> str:
    return formatting.decimal_text(value)


@register.filter
def report_pct(value: float | None) -> str:
    return formatting.pct_text(value)


@register.filter
def report_trend(value: str) -> str:
    return formatting.trend_text(value)


@register.filter
def report_weekday(value: int) -> str:
    return formatting.weekday_text(value)


@register.filter
def report_hour(value: int) -> str:
    return formatting.hour_text(value)


@register.filter
def localized(item: dict[str, Any], field: str = "name") -> str:
    return formatting.localized(item, field)


@register.filter
def in_language(mapping: dict[str, Any] | None) -> Any:
    """``mapping["es"]`` or ``mapping["en"]`` for the active language."""
    if not mapping:
        return ""
    return mapping.get(formatting.language(), mapping.get("es", ""))
