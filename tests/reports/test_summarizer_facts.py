from __future__ import annotations

import json

import pytest

from reports.summarizer import Facts, facts_build, pct_change
from reports.summarizer.formatting import format_count, format_decimal, format_pct, round_half_up
from reports.summarizer.period import period_parse
from tests.reports.samples import weekly_facts


def test_it_derives_totals_changes_and_rankings_from_counts() -> None:
    facts = facts_build(
        district="Callao",
        period="2025-W10",
        counts={"Robo": 18, "Hurto": 12, "Estafa": 0},
        previous_average={"Robo": 15.0, "Hurto": 16.0, "Estafa": 0.0},
        last_year={"Robo": 12, "Hurto": 12, "Estafa": 2},
        hours={20: 9, 21: 9, 3: 1, 4: None, 5: 0},
        weekdays={4: 11, 5: 2},
    )

    assert (facts.total, facts.previous_average, facts.last_year_total) == (30, 31.0, 26)
    assert facts.change_vs_previous_pct == -3.2
    assert facts.change_vs_last_year_pct == 15.4
    assert facts.top_categories == ("Robo", "Hurto")  # a zero is not a "top" category
    robo = facts.categories[0]
    assert (robo.change_vs_previous_pct, robo.change_vs_last_year_pct) == (20.0, 50.0)
    assert facts.categories[-1].change_vs_previous_pct is None  # no change from a zero base
    assert [(h.hour, h.count) for h in facts.busiest_hours] == [(20, 9), (21, 9), (3, 1)]
    assert [(d.weekday, d.count) for d in facts.busiest_weekdays] == [(4, 11), (5, 2)]


def test_it_will_not_guess_a_total_when_a_category_is_suppressed() -> None:
    with pytest.raises(ValueError, match="suppressed"):
        facts_build(district="Callao", period="2025-W10", counts={"Robo": 9, "Estafa": None})

    facts = facts_build(
        district="Callao", period="2025-W10", counts={"Robo": 9, "Estafa": None}, total=12
    )
    assert facts.total == 12
    assert facts.categories[-1].count is None


def test_it_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        facts_build(district="Callao", period="2025-W10", counts={"Robo": -1})


def test_it_round_trips_through_json() -> None:
    facts = weekly_facts()

    assert Facts.from_dict(json.loads(facts.to_json())) == facts


def test_it_rounds_percentages_half_up_like_a_person() -> None:
    assert pct_change(42, 37.5) == 12.0
    assert pct_change(1, 8) == -87.5
    assert pct_change(5, None) is None
    assert round_half_up(12.5) == 13
    assert round_half_up(-12.5) == -13
    assert format_pct(12.5, "es") == "13 %"
    assert format_pct(-8.7, "en") == "9%"


def test_it_formats_numbers_for_peru_and_for_english_readers() -> None:
    assert format_count(1234, "es") == "1234"
    assert format_count(12345, "es") == "12\u00a0345"
    assert format_count(12345, "en") == "12,345"
    assert format_decimal(37.5, "es") == "37,5"
    assert format_decimal(37.5, "en") == "37.5"
    assert format_decimal(38.0, "es") == "38"


def test_it_reads_week_and_month_codes_and_keeps_other_labels() -> None:
    week = period_parse("2025-W10")
    assert (week.kind, str(week.start), str(week.end)) == ("week", "2025-03-03", "2025-03-09")
    month = period_parse("2024-02")
    assert (month.kind, str(month.end)) == ("month", "2024-02-29")
    assert period_parse("verano 2025").kind == "other"
    assert period_parse("2025-W60").kind == "other"
