"""The facts a summary is written from: every number a summary may state lives here.

Counts arrive privacy-filtered: ``None`` means suppressed (fewer than
:data:`SUPPRESSION_THRESHOLD`), and the text says "menos de 5" instead of a number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from reports.summarizer.formatting import round_half_up
from reports.summarizer.period import Period, period_label, period_parse

SUPPRESSION_THRESHOLD = 5
TOP_CATEGORIES = 3
TOP_HOTSPOTS = 5
TOP_HOURS = 3
TOP_WEEKDAYS = 2


@dataclass(frozen=True)
class CategoryFacts:
    name: str
    count: int | None
    previous_average: float | None = None
    last_year: int | None = None
    change_vs_previous_pct: float | None = None
    change_vs_last_year_pct: float | None = None


@dataclass(frozen=True)
class AreaCount:
    """A named area or grid cell (never a point) and its incident count."""

    name: str
    count: int | None


@dataclass(frozen=True)
class HourCount:
    hour: int
    count: int | None

    def __post_init__(self) -> None:
        if not 0 <= self.hour <= 23:
            raise ValueError(f"hour must be 0..23, not {self.hour}")


@dataclass(frozen=True)
class WeekdayCount:
    weekday: int  # 0 is Monday, as in datetime.weekday()
    count: int | None

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, not {self.weekday}")


@dataclass(frozen=True)
class ThemeFacts:
    """One theme of a group of narratives, as :func:`themes_summary` describes it."""

    label: str
    size: int
    share_pct: float
    terms: tuple[str, ...] = ()
    modus_operandi: tuple[str, ...] = ()
    times_of_day: tuple[str, ...] = ()
    place_types: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Facts:
    """Everything a summary of one district and period may say.

    ``period`` is an ISO week (``2025-W10``), a month (``2025-03``) or a free label.
    Comparisons are against the average of the ``previous_periods`` periods before it
    and against the same period a year earlier. Build it with :func:`facts_build`.
    """

    district: str
    period: str
    total: int | None = None
    previous_average: float | None = None
    last_year_total: int | None = None
    change_vs_previous_pct: float | None = None
    change_vs_last_year_pct: float | None = None
    categories: tuple[CategoryFacts, ...] = ()
    top_categories: tuple[str, ...] = ()
    hotspots: tuple[AreaCount, ...] = ()
    busiest_hours: tuple[HourCount, ...] = ()
    busiest_weekdays: tuple[WeekdayCount, ...] = ()
    subject: str = ""
    narratives: int | None = None
    themes: tuple[ThemeFacts, ...] = ()
    notes: tuple[str, ...] = ()
    previous_periods: int = 4

    @property
    def parsed_period(self) -> Period:
        return period_parse(self.period)

    def period_label(self, language: str = "es") -> str:
        """ "la semana 2025-W10 (del 3 al 9 de marzo de 2025)", "week 2025-W10 (3–9 March 2025)"."""
        return period_label(self.parsed_period, language)

    def has_overview(self) -> bool:
        """Whether these facts describe incident counts (not only narrative themes)."""
        return self.total is not None or bool(self.categories)

    def notable_changes(self, min_pct: float = 10, limit: int = 3) -> list[CategoryFacts]:
        """Categories that moved most against the previous periods, by at least ``min_pct``."""
        moved = [
            c
            for c in self.categories
            if c.count is not None
            and c.change_vs_previous_pct is not None
            and abs(c.change_vs_previous_pct) >= min_pct
        ]
        moved.sort(key=lambda c: (-abs(c.change_vs_previous_pct or 0), c.name))
        return moved[:limit]

    def has_suppressed_counts(self) -> bool:
        counts = [c.count for c in self.categories] + [a.count for a in self.hotspots]
        if self.has_overview():
            counts.append(self.total)
        return any(count is None for count in counts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Facts:
        """The inverse of :meth:`to_dict`, for facts stored as JSON next to a report."""
        nested: dict[str, type] = {
            "categories": CategoryFacts,
            "hotspots": AreaCount,
            "busiest_hours": HourCount,
            "busiest_weekdays": WeekdayCount,
            "themes": ThemeFacts,
        }
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ValueError(f"unknown facts field {key!r}")
            if key in nested:
                values[key] = tuple(_from_dict(nested[key], item) for item in value)
            elif key in ("top_categories", "notes"):
                values[key] = tuple(value)
            else:
                values[key] = value
        return cls(**values)


def _from_dict(kind: type, item: Mapping[str, Any]) -> Any:
    tuples = {f.name for f in fields(kind) if str(f.type).startswith("tuple")}
    return kind(**{k: tuple(v) if k in tuples else v for k, v in item.items()})


def pct_change(current: float | None, base: float | None) -> float | None:
    """Percentage change to one decimal; ``None`` when either side is unknown or the base is 0."""
    if current is None or base is None or base == 0:
        return None
    return round_half_up((current - base) / base * 100, 1)


Sum = Literal["sum"]


def facts_build(
    *,
    district: str,
    period: str,
    counts: Mapping[str, int | None],
    previous_average: Mapping[str, float | None] | None = None,
    last_year: Mapping[str, int | None] | None = None,
    total: int | Sum | None = "sum",
    previous_total_average: float | Sum | None = "sum",
    last_year_total: int | Sum | None = "sum",
    hotspots: Mapping[str, int | None] | Iterable[tuple[str, int | None]] = (),
    hours: Mapping[int, int | None] | None = None,
    weekdays: Mapping[int, int | None] | None = None,
    notes: Iterable[str] = (),
    previous_periods: int = 4,
) -> Facts:
    """Build :class:`Facts` from privacy-filtered counts by category.

    Percentage changes, top categories and the busiest hours and weekdays are derived
    here. Totals left as ``"sum"`` are the sums of the categories. When a category is
    suppressed that sum is unknown: pass ``total`` yourself (``None`` if it is under 5 too);
    a missing comparison total just leaves that comparison out.
    """
    previous_average = previous_average or {}
    last_year = last_year or {}
    categories = tuple(
        sorted(
            (
                CategoryFacts(
                    name=name,
                    count=_count(count),
                    previous_average=_average(previous_average.get(name)),
                    last_year=_count(last_year.get(name)),
                    change_vs_previous_pct=pct_change(count, previous_average.get(name)),
                    change_vs_last_year_pct=pct_change(count, last_year.get(name)),
                )
                for name, count in counts.items()
            ),
            key=lambda c: (c.count is None, -(c.count or 0), c.name),
        )
    )
    if total == "sum":
        if any(count is None for count in counts.values()):
            raise ValueError("a category is suppressed, so pass the real total (or None if < 5)")
        total = sum(count for count in counts.values() if count is not None)
    if previous_total_average == "sum":
        previous_total_average = _sum(previous_average.get(name) for name in counts)
    if last_year_total == "sum":
        known = _sum(last_year.get(name) for name in counts)
        last_year_total = None if known is None else int(known)
    return Facts(
        district=district,
        period=period,
        total=_count(total),
        previous_average=_average(previous_total_average),
        last_year_total=_count(last_year_total),
        change_vs_previous_pct=pct_change(total, previous_total_average),
        change_vs_last_year_pct=pct_change(total, last_year_total),
        categories=categories,
        top_categories=tuple(c.name for c in categories if c.count)[:TOP_CATEGORIES],
        hotspots=_top_areas(hotspots),
        busiest_hours=tuple(HourCount(h, c) for h, c in _busiest(hours, TOP_HOURS)),
        busiest_weekdays=tuple(WeekdayCount(d, c) for d, c in _busiest(weekdays, TOP_WEEKDAYS)),
        notes=tuple(notes),
        previous_periods=previous_periods,
    )


def _count(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise ValueError(f"counts cannot be negative: {value}")
    return value


def _average(value: float | None) -> float | None:
    if value is None:
        return None
    if value < 0:
        raise ValueError(f"averages cannot be negative: {value}")
    return round_half_up(value, 1)


def _sum(values: Iterable[float | None]) -> float | None:
    items = list(values)
    if not items or any(v is None for v in items):
        return None
    return sum(v for v in items if v is not None)


def _top_areas(
    areas: Mapping[str, int | None] | Iterable[tuple[str, int | None]],
) -> tuple[AreaCount, ...]:
    pairs = list(areas.items()) if isinstance(areas, Mapping) else list(areas)
    ranked = sorted(pairs, key=lambda p: (p[1] is None, -(p[1] or 0), p[0]))
    return tuple(AreaCount(name, _count(count)) for name, count in ranked[:TOP_HOTSPOTS])


def _busiest(counts: Mapping[int, int | None] | None, top: int) -> list[tuple[int, int]]:
    # Suppressed and empty slots are never "the busiest": they tell the reader nothing.
    known = [(k, v) for k, v in (counts or {}).items() if v]
    return sorted(known, key=lambda p: (-p[1], p[0]))[:top]
