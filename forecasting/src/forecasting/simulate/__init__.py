"""A space-time Hawkes process over a region, with its true intensity as the oracle forecast.

Background incidents arrive at ``background_per_day * s(t)`` per day, where ``s`` is a daily
times weekly seasonal factor with mean 1, and fall at Gaussian hotspots (clipped to the region)
or uniformly over it. Every incident triggers ``Poisson(theta)`` offspring after an
exponential delay (rate ``omega`` per day) at a Gaussian displacement (``sigma_trigger``
metres) and of the same category; offspring outside the region are lost.

:meth:`Simulation.intensity` integrates the true conditional intensity over any window and
grid. It uses the realised incidents up to the end of the window, so it is an upper bound that
no forecast made at the window's start can reach on average: the accuracy ceiling.
"""

from .generate import simulate, simulate_grid_hawkes
from .process import (
    CATEGORIES,
    ORIGINS,
    Simulation,
    load_simulation,
    season_factor,
    season_integral,
)

__all__ = [
    "CATEGORIES",
    "ORIGINS",
    "Simulation",
    "load_simulation",
    "season_factor",
    "season_integral",
    "simulate",
    "simulate_grid_hawkes",
]
