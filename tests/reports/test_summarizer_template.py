from __future__ import annotations

import pytest

from reports.summarizer import facts_build, render_template, themes_summary
from reports.summarizer.backends.template_es import join
from reports.summarizer.themes import Theme
from tests.reports.samples import weekly_facts

WEEKLY_ES = (
    "En Bellavista se registraron 42 incidentes en la semana 2025-W10 (del 3 al 9 de marzo de "
    "2025), 12 % más que el promedio de las cuatro semanas anteriores (37,5) y 9 % menos que en "
    "la misma semana del año pasado (46). Las categorías con más incidentes fueron Robo (18), "
    "Hurto (12) y Lesiones (7). Frente al promedio de las cuatro semanas anteriores, hubo "
    "aumentos en Estafa (33 %), Lesiones (27 %) y Robo (20 %). La categoría Robo de vehículo "
    "registró menos de 5 incidentes."
    "\n\n"
    "Las zonas con más incidentes fueron Cercado de Bellavista (12), Urb. Santa Marina (8) y "
    "Ciudad del Pescador (menos de 5). Las franjas horarias con más incidentes fueron de 20:00 a "
    "21:00 (9), de 21:00 a 22:00 (7) y de 19:00 a 20:00 (5). Los días con más incidentes fueron "
    "el viernes (11) y el sábado (9)."
)
WEEKLY_EN = (
    "In Bellavista, 42 incidents were recorded in week 2025-W10 (3–9 March 2025), 12% more than "
    "the average of the previous four weeks (37.5) and 9% fewer than in the same week last year "
    "(46). The categories with the most incidents were Robo (18), Hurto (12) and Lesiones (7). "
    "Compared with the average of the previous four weeks, there were increases in Estafa (33%), "
    "Lesiones (27%) and Robo (20%). The category Robo de vehículo had fewer than 5 incidents."
    "\n\n"
    "The areas with the most incidents were Cercado de Bellavista (12), Urb. Santa Marina (8) and "
    "Ciudad del Pescador (fewer than 5). The busiest hours were 20:00–21:00 (9), 21:00–22:00 (7) "
    "and 19:00–20:00 (5). The busiest days were Friday (11) and Saturday (9)."
)


def test_it_writes_the_weekly_summary_in_spanish_word_for_word() -> None:
    assert render_template(weekly_facts(), "es") == WEEKLY_ES


def test_it_writes_the_weekly_summary_in_english_word_for_word() -> None:
    assert render_template(weekly_facts(), "en") == WEEKLY_EN


def test_it_writes_spanish_by_default_and_the_same_text_every_time() -> None:
    assert {render_template(weekly_facts()) for _ in range(3)} == {WEEKLY_ES}


def test_it_says_menos_de_5_for_every_suppressed_count() -> None:
    facts = facts_build(district="La Punta", period="2025-03", counts={"Robo": None}, total=None)

    assert render_template(facts) == (
        "En La Punta se registraron menos de 5 incidentes en marzo de 2025. "
        "La categoría Robo registró menos de 5 incidentes."
    )
    assert render_template(facts, "en") == (
        "In La Punta, fewer than 5 incidents were recorded in March 2025. "
        "The category Robo had fewer than 5 incidents."
    )


def test_it_names_months_and_a_single_incident_in_the_singular() -> None:
    facts = facts_build(
        district="Ventanilla",
        period="2025-02",
        counts={"Hurto": 1},
        previous_average={"Hurto": 1.0},
        last_year={"Hurto": 0},
        previous_periods=3,
        weekdays={6: 1},
    )

    assert render_template(facts) == (
        "En Ventanilla se registró 1 incidente en febrero de 2025, prácticamente la misma cifra "
        "que el promedio de los tres meses anteriores (1) y frente a 0 en el mismo mes del año "
        "pasado. La categoría con más incidentes fue Hurto (1)."
        "\n\n"
        "El día de la semana con más incidentes fue el domingo (1)."
    )


def test_it_writes_weekdays_in_the_plural_for_a_month() -> None:
    facts = facts_build(
        district="Callao", period="2025-03", counts={"Robo": 80}, weekdays={4: 30, 5: 25}
    )

    assert (
        "Los días de la semana con más incidentes fueron los viernes (30) y los sábados (25)."
        in (render_template(facts))
    )
    assert "The busiest weekdays were Fridays (30) and Saturdays (25)." in (
        render_template(facts, "en")
    )


def test_it_dates_a_week_that_spans_two_years() -> None:
    facts = facts_build(district="Callao", period="2025-W01", counts={"Robo": 30})

    assert "la semana 2025-W01 (del 30 de diciembre de 2024 al 5 de enero de 2025)" in (
        render_template(facts)
    )
    assert "week 2025-W01 (30 December 2024 – 5 January 2025)" in render_template(facts, "en")


def test_it_groups_thousands_the_peruvian_way_and_uses_a_decimal_comma() -> None:
    facts = facts_build(
        district="Callao",
        period="2025-W10",
        counts={"Robo": 12_345},
        previous_average={"Robo": 10_000.25},
    )

    assert "12\u00a0345 incidentes" in render_template(facts)
    assert "(10\u00a0000,3)" in render_template(facts)
    assert "12,345 incidents" in render_template(facts, "en")
    assert "(10,000.3)" in render_template(facts, "en")


def test_it_describes_narrative_themes_without_counts() -> None:
    theme = Theme(
        size=5,
        share=5 / 12,
        top_terms=("arrebataron", "paradero", "celular"),
        example="",
        modus_operandi=("arrebato", "en moto"),
        times_of_day=("noche",),
        place_types=("paradero",),
        members=(0, 1, 2, 3, 4),
    )
    facts = themes_summary([theme], district="Bellavista", period="2025-W10", subject="robo")

    assert render_template(facts) == (
        "En Bellavista, en la semana 2025-W10 (del 3 al 9 de marzo de 2025), se analizaron 5 "
        "relatos de robo y se agruparon en 1 tema. Tema «arrebataron, paradero, celular»: 5 "
        "relatos (42 % del total); modalidad: arrebato, en moto; momento del día: noche; lugar: "
        "paradero."
    )
    assert "modus operandi: snatching, on a motorcycle; time of day: night; places: bus stop." in (
        render_template(facts, "en")
    )


def test_it_writes_e_instead_of_y_before_a_word_that_sounds_like_i() -> None:
    assert join(["Robo", "Incendio"]) == "Robo e Incendio"
    assert join(["Robo", "Hidrocarburos"]) == "Robo e Hidrocarburos"
    assert join(["Robo", "Hierro"]) == "Robo y Hierro"
    assert join(["Robo", "Hurto", "Estafa"]) == "Robo, Hurto y Estafa"


def test_it_adds_the_notes_as_a_last_paragraph() -> None:
    facts = facts_build(
        district="Callao", period="2025-W10", counts={"Robo": 9}, notes=["datos preliminares"]
    )

    assert render_template(facts).endswith("\n\nDatos preliminares.")


def test_it_refuses_a_language_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="language"):
        render_template(weekly_facts(), "qu")
