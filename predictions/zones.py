"""From a risk surface to patrol zones in one district (pure numpy/shapely, no database).

Per district: flag ``flagged_share`` of its cells; ``exploration_share`` of them are drawn at
random (seeded) from the next-ranked band instead of the very top, so patrols also visit
places their own records would never flag (DESIGN.md, "Fairness and the feedback loop").
Adjacent flagged cells (sharing an edge) become one zone; at most one zone per patrol unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

from forecasting import Grid, metrics

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Exploration cells come from ranks just below the top cells, up to this many times k.
EXPLORATION_BAND = 4


@dataclass
class ZonePlan:
    cells: IntArray
    expected: float
    exploration: bool
    geometry: BaseGeometry  # projected metres, clipped to the district
    area_share: float
    drivers: dict[str, float] = field(default_factory=dict)


def flag_cells(
    *,
    risk: FloatArray,
    members: IntArray,
    flagged_share: float,
    exploration_share: float,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray]:
    """Top cells and exploration cells (grid indices) among a district's ``members``."""
    k = metrics.n_flagged(len(members), flagged_share)
    n_explore = round(k * exploration_share)
    order = members[np.argsort(-risk[members], kind="stable")]
    top = order[: k - n_explore]
    band = order[k - n_explore : k * EXPLORATION_BAND]
    explore = rng.choice(band, size=min(n_explore, len(band)), replace=False)
    return top.astype(np.int64), np.sort(explore).astype(np.int64)


def _components(grid: Grid, cells: IntArray) -> list[IntArray]:
    image = np.zeros(grid.nx * grid.ny, dtype=bool)
    image[grid.flat[cells]] = True
    labels, count = ndimage.label(image.reshape(grid.ny, grid.nx))
    flat_labels = labels.ravel()[grid.flat[cells]]
    return [cells[flat_labels == label] for label in range(1, count + 1)]


def zones_plan(
    *,
    grid: Grid,
    risk: FloatArray,
    members: IntArray,
    district_geometry: BaseGeometry,
    flagged_share: float,
    exploration_share: float,
    max_zones: int,
    rng: np.random.Generator,
) -> list[ZonePlan]:
    """Zones of one district, ranked by expected incidents (exploration zones last)."""
    top, explore = flag_cells(
        risk=risk,
        members=members,
        flagged_share=flagged_share,
        exploration_share=exploration_share,
        rng=rng,
    )
    explore_set = set(explore.tolist())
    groups = _components(grid, np.union1d(top, explore))
    scored = [(g, float(risk[g].sum()), all(c in explore_set for c in g.tolist())) for g in groups]
    hot = sorted((s for s in scored if not s[2]), key=lambda s: -s[1])
    cold = sorted((s for s in scored if s[2]), key=lambda s: -s[1])
    # Keep room for exploration when there are enough units; otherwise the top zones win.
    reserve = min(len(cold), max(1, round(max_zones * exploration_share))) if cold else 0
    if max_zones <= 1:
        reserve = 0
    chosen = hot[: max_zones - reserve]
    chosen += cold[: max_zones - len(chosen)]
    boxes = grid.boxes()
    district_area = float(district_geometry.area)
    plans = []
    for group, expected, is_exploration in chosen:
        shape = shapely.intersection(shapely.union_all(boxes[group]), district_geometry)
        plans.append(
            ZonePlan(
                cells=np.sort(group),
                expected=expected,
                exploration=is_exploration,
                geometry=shape,
                area_share=float(shape.area) / district_area if district_area else 0.0,
            )
        )
    return plans
