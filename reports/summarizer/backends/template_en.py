"""The template summary in English, mirroring the Spanish one sentence for sentence."""

from __future__ import annotations

from reports.summarizer.backends.template_es import capitalize
from reports.summarizer.facts import SUPPRESSION_THRESHOLD, CategoryFacts, Facts, ThemeFacts
from reports.summarizer.formatting import format_count, format_decimal, format_pct
from reports.summarizer.lexicon import ENGLISH

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UNDER = f"fewer than {SUPPRESSION_THRESHOLD}"


def render(facts: Facts) -> list[list[str]]:
    """Paragraphs of sentences."""
    counts = [_overview(facts), *_categories(facts)]
    where_when = [_hotspots(facts), _hours(facts), _weekdays(facts)]
    return [
        [s for s in counts if s],
        [s for s in where_when if s],
        _themes(facts),
        [_sentence(note) for note in facts.notes if note.strip()],
    ]


def join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def n(count: int | None) -> str:
    return UNDER if count is None else format_count(count, "en")


def _sentence(text: str) -> str:
    text = capitalize(text.strip())
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _noun(facts: Facts) -> str:
    return {"week": "week", "month": "month"}.get(facts.parsed_period.kind, "period")


def _previous_reference(facts: Facts) -> str:
    noun = _noun(facts)
    if facts.previous_periods == 1:
        return f"the previous {noun}"
    count = NUMBER_WORDS.get(facts.previous_periods, str(facts.previous_periods))
    return f"the average of the previous {count} {noun}s"


def _compare_previous(facts: Facts) -> str:
    if facts.previous_average is None:
        return ""
    ref = _previous_reference(facts)
    average = format_decimal(facts.previous_average, "en")
    pct = facts.change_vs_previous_pct
    if pct is None:
        return f"compared with {ref} ({average})"
    return _change(pct, f"{ref} ({average})", "")


def _compare_last_year(facts: Facts) -> str:
    if facts.last_year_total is None:
        return ""
    ref = f"the same {_noun(facts)} last year"
    last_year = format_count(facts.last_year_total, "en")
    pct = facts.change_vs_last_year_pct
    if pct is None:
        return f"compared with {last_year} in {ref}"
    return _change(pct, f"{ref} ({last_year})", "in ")


def _change(pct: float, reference: str, preposition: str) -> str:
    if format_pct(pct, "en") == "0%":
        return f"about the same as {preposition}{reference}"
    direction = "more" if pct > 0 else "fewer"
    return f"{format_pct(pct, 'en')} {direction} than {preposition}{reference}"


def _overview(facts: Facts) -> str:
    if not facts.has_overview():
        return ""
    where, when = facts.district, facts.period_label("en")
    if facts.total is None:
        return f"In {where}, {UNDER} incidents were recorded in {when}."
    if facts.total == 0:
        return f"In {where}, no incidents were recorded in {when}."
    noun = "incident was" if facts.total == 1 else "incidents were"
    text = f"In {where}, {n(facts.total)} {noun} recorded in {when}"
    comparisons = [c for c in (_compare_previous(facts), _compare_last_year(facts)) if c]
    if comparisons:
        text += ", " + join(comparisons)
    return text + "."


def _categories(facts: Facts) -> list[str]:
    by_name = {c.name: c for c in facts.categories}
    top = [f"{name} ({n(by_name[name].count)})" for name in facts.top_categories if name in by_name]
    sentences = []
    if len(top) == 1:
        sentences.append(f"The category with the most incidents was {top[0]}.")
    elif top:
        sentences.append(f"The categories with the most incidents were {join(top)}.")
    changes = facts.notable_changes()
    rises = [_pct_of(c) for c in changes if (c.change_vs_previous_pct or 0) > 0]
    falls = [_pct_of(c) for c in changes if (c.change_vs_previous_pct or 0) < 0]
    parts = []
    if rises:
        parts.append(f"{'an increase' if len(rises) == 1 else 'increases'} in {join(rises)}")
    if falls:
        parts.append(f"{'a decrease' if len(falls) == 1 else 'decreases'} in {join(falls)}")
    if parts:
        ref = _previous_reference(facts)
        sentences.append(f"Compared with {ref}, there {_were(parts)} {', and '.join(parts)}.")
    suppressed = [c.name for c in facts.categories if c.count is None]
    if len(suppressed) == 1:
        sentences.append(f"The category {suppressed[0]} had {UNDER} incidents.")
    elif suppressed:
        sentences.append(f"The categories {join(suppressed)} each had {UNDER} incidents.")
    return sentences


def _pct_of(category: CategoryFacts) -> str:
    return f"{category.name} ({format_pct(category.change_vs_previous_pct or 0, 'en')})"


def _were(parts: list[str]) -> str:
    return "was" if len(parts) == 1 and parts[0].startswith("a") else "were"


def _hotspots(facts: Facts) -> str:
    areas = [f"{a.name} ({n(a.count)})" for a in facts.hotspots]
    if len(areas) == 1:
        return f"The area with the most incidents was {areas[0]}."
    return f"The areas with the most incidents were {join(areas)}." if areas else ""


def _hours(facts: Facts) -> str:
    spans = [
        f"{h.hour:02d}:00–{(h.hour + 1) % 24:02d}:00 ({n(h.count)})" for h in facts.busiest_hours
    ]
    if len(spans) == 1:
        return f"The busiest hour was {spans[0]}."
    return f"The busiest hours were {join(spans)}." if spans else ""


def _weekdays(facts: Facts) -> str:
    weekly = facts.parsed_period.kind == "week"
    suffix = "" if weekly else "s"
    days = [f"{WEEKDAYS[d.weekday]}{suffix} ({n(d.count)})" for d in facts.busiest_weekdays]
    noun = "day" if weekly else "weekday"
    if len(days) == 1:
        return f"The busiest {noun} was {days[0]}."
    return f"The busiest {noun}s were {join(days)}." if days else ""


def _themes(facts: Facts) -> list[str]:
    if not facts.themes:
        return []
    total = facts.narratives if facts.narratives is not None else sum(t.size for t in facts.themes)
    where = "" if facts.has_overview() else f"In {facts.district}, in {facts.period_label('en')}, "
    about = f" about {facts.subject}" if facts.subject else ""
    analysed = "1 narrative" if total == 1 else f"{n(total)} narratives"
    verb = "was" if total == 1 else "were"
    groups = "1 theme" if len(facts.themes) == 1 else f"{len(facts.themes)} themes"
    sentences = [_sentence(f"{where}{analysed}{about} {verb} analysed and grouped into {groups}")]
    return sentences + [_theme(theme) for theme in facts.themes]


def _theme(theme: ThemeFacts) -> str:
    size = "1 narrative" if theme.size == 1 else f"{n(theme.size)} narratives"
    parts = [f"Theme “{theme.label}”: {size} ({format_pct(theme.share_pct, 'en')} of the total)"]
    for title, words in (
        ("modus operandi", theme.modus_operandi),
        ("time of day", theme.times_of_day),
        ("places", theme.place_types),
    ):
        if words:
            parts.append(f"{title}: {', '.join(ENGLISH.get(w, w) for w in words)}")
    text = "; ".join(parts) + "."
    if theme.example:
        text += f" Example (in Spanish): “{theme.example}”."
    return text
