"""Results of the quick analyses, cached by their parameters and the data's version."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from analytics.forms import AnalysisParams
from incidents.caching import cached_on_incidents

Result = TypeVar("Result")


def cached(name: str, params: AnalysisParams, compute: Callable[[], Result]) -> Result:
    """``compute()``'s result for these parameters on the current data, computed once."""
    return cached_on_incidents(f"analytics:{name}", {"params": params.key()}, compute)
