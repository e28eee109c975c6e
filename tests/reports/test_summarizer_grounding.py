from __future__ import annotations

import pytest

from reports.summarizer import facts_build, grounding_check, render_template, themes_summary
from reports.summarizer.themes import narrative_themes
from tests.reports.samples import NARRATIVES, weekly_facts


@pytest.mark.parametrize("language", ["es", "en"])
def test_it_accepts_the_templates_own_text(language: str) -> None:
    facts = weekly_facts()

    assert grounding_check(render_template(facts, language), facts, language=language).ok


def test_it_accepts_the_template_text_about_themes() -> None:
    themes = narrative_themes(NARRATIVES)
    facts = themes_summary(themes, district="Bellavista", period="2025-W10", base=weekly_facts())

    assert grounding_check(render_template(facts), facts).ok


def test_it_rejects_an_invented_number_and_says_which() -> None:
    result = grounding_check("En Bellavista hubo 42 incidentes y 57 robos.", weekly_facts())

    assert not result.ok
    assert result.ungrounded == ("57",)
    assert result.reason == "numbers not in the facts: 57"


@pytest.mark.parametrize(
    "text",
    [
        "Se registraron 42 incidentes, un 12 % más.",
        "Un aumento de 12,0 % frente a un promedio de 37,5.",
        "An increase of 12.0% against an average of 37.5.",
        "El promedio fue de unos 38 incidentes.",  # 37,5 rounded
        "Los incidentes bajaron 9 % frente al año pasado.",  # -8,7 % rounded
        "Bajaron un 8,7 % respecto de 2024.",  # the previous year is implied by the comparison
        "En la semana 2025-W10, del 3 al 9 de marzo de 2025.",
        "La franja de 20:00 a 21:00 y la de las 8 p. m.",
        "Robo de vehículo: menos de 5 casos.",
        "Hubo doce hurtos y cuatro semanas de comparación.",
        "1. Robo: 18\n2. Hurto: 12\n3. Lesiones: 7",
    ],
)
def test_it_accepts_numbers_from_the_facts_in_any_usual_format(text: str) -> None:
    result = grounding_check(text, weekly_facts())

    assert result.ok, result.reason


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Hubo 43 incidentes.", "43"),
        ("Subieron un 13,5 %.", "13,5"),
        ("El promedio fue 37,6.", "37,6"),
        ("El mayor pico fue a las 21:30.", "21:30"),
        ("La franja de 02:00 a 03:00.", "02:00"),
        ("Como en la semana 2025-W23.", "23"),
        ("Según la Ley 30077, los robos bajaron.", "30077"),
        ("Hubo cincuenta robos.", "cincuenta"),
        ("Se registraron 1.250 llamadas.", "1.250"),
    ],
)
def test_it_rejects_numbers_that_are_not_facts(text: str, invented: str) -> None:
    result = grounding_check(text, weekly_facts())

    assert invented in result.ungrounded


def test_it_allows_menos_de_5_only_when_something_was_suppressed() -> None:
    nothing_suppressed = facts_build(district="Callao", period="2025-W10", counts={"Robo": 42})

    assert not grounding_check("Menos de 5 robos.", nothing_suppressed).ok


def test_it_checks_spelled_out_numbers_in_english_too() -> None:
    assert grounding_check("Twelve thefts over four weeks.", weekly_facts(), language="en").ok
    assert not grounding_check("Thirty thefts.", weekly_facts(), language="en").ok


def test_it_allows_digits_that_are_part_of_names_in_the_facts() -> None:
    facts = facts_build(
        district="Callao", period="2025-W10", counts={"Robo": 7}, hotspots={"Sector 14": 6}
    )

    assert grounding_check("El Sector 14 concentró 6 robos.", facts).ok
