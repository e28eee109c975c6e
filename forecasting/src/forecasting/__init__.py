"""Crime forecasting on grids, with no web framework.

Incidents (:class:`~forecasting.events.Events`) are counted on a square
:class:`~forecasting.grid.Grid`; models in :mod:`forecasting.models` turn the past into
expected counts per cell; :mod:`forecasting.backtest` scores them honestly against what
happened; :mod:`forecasting.simulate` makes synthetic cities with a known truth.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError
from .events import Events, read_csv
from .geo import Region
from .grid import Grid, GridSpec

__all__ = ["Events", "Grid", "GridSpec", "InputError", "Region", "__version__", "read_csv"]
