"""What a model is told: short instructions and the facts as compact JSON."""

from __future__ import annotations

import json
from typing import Any

from reports.summarizer.backends import template_en, template_es
from reports.summarizer.facts import SUPPRESSION_THRESHOLD, Facts

INSTRUCTIONS = {
    "es": (
        "Eres analista de seguridad ciudadana en el Callao (Perú). Escribe en español del Perú "
        "un resumen breve y claro, de 3 a 6 oraciones, para vecinos y autoridades, usando solo "
        "los datos en JSON que recibes. Reglas: cada número que escribas debe figurar en los "
        "datos (no calcules cifras nuevas); un recuento null significa «menos de "
        f"{SUPPRESSION_THRESHOLD}»; usa coma decimal; no escribas nombres de personas, "
        "direcciones ni teléfonos; no opines ni des consejos. Responde solo con el resumen."
    ),
    "en": (
        "You are a public-safety analyst in Callao, Peru. Write a short, clear summary in "
        "English, 3 to 6 sentences, for residents and officials, using only the JSON data you "
        "receive. Rules: every number you write must appear in the data (do not compute new "
        f"figures); a null count means 'fewer than {SUPPRESSION_THRESHOLD}'; do not write names "
        "of people, addresses or phone numbers; give no opinions or advice. Reply with the "
        "summary only."
    ),
}
DATA_LABEL = {"es": "Datos", "en": "Data"}


def prompt_messages(facts: Facts, language: str) -> tuple[str, str]:
    """(system, user) messages; ``facts`` must already be scrubbed."""
    payload = json.dumps(prompt_payload(facts, language), ensure_ascii=False, separators=(",", ":"))
    return INSTRUCTIONS[language], f"{DATA_LABEL[language]}:\n{payload}"


def prompt_payload(facts: Facts, language: str) -> dict[str, Any]:
    """The facts as a model reads them best: labels in words, no empty fields."""
    weekdays = template_es.WEEKDAYS if language == "es" else template_en.WEEKDAYS
    payload: dict[str, Any] = {
        "district": facts.district,
        "period": facts.period_label(language),
        "previous_periods_averaged": facts.previous_periods,
    }
    if facts.has_overview():
        payload["total_incidents"] = facts.total
        payload |= _present(
            average_previous_periods=facts.previous_average,
            change_vs_previous_pct=facts.change_vs_previous_pct,
            same_period_last_year=facts.last_year_total,
            change_vs_last_year_pct=facts.change_vs_last_year_pct,
        )
    payload |= _present(
        categories=[
            {"name": c.name, "count": c.count}
            | _present(
                average_previous_periods=c.previous_average,
                change_vs_previous_pct=c.change_vs_previous_pct,
                same_period_last_year=c.last_year,
                change_vs_last_year_pct=c.change_vs_last_year_pct,
            )
            for c in facts.categories
        ],
        top_categories=list(facts.top_categories),
        hotspots=[{"area": a.name, "count": a.count} for a in facts.hotspots],
        busiest_hours=[
            {"hours": f"{h.hour:02d}:00-{(h.hour + 1) % 24:02d}:00", "count": h.count}
            for h in facts.busiest_hours
        ],
        busiest_weekdays=[
            {"day": weekdays[d.weekday], "count": d.count} for d in facts.busiest_weekdays
        ],
        narratives_analysed=facts.narratives,
        narratives_about=facts.subject,
        themes=[
            {"label": t.label, "narratives": t.size, "share_pct": t.share_pct}
            | _present(
                terms=list(t.terms),
                modus_operandi=list(t.modus_operandi),
                times_of_day=list(t.times_of_day),
                place_types=list(t.place_types),
                example=t.example,
            )
            for t in facts.themes
        ],
        notes=list(facts.notes),
    )
    return payload


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}
