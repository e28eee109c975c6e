"""The space-time cube of counts and the neighbours of its cells."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse
from scipy.spatial import cKDTree

from ...errors import InputError
from .._common import FloatArray

MIN_STEPS = 10
"""ArcGIS needs at least ten time steps for a trend; so does :func:`emerging_hot_spots`."""

DEFAULT_K = 8
"""Neighbours used when neither a distance nor ``k`` is given: the ring around a grid cell."""

# Distances equal to the band up to rounding (centroids of a UTM grid are large numbers)
# must count as inside it.
_DISTANCE_RTOL = 1e-9


def space_time_cube(
    cell_index: ArrayLike, step_index: ArrayLike, n_cells: int, n_steps: int
) -> FloatArray:
    """Count incidents per time step and cell.

    Parameters
    ----------
    cell_index, step_index : array_like of int
        Cell (e.g. from :meth:`forecasting.grid.Grid.locate`) and time step of each
        incident. Negative values (outside the grid or the period) are dropped.
    n_cells, n_steps : int
        Size of the cube.

    Returns
    -------
    ndarray of float, shape (n_steps, n_cells)

    Raises
    ------
    InputError
        If the index arrays differ in length or an index is beyond the cube.
    """
    cells = np.asarray(cell_index, dtype=np.int64).ravel()
    steps = np.asarray(step_index, dtype=np.int64).ravel()
    if len(cells) != len(steps):
        raise InputError(f"{len(cells)} cell indices but {len(steps)} step indices")
    if np.any(cells >= n_cells) or np.any(steps >= n_steps):
        raise InputError("a cell or step index is beyond the cube")
    ok = (cells >= 0) & (steps >= 0)
    flat = np.bincount(steps[ok] * n_cells + cells[ok], minlength=n_steps * n_cells)
    return flat.astype(np.float64).reshape(n_steps, n_cells)


def neighbours(
    centroids_xy: ArrayLike, *, distance: float | None = None, k: int | None = None
) -> sparse.csr_array:
    """Binary spatial weights with each cell its own neighbour, as Gi* needs.

    Parameters
    ----------
    centroids_xy : array_like, shape (n_cells, 2)
        Cell centres in metres.
    distance : float, optional
        Fixed distance band: cells whose centres are at most ``distance`` metres apart are
        neighbours (ArcGIS's "Fixed distance").
    k : int, optional
        The ``k`` nearest other cells (ArcGIS's "K nearest neighbors"); equidistant cells
        at the k-th distance are chosen in the KD-tree's (deterministic) order. With
        neither option, ``k`` is :data:`DEFAULT_K`.

    Returns
    -------
    scipy.sparse.csr_array, shape (n_cells, n_cells)
        1 where cell ``j`` is in the neighbourhood of cell ``i`` (diagonal included), else
        0. Distance bands are symmetric; k-nearest neighbourhoods need not be.

    Raises
    ------
    InputError
        If both or an invalid one of ``distance`` and ``k`` are given.
    """
    xy = checked_xy(centroids_xy)
    n = len(xy)
    if distance is not None and k is not None:
        raise InputError("give a neighbourhood distance or k, not both")
    tree = cKDTree(xy)
    if distance is not None:
        if not distance > 0:
            raise InputError(f"neighbourhood distance must be positive, got {distance}")
        pairs = tree.query_pairs(distance * (1 + _DISTANCE_RTOL), output_type="ndarray")
        rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
        cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
    else:
        k = DEFAULT_K if k is None else int(k)
        if not 1 <= k < n:
            raise InputError(f"k must be from 1 to {n - 1} (cells - 1), got {k}")
        _, idx = tree.query(xy, k=k + 1)
        # A duplicate centre can push a cell out of its own list; it then replaces the
        # farthest one, so every row holds itself and k others.
        missing_self = ~np.any(idx == np.arange(n)[:, None], axis=1)
        idx[missing_self, -1] = np.flatnonzero(missing_self)
        rows, cols = np.repeat(np.arange(n), k + 1), idx.ravel()
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_array((data, (rows, cols)), shape=(n, n))


def checked_cube(counts: ArrayLike) -> FloatArray:
    cube = np.asarray(counts, dtype=np.float64)
    if cube.ndim != 2:
        raise InputError(f"the cube must be 2-D (steps x cells), got shape {cube.shape}")
    if cube.shape[0] < MIN_STEPS:
        raise InputError(
            f"emerging hot spots need at least {MIN_STEPS} time steps, got {cube.shape[0]}"
        )
    if not np.all(np.isfinite(cube)) or np.any(cube < 0):
        raise InputError("counts must be finite and non-negative")
    if not cube.any():
        raise InputError("the cube holds no incidents")
    return cube


def checked_xy(centroids_xy: ArrayLike) -> FloatArray:
    xy = np.asarray(centroids_xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) == 0 or not np.all(np.isfinite(xy)):
        raise InputError("centroids must be a finite (n_cells, 2) array")
    return xy
