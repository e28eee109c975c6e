"""Grounding: every number a model writes must be one of the facts.

Numbers are compared by value, so 12, 12,0 and 12.0 are the same; a decimal in the facts
may also be written rounded to a whole number or one decimal. Dates of the period, the
previous year, hours of the busiest time slots, list lengths and digits inside names and
labels ("2025-W10", "Sector 3") are facts too. Spelled-out numbers are checked as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from callao.text import fold
from reports.summarizer.facts import SUPPRESSION_THRESHOLD, Facts
from reports.summarizer.formatting import round_half_up

_LIST_MARKER = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|[-*•])[ \t]+")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*")
_DIGITS = re.compile(r"\d+")

WORDS = {
    "es": {
        "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
        "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14,
        "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
        "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60,
        "setenta": 70, "ochenta": 80, "noventa": 90, "cien": 100,
    },
    "en": {
        "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90,
    },
}  # fmt: skip
# "uno"/"one" are articles far more often than numbers, so they are not checked.
_WORD_PATTERNS = {
    language: re.compile(rf"\b({'|'.join(words)})\b") for language, words in WORDS.items()
}


@dataclass(frozen=True)
class GroundingResult:
    ungrounded: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.ungrounded

    @property
    def reason(self) -> str:
        if self.ok:
            return ""
        return "numbers not in the facts: " + ", ".join(self.ungrounded)


def grounding_check(text: str, facts: Facts, *, language: str = "es") -> GroundingResult:
    """Which numbers of ``text`` (as written) do not come from ``facts``."""
    allowed = _keys(allowed_numbers(facts))
    hours = _keys(_hour_numbers(facts))
    ungrounded: list[str] = []

    def check(written: str, values: Iterable[float]) -> None:
        if not any(_key(v) in allowed for v in values) and written not in ungrounded:
            ungrounded.append(written)

    text = _LIST_MARKER.sub("", text)
    for match in _CLOCK.finditer(text):
        if int(match[1]) not in hours or int(match[2]) != 0:
            ungrounded.append(match[0])
    text = _CLOCK.sub(" ", text)
    for match in _NUMBER.finditer(text):
        check(match[0], _readings(match[0]))
    words = WORDS.get(language, {})
    for match in _WORD_PATTERNS.get(language, _WORD_PATTERNS["es"]).finditer(fold(text)):
        check(match[0], [words[match[0]]])
    return GroundingResult(tuple(ungrounded))


def allowed_numbers(facts: Facts) -> set[float]:
    """Every value a faithful text about ``facts`` may write, before formatting variants."""
    values: list[float | None] = [
        facts.total,
        facts.previous_average,
        facts.last_year_total,
        facts.change_vs_previous_pct,
        facts.change_vs_last_year_pct,
        facts.narratives,
        facts.previous_periods,
    ]
    for c in facts.categories:
        values += [
            c.count,
            c.previous_average,
            c.last_year,
            c.change_vs_previous_pct,
            c.change_vs_last_year_pct,
        ]
    values += [a.count for a in facts.hotspots]
    values += [h.count for h in facts.busiest_hours] + [d.count for d in facts.busiest_weekdays]
    for t in facts.themes:
        values += [t.size, t.share_pct]
    lists = (facts.categories, facts.top_categories, facts.hotspots, facts.themes)
    values += [len(items) for items in lists if items]
    values += [len(facts.busiest_hours), len(facts.busiest_weekdays)]
    if facts.has_suppressed_counts():
        values.append(SUPPRESSION_THRESHOLD)
    values += sorted(facts.parsed_period.numbers())
    values += sorted(_hour_numbers(facts))
    for text in _texts(facts):
        values += [int(d) for d in _DIGITS.findall(text)]
        values += [n for words in WORDS.values() for w in fold(text).split() if (n := words.get(w))]
    found: set[float] = set()
    for value in values:
        if value is not None:
            found |= {abs(value), round_half_up(abs(value)), round_half_up(abs(value), 1)}
    return found


def _hour_numbers(facts: Facts) -> set[int]:
    """Clock numbers for "de 20:00 a 21:00" and "8 p. m." alike."""
    hours: set[int] = set()
    for slot in facts.busiest_hours:
        for hour in (slot.hour, slot.hour + 1):
            hours |= {hour % 24, hour % 12 or 12}
            if hour == 24:
                hours.add(24)
    return hours


def _texts(facts: Facts) -> list[str]:
    texts = [facts.district, facts.period, facts.subject, *facts.top_categories, *facts.notes]
    texts += [c.name for c in facts.categories] + [a.name for a in facts.hotspots]
    for t in facts.themes:
        texts += [t.label, t.example, *t.terms, *t.modus_operandi, *t.times_of_day, *t.place_types]
    return texts


def _readings(written: str) -> list[float]:
    """The values a written number may mean: "1.234" is 1234 in Spanish, 1.234 in English."""
    plain = written.replace("\u00a0", "").replace("\u202f", "")
    if plain.isdigit():
        return [float(plain)]
    readings = []
    for decimal, thousands in ((",", "."), (".", ",")):
        candidate = plain.replace(thousands, "")
        if candidate.count(decimal) <= 1:
            readings.append(float(candidate.replace(decimal, ".")))
    return readings


def _key(value: float) -> float:
    return round(value, 6)


def _keys(values: Iterable[float]) -> set[float]:
    return {_key(v) for v in values}
