from __future__ import annotations

import json
import re

import pytest

from reports.summarizer import (
    Facts,
    narrative_themes,
    render_template,
    summarize,
    themes_summary,
)
from reports.summarizer.lexicon import fold, hours_mentioned, time_of_day
from reports.summarizer.themes import candidate_theme_counts
from tests.reports.samples import (
    ARMED_ROBBERIES,
    BURGLARIES,
    NARRATIVES,
    SNATCHINGS,
    weekly_facts,
)

PERSONAL = ("Juan", "Pérez", "María", "Rosa Salas", "45678912", "987 654 321", "Colonial")


def test_it_finds_no_theme_in_no_narratives() -> None:
    assert narrative_themes([]) == []
    assert narrative_themes(["", "   "]) == []


def test_it_makes_one_theme_of_a_single_narrative() -> None:
    (theme,) = narrative_themes(["", SNATCHINGS[0]])

    assert (theme.size, theme.share, theme.members) == (1, 1.0, (1,))
    assert theme.example.startswith("El agraviado [NOMBRE], con DNI [DNI], refiere")
    assert "arrebato" in theme.modus_operandi
    assert theme.times_of_day == ("noche",)  # from "a las 21:30 horas"


def test_it_makes_one_theme_of_two_narratives() -> None:
    (theme,) = narrative_themes([SNATCHINGS[0], BURGLARIES[0]])

    assert theme.size == 2
    assert theme.members == (0, 1)


def test_it_separates_snatchings_burglaries_and_armed_robberies() -> None:
    themes = narrative_themes(NARRATIVES)

    groups = [set(theme.members) for theme in themes]
    snatchings = set(range(len(SNATCHINGS)))
    burglaries = set(range(len(SNATCHINGS), len(SNATCHINGS) + len(BURGLARIES)))
    armed = set(range(len(NARRATIVES) - len(ARMED_ROBBERIES), len(NARRATIVES)))
    assert groups == [snatchings, burglaries, armed]
    snatching, burglary, armed_robbery = themes
    assert {"arrebato", "en moto"} <= set(snatching.modus_operandi)
    assert snatching.times_of_day == ("noche",)
    assert "paradero" in snatching.place_types
    assert burglary.modus_operandi == ("escalamiento",)
    assert "vivienda" in burglary.place_types
    assert "mañana" in burglary.times_of_day
    assert "a mano armada" in armed_robbery.modus_operandi
    assert "comercio" in armed_robbery.place_types


def test_it_describes_themes_in_words_people_read() -> None:
    snatching = narrative_themes(NARRATIVES)[0]

    assert {"paradero", "celular", "moto"} <= set(snatching.top_terms)
    assert "mañana" in narrative_themes(NARRATIVES)[1].top_terms  # accents are put back
    assert snatching.size == 5
    assert snatching.share == pytest.approx(5 / 12)


def test_it_leaves_no_personal_data_in_terms_or_examples() -> None:
    for theme in narrative_themes(NARRATIVES):
        text = " ".join((theme.example, *theme.top_terms))
        for personal in PERSONAL:
            assert personal not in text
        assert not re.search(r"\d{8}", text)


def test_it_gives_the_same_themes_for_the_same_random_state() -> None:
    assert narrative_themes(NARRATIVES, random_state=3) == narrative_themes(
        NARRATIVES, random_state=3
    )


def test_it_keeps_to_max_themes() -> None:
    assert len(narrative_themes(NARRATIVES, max_themes=1)) == 1
    assert len(narrative_themes(NARRATIVES * 4, max_themes=2)) <= 2
    with pytest.raises(ValueError, match="max_themes"):
        narrative_themes(NARRATIVES, max_themes=0)


def test_it_tries_more_themes_as_narratives_grow() -> None:
    assert list(candidate_theme_counts(3, 5)) == [1]
    assert list(candidate_theme_counts(4, 5)) == [2]
    assert list(candidate_theme_counts(12, 5)) == [2, 3, 4]
    assert list(candidate_theme_counts(400, 5)) == [2, 3, 4, 5]


def test_it_builds_facts_the_summarizer_can_phrase() -> None:
    themes = narrative_themes(NARRATIVES)

    facts = themes_summary(themes, district="Bellavista", period="2025-W10", subject="robo")

    assert facts.narratives == 12
    assert [t.size for t in facts.themes] == [5, 4, 3]
    assert facts.themes[0].share_pct == 41.7
    assert all(t.example == "" for t in facts.themes)  # narratives stay out unless asked
    text = summarize(facts, settings={}).text
    assert text.startswith(
        "En Bellavista, en la semana 2025-W10 (del 3 al 9 de marzo de 2025), se analizaron 12 "
        "relatos de robo y se agruparon en 3 temas."
    )
    assert "5 relatos (42 % del total); modalidad: arrebato, en moto" in text


def test_its_facts_round_trip_through_json_with_themes() -> None:
    facts = themes_summary(
        narrative_themes(NARRATIVES), district="Callao", period="2025-W10", include_examples=True
    )

    assert Facts.from_dict(json.loads(facts.to_json())) == facts


def test_it_adds_examples_only_when_asked_and_merges_with_counts() -> None:
    themes = narrative_themes(NARRATIVES)

    facts = themes_summary(
        themes,
        district="Bellavista",
        period="2025-W10",
        include_examples=True,
        base=weekly_facts(),
    )

    assert facts.total == 42
    assert all(t.example for t in facts.themes)
    assert "Ejemplo: «" in render_template(facts)
    assert "\n\nSe analizaron 12 relatos y se agruparon en 3 temas. Tema «" in render_template(
        facts
    )


@pytest.mark.parametrize(
    ("narrative", "hours"),
    [
        ("a las 21:30 horas", [21]),
        ("siendo las 08h15 aprox.", [8]),
        ("a las 9 p.m. cerca del paradero", [21]),
        ("a la 1 am", [1]),
        ("pagó S/ 12.50 y se registraron 42 incidentes", []),
    ],
)
def test_it_reads_clock_times_in_narratives(narrative: str, hours: list[int]) -> None:
    assert hours_mentioned(fold(narrative)) == hours


def test_it_names_the_part_of_the_day() -> None:
    assert [time_of_day(h) for h in (2, 7, 15, 21)] == ["madrugada", "mañana", "tarde", "noche"]
