"""The template summary in Spanish (es-PE): one sentence per fact, always the same words."""

from __future__ import annotations

import re

from reports.summarizer.facts import SUPPRESSION_THRESHOLD, CategoryFacts, Facts, ThemeFacts
from reports.summarizer.formatting import format_count, format_decimal, format_pct

NUMBER_WORDS = {2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis", 7: "siete", 8: "ocho"}
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
WEEKDAYS_PLURAL = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábados", "domingos")
UNDER = f"menos de {SUPPRESSION_THRESHOLD}"


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
    """ "a, b y c", with "e" before a word that sounds like "i" ("robo e hurto")."""
    if len(items) < 2:
        return "".join(items)
    last = items[-1]
    conjunction = "e" if re.match(r"(?i)h?i(?!e)", last) else "y"
    return f"{', '.join(items[:-1])} {conjunction} {last}"


def n(count: int | None) -> str:
    return UNDER if count is None else format_count(count, "es")


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = capitalize(text.strip())
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _unit(facts: Facts) -> tuple[str, str, str]:
    """(plural noun, article, "anteriores" agreement) for the kind of period."""
    kind = facts.parsed_period.kind
    if kind == "week":
        return "semanas", "las", "la misma semana del año pasado"
    if kind == "month":
        return "meses", "los", "el mismo mes del año pasado"
    return "periodos", "los", "el mismo periodo del año pasado"


def _previous_reference(facts: Facts) -> str:
    noun, article, _ = _unit(facts)
    if facts.previous_periods == 1:
        singular = {"semanas": "la semana", "meses": "el mes", "periodos": "el periodo"}[noun]
        return f"{singular} anterior"
    count = NUMBER_WORDS.get(facts.previous_periods, str(facts.previous_periods))
    return f"el promedio de {article} {count} {noun} anteriores"


def _contract(preposition: str, phrase: str) -> str:
    """Spanish contracts "a el" to "al" and "de el" to "del"."""
    if phrase.startswith("el "):
        return f"{preposition}l {phrase[3:]}"
    return f"{preposition} {phrase}"


def _compare_previous(facts: Facts) -> str:
    if facts.previous_average is None:
        return ""
    ref = _previous_reference(facts)
    average = format_decimal(facts.previous_average, "es")
    pct = facts.change_vs_previous_pct
    if pct is None:
        return f"{_contract('frente a', ref)} ({average})"
    return _change(pct, f"{ref} ({average})", "")


def _compare_last_year(facts: Facts) -> str:
    if facts.last_year_total is None:
        return ""
    ref = _unit(facts)[2]
    last_year = format_count(facts.last_year_total, "es")
    pct = facts.change_vs_last_year_pct
    if pct is None:
        return f"frente a {last_year} en {ref}"
    return _change(pct, f"{ref} ({last_year})", "en ")


def _change(pct: float, reference: str, preposition: str) -> str:
    if format_pct(pct, "es") == "0 %":
        return f"prácticamente la misma cifra que {preposition}{reference}"
    direction = "más" if pct > 0 else "menos"
    return f"{format_pct(pct, 'es')} {direction} que {preposition}{reference}"


def _overview(facts: Facts) -> str:
    if not facts.has_overview():
        return ""
    where, when = facts.district, facts.period_label("es")
    if facts.total is None:
        return f"En {where} se registraron {UNDER} incidentes en {when}."
    if facts.total == 0:
        return f"En {where} no se registraron incidentes en {when}."
    verb, noun = ("registró", "incidente") if facts.total == 1 else ("registraron", "incidentes")
    text = f"En {where} se {verb} {n(facts.total)} {noun} en {when}"
    comparisons = [c for c in (_compare_previous(facts), _compare_last_year(facts)) if c]
    if comparisons:
        text += ", " + join(comparisons)
    return text + "."


def _categories(facts: Facts) -> list[str]:
    by_name = {c.name: c for c in facts.categories}
    top = [f"{name} ({n(by_name[name].count)})" for name in facts.top_categories if name in by_name]
    sentences = []
    if len(top) == 1:
        sentences.append(f"La categoría con más incidentes fue {top[0]}.")
    elif top:
        sentences.append(f"Las categorías con más incidentes fueron {join(top)}.")
    changes = facts.notable_changes()
    rises = [_pct_of(c) for c in changes if (c.change_vs_previous_pct or 0) > 0]
    falls = [_pct_of(c) for c in changes if (c.change_vs_previous_pct or 0) < 0]
    parts = []
    if rises:
        parts.append(f"{'un aumento' if len(rises) == 1 else 'aumentos'} en {join(rises)}")
    if falls:
        parts.append(
            f"{'una disminución' if len(falls) == 1 else 'disminuciones'} en {join(falls)}"
        )
    if parts:
        ref = capitalize(_contract("frente a", _previous_reference(facts)))
        sentences.append(f"{ref}, hubo {', y '.join(parts)}.")
    suppressed = [c.name for c in facts.categories if c.count is None]
    if len(suppressed) == 1:
        sentences.append(f"La categoría {suppressed[0]} registró {UNDER} incidentes.")
    elif suppressed:
        sentences.append(
            f"Las categorías {join(suppressed)} registraron {UNDER} incidentes cada una."
        )
    return sentences


def _pct_of(category: CategoryFacts) -> str:
    return f"{category.name} ({format_pct(category.change_vs_previous_pct or 0, 'es')})"


def _hotspots(facts: Facts) -> str:
    areas = [f"{a.name} ({n(a.count)})" for a in facts.hotspots]
    if len(areas) == 1:
        return f"La zona con más incidentes fue {areas[0]}."
    return f"Las zonas con más incidentes fueron {join(areas)}." if areas else ""


def _hours(facts: Facts) -> str:
    spans = [
        f"de {h.hour:02d}:00 a {(h.hour + 1) % 24:02d}:00 ({n(h.count)})"
        for h in facts.busiest_hours
    ]
    if len(spans) == 1:
        return f"La franja horaria con más incidentes fue {spans[0]}."
    return f"Las franjas horarias con más incidentes fueron {join(spans)}." if spans else ""


def _weekdays(facts: Facts) -> str:
    days = facts.busiest_weekdays
    weekly = facts.parsed_period.kind == "week"
    subject = "día" if weekly else "día de la semana"
    if len(days) == 1:
        only = days[0]
        return f"El {subject} con más incidentes fue el {WEEKDAYS[only.weekday]} ({n(only.count)})."
    # Over a month a weekday happens four or five times: "los viernes".
    article, names = ("el", WEEKDAYS) if weekly else ("los", WEEKDAYS_PLURAL)
    listed = join([f"{article} {names[d.weekday]} ({n(d.count)})" for d in days])
    plural = "días" if weekly else "días de la semana"
    return f"Los {plural} con más incidentes fueron {listed}." if days else ""


def _themes(facts: Facts) -> list[str]:
    if not facts.themes:
        return []
    total = facts.narratives if facts.narratives is not None else sum(t.size for t in facts.themes)
    where = "" if facts.has_overview() else f"En {facts.district}, en {facts.period_label('es')}, "
    about = f" de {facts.subject}" if facts.subject else ""
    analysed = "se analizó 1 relato" if total == 1 else f"se analizaron {n(total)} relatos"
    groups = "1 tema" if len(facts.themes) == 1 else f"{len(facts.themes)} temas"
    grouped = "se agrupó" if total == 1 else "se agruparon"
    sentences = [_sentence(f"{where}{analysed}{about} y {grouped} en {groups}")]
    return sentences + [_theme(theme) for theme in facts.themes]


def _theme(theme: ThemeFacts) -> str:
    size = "1 relato" if theme.size == 1 else f"{n(theme.size)} relatos"
    parts = [f"Tema «{theme.label}»: {size} ({format_pct(theme.share_pct, 'es')} del total)"]
    for title, words in (
        ("modalidad", theme.modus_operandi),
        ("momento del día", theme.times_of_day),
        ("lugar", theme.place_types),
    ):
        if words:
            parts.append(f"{title}: {', '.join(words)}")
    text = "; ".join(parts) + "."
    if theme.example:
        text += f" Ejemplo: «{theme.example}»."
    return text
