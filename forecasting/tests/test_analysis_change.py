"""The exact test of a change between two Poisson counts, and rates per inhabitants."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from scipy.stats import binomtest

from forecasting.analysis import poisson_change_test, rate_per
from forecasting.errors import InputError


def test_poisson_change_by_hand() -> None:
    # 30 this month, 15 the month before: given 45, 30 or more (or 15 or fewer) of them
    # falling in this month has probability 2 * P(Binomial(45, 1/2) >= 30).
    result = poisson_change_test(30, 15)
    tail = sum(comb(45, k) for k in range(30, 46)) / 2**45
    assert result.change_pct == pytest.approx(100.0)
    assert result.p_value == pytest.approx(2 * tail, rel=1e-12)
    assert result.significant(0.05) and not result.significant(0.01)


def test_poisson_change_against_scipy_with_exposures() -> None:
    rng = np.random.default_rng(8)
    for _ in range(50):
        current, previous = (int(v) for v in rng.integers(0, 60, size=2))
        e_c, e_p = (float(v) for v in rng.uniform(0.5, 2.0, size=2))
        result = poisson_change_test(current, previous, current_exposure=e_c, previous_exposure=e_p)
        if current + previous:
            expected = binomtest(current, current + previous, e_c / (e_c + e_p)).pvalue
            assert result.p_value == pytest.approx(min(expected, 1.0), rel=1e-12)
        if previous:
            rate_change = 100 * ((current / e_c) / (previous / e_p) - 1)
            assert result.change_pct == pytest.approx(rate_change)


def test_poisson_change_edge_cases() -> None:
    # 31 incidents in a 31-day month after 30 in a 30-day one: the same daily rate.
    same = poisson_change_test(31, 30, current_exposure=31, previous_exposure=30)
    assert same.change_pct == pytest.approx(0.0) and same.p_value == pytest.approx(1.0)
    new = poisson_change_test(4, 0)
    assert new.change_pct is None and new.p_value == pytest.approx(2 * 0.5**4)
    nothing = poisson_change_test(0, 0)
    assert nothing.change_pct is None and nothing.p_value == 1.0
    assert poisson_change_test(0, 5).change_pct == pytest.approx(-100.0)
    assert nothing.to_dict()["change_pct"] is None
    with pytest.raises(InputError, match="whole number"):
        poisson_change_test(-1, 3)
    with pytest.raises(InputError, match="whole number"):
        poisson_change_test(2.5, 3)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="positive"):
        poisson_change_test(1, 3, previous_exposure=0)


def test_rate_per_inhabitants() -> None:
    assert rate_per(45, 150_000) == pytest.approx(3.0)
    assert rate_per(45, 150_000, per=100_000) == pytest.approx(30.0)
    assert rate_per(0, 1_000) == 0.0
    assert rate_per(45, None) is None and rate_per(45, 0) is None
