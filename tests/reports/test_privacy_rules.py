"""The disclosure-control rules of reports/privacy.py, on small hand-made tables."""

from __future__ import annotations

import itertools

from reports.privacy import (
    OMITTED,
    SHOWN,
    SUPPRESSED,
    WITHHELD,
    protect_sum,
    protect_table,
)


def test_counts_under_5_are_suppressed_and_zero_is_too() -> None:
    table = protect_table({"robo": 12, "hurto": 0, "estafa": 4, "lesiones": 5})
    # 21 - 17 = 4 would reveal the estafa count: the smallest shown cell is withheld too.
    assert table.status == {
        "robo": SHOWN,
        "hurto": SUPPRESSED,
        "estafa": SUPPRESSED,
        "lesiones": WITHHELD,
    }
    assert table.value("estafa") is None
    assert table.total == 21


def test_withholding_goes_on_until_the_remainder_is_at_least_5() -> None:
    table = protect_table({"a": 20, "b": 6, "c": 5, "d": 1})
    assert table.shown() == {"a": 20, "b": 6}
    assert table.total is not None
    assert table.total - sum(table.shown().values()) == 6


def test_a_remainder_of_zero_discloses_nobody_and_keeps_every_cell() -> None:
    table = protect_table({"a": 9, "b": 7, "c": 0})
    assert table.shown() == {"a": 9, "b": 7}


def test_a_total_under_5_hides_the_whole_table() -> None:
    table = protect_table({"a": 3, "b": 1})
    assert table.total is None
    assert table.shown() == {}


def test_top_n_tables_hide_the_rest_and_still_protect_the_remainder() -> None:
    hours = {str(h): 0 for h in range(24)} | {"20": 9, "21": 7, "19": 6, "3": 2}
    table = protect_table(hours, top=2)
    assert table.status["19"] == OMITTED
    assert table.shown() == {"20": 9, "21": 7}  # remainder 8: safe
    tight = protect_table({"20": 9, "21": 7, "3": 2}, top=2)
    assert tight.shown() == {"20": 9}  # 18 - 16 = 2 would reveal the 3 a.m. incidents


def test_a_sum_of_published_weeks_is_hidden_when_its_hidden_weeks_add_up_to_under_5() -> None:
    assert protect_sum([(6, True), (7, True), (3, False), (8, True)]) is None
    assert protect_sum([(6, True), (7, True), (3, False), (4, False)]) == 20
    assert protect_sum([(6, True), (7, True), (8, True), (9, True)]) == 30
    assert protect_sum([(1, False), (2, False)]) is None


def test_no_table_ever_lets_a_reader_compute_a_count_from_1_to_4() -> None:
    for cells in itertools.product([0, 1, 3, 4, 5, 6, 9], repeat=4):
        counts = {f"c{i}": n for i, n in enumerate(cells)}
        table = protect_table(counts)
        shown = table.shown()
        assert all(value >= 5 for value in shown.values()), cells
        if table.total is not None:
            remainder = table.total - sum(shown.values())
            assert remainder == 0 or remainder >= 5, cells
        else:
            assert shown == {}, cells
