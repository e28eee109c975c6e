"""Small helpers shared by the analysis modules: array aliases and JSON-friendly output."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def json_list(values: NDArray[Any]) -> Any:
    """``values`` as (nested) Python lists, with None where a float is NaN or infinite.

    JSON has no NaN, and the web app sends these arrays as they are.
    """
    a = np.asarray(values)
    if a.dtype.kind != "f":
        return a.tolist()
    out = a.astype(object)
    out[~np.isfinite(a)] = None
    return out.tolist()


def finite_or_none(value: float) -> float | None:
    """``value`` as a float, or None when it is NaN or infinite."""
    return float(value) if np.isfinite(value) else None
