"""Has the number of incidents changed? The exact conditional test of two Poisson counts.

If this period's count ``C ~ Poisson(e_c r_c)`` and the previous period's ``P ~ Poisson(e_p
r_p)``, then given ``C + P = n`` the count ``C`` is ``Binomial(n, e_c / (e_c + e_p))`` when
the rates ``r_c`` and ``r_p`` are equal. The test needs no large-sample approximation, so it
also holds for a district with three incidents last month and seven this month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scipy.stats import binomtest

from ..errors import InputError


@dataclass(frozen=True)
class PoissonChange:
    """A change between two counts and its exact two-sided p-value.

    Attributes
    ----------
    current, previous : int
        Incidents in the two periods.
    current_exposure, previous_exposure : float
        What each count accrued over (days, population x days, ...).
    change_pct : float or None
        ``100 * (rate_current / rate_previous - 1)``, rates per unit of exposure; None
        when ``previous`` is 0.
    p_value : float
        Two-sided exact p-value (``scipy.stats.binomtest``); 1 when both counts are 0.
    """

    current: int
    previous: int
    current_exposure: float
    previous_exposure: float
    change_pct: float | None
    p_value: float

    def significant(self, alpha: float = 0.05) -> bool:
        """Whether the change is significant at level ``alpha`` (``p_value <= alpha``)."""
        return self.p_value <= alpha

    def to_dict(self) -> dict[str, Any]:
        """The test as JSON-friendly values."""
        return {
            "current": self.current,
            "previous": self.previous,
            "current_exposure": self.current_exposure,
            "previous_exposure": self.previous_exposure,
            "change_pct": self.change_pct,
            "p_value": self.p_value,
        }


def poisson_change_test(
    current: int,
    previous: int,
    *,
    current_exposure: float = 1.0,
    previous_exposure: float = 1.0,
) -> PoissonChange:
    """Exact conditional test that two Poisson counts come from the same rate.

    Parameters
    ----------
    current, previous : int
        Non-negative counts, e.g. incidents this month and the month before.
    current_exposure, previous_exposure : float, default 1
        Positive exposures, e.g. the days in each month, so that a 31-day month is not
        "up" on a 30-day one by the extra day alone.

    Returns
    -------
    PoissonChange

    Raises
    ------
    InputError
        If a count is negative or not whole, or an exposure is not positive.

    Examples
    --------
    >>> r = poisson_change_test(30, 15)
    >>> r.change_pct, round(r.p_value, 4)
    (100.0, 0.0357)
    """
    for name, count in (("current", current), ("previous", previous)):
        if count < 0 or int(count) != count:
            raise InputError(f"{name} must be a whole number >= 0, got {count}")
    for name, exposure in (("current", current_exposure), ("previous", previous_exposure)):
        if not exposure > 0:
            raise InputError(f"{name}_exposure must be positive, got {exposure}")
    c, p = int(current), int(previous)
    e_c, e_p = float(current_exposure), float(previous_exposure)
    change = None if p == 0 else 100.0 * ((c / e_c) / (p / e_p) - 1.0)
    total = c + p
    p_value = 1.0 if total == 0 else float(binomtest(c, total, e_c / (e_c + e_p)).pvalue)
    return PoissonChange(c, p, e_c, e_p, change, min(p_value, 1.0))


def rate_per(count: float, population: float | None, per: float = 10_000) -> float | None:
    """Incidents per ``per`` inhabitants: ``count / population * per``.

    Returns
    -------
    float or None
        None when the population is unknown (None) or not positive.

    Examples
    --------
    >>> rate_per(45, 150_000)
    3.0
    """
    if population is None or not population > 0:
        return None
    return float(count) / float(population) * per
