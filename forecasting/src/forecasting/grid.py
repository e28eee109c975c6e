"""Square grids clipped to a region, with an optional random offset.

A grid is a lattice of ``cell``-metre squares; the *active* cells are those whose square
overlaps the region with positive area. Forecasts are 1-D arrays over active cells, in the
order of ``Grid.flat`` (row-major, south to north, west to east).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np
import shapely
from numpy.typing import NDArray

from .errors import InputError
from .geo import Region

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class GridSpec(TypedDict):
    """A grid's lattice as plain JSON values; with the active-cell mask it rebuilds the grid.

    See :meth:`Grid.spec` and :meth:`Grid.from_spec`.
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    n_cells: int
    crs: str
    offset: list[float]  # two floats; a list rather than a tuple so that it survives JSON


@dataclass(frozen=True, eq=False)
class Grid:
    """A square lattice and the subset of its cells that lie in a region.

    Use :meth:`from_region` rather than the constructor.

    Attributes
    ----------
    x0, y0 : float
        South-west corner of the lattice, in metres.
    cell : float
        Cell side in metres.
    nx, ny : int
        Lattice columns and rows.
    active : ndarray of bool, shape (ny, nx)
        Which lattice cells belong to the grid.
    crs : str
        Projected CRS of the coordinates.
    offset : tuple of float
        The lattice offset used, in metres, each in ``[0, cell)``.
    """

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    active: NDArray[np.bool_]
    crs: str
    offset: tuple[float, float] = (0.0, 0.0)
    flat: IntArray = field(init=False, repr=False)  # lattice index of each active cell
    _lookup: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        flat = np.flatnonzero(self.active.ravel())
        lookup = np.full(self.nx * self.ny, -1, dtype=np.int64)
        lookup[flat] = np.arange(len(flat))
        object.__setattr__(self, "flat", flat)
        object.__setattr__(self, "_lookup", lookup)

    @classmethod
    def from_region(
        cls,
        region: Region,
        cell: float = 150.0,
        offset: tuple[float, float] = (0.0, 0.0),
    ) -> Grid:
        """Cover ``region`` with ``cell``-metre squares shifted by ``offset`` metres.

        Parameters
        ----------
        region : Region
            The study area in projected metres.
        cell : float, default 150
            Side of a cell in metres.
        offset : tuple of float, default (0, 0)
            Shift of the lattice in metres; the lattice lines are at ``offset + k * cell``.

        Raises
        ------
        InputError
            If no cell overlaps the region.
        """
        if cell <= 0:
            raise InputError(f"cell size must be positive, got {cell}")
        dx, dy = (float(offset[0]) % cell, float(offset[1]) % cell)
        minx, miny, maxx, maxy = region.geometry.bounds
        x0 = np.floor((minx - dx) / cell) * cell + dx
        y0 = np.floor((miny - dy) / cell) * cell + dy
        nx = max(1, int(np.ceil((maxx - x0) / cell)))
        ny = max(1, int(np.ceil((maxy - y0) / cell)))
        if nx * ny > 20_000_000:
            raise InputError(f"grid of {nx}x{ny} cells is too large; use a bigger cell")
        jj, ii = np.meshgrid(np.arange(nx), np.arange(ny))
        boxes = shapely.box(
            x0 + jj.ravel() * cell,
            y0 + ii.ravel() * cell,
            x0 + (jj.ravel() + 1) * cell,
            y0 + (ii.ravel() + 1) * cell,
        )
        shapely.prepare(region.geometry)
        touching = shapely.intersects(region.geometry, boxes)
        # Cells that only share an edge or a corner with the region are not part of it.
        overlap = np.zeros(len(boxes), dtype=bool)
        inside = shapely.contains_properly(region.geometry, boxes[touching])
        overlap[np.flatnonzero(touching)[inside]] = True
        edge = np.flatnonzero(touching)[~inside]
        if len(edge):
            overlap[edge] = shapely.area(shapely.intersection(boxes[edge], region.geometry)) > 0
        if not overlap.any():
            raise InputError("the region contains no grid cells")
        return cls(
            float(x0), float(y0), float(cell), nx, ny, overlap.reshape(ny, nx), region.crs, (dx, dy)
        )

    @classmethod
    def random_offset(
        cls, region: Region, cell: float, random_state: int | np.random.Generator | None = None
    ) -> Grid:
        """A grid over ``region`` whose lattice is shifted by a uniform random offset."""
        rng = np.random.default_rng(random_state)
        return cls.from_region(
            region, cell, (float(rng.uniform(0, cell)), float(rng.uniform(0, cell)))
        )

    @classmethod
    def from_spec(cls, spec: GridSpec, active: NDArray[np.bool_]) -> Grid:
        """Rebuild a grid from its :meth:`spec` and its :attr:`active` mask.

        Nothing is recomputed from a region, so the grid is the one that was saved even if
        the region has changed since.

        Parameters
        ----------
        spec : GridSpec
            As returned by :meth:`spec`, possibly after a JSON round trip. A spec without
            ``offset`` gets (0, 0).
        active : ndarray of bool, shape (ny, nx) or (ny * nx,)
            Which lattice cells belong to the grid, row-major as in :attr:`active`.

        Raises
        ------
        InputError
            If the mask does not have ``nx * ny`` cells or its number of active cells is
            not ``spec["n_cells"]``.
        """
        nx, ny = int(spec["nx"]), int(spec["ny"])
        mask = np.asarray(active, dtype=bool)
        if mask.size != nx * ny:
            raise InputError(f"active mask has {mask.size} cells, the {nx}x{ny} grid {nx * ny}")
        mask = mask.reshape(ny, nx)
        if int(mask.sum()) != int(spec["n_cells"]):
            raise InputError(
                f"active mask has {int(mask.sum())} active cells, the spec {spec['n_cells']}"
            )
        # Specs stored before grids had offsets lack the key, despite what the type says.
        dx, dy = spec.get("offset", (0.0, 0.0))
        return cls(
            float(spec["x0"]),
            float(spec["y0"]),
            float(spec["cell"]),
            nx,
            ny,
            mask,
            str(spec["crs"]),
            (float(dx), float(dy)),
        )

    @property
    def n_cells(self) -> int:
        """Number of active cells."""
        return len(self.flat)

    @property
    def cell_area(self) -> float:
        """Area of one cell in square metres."""
        return self.cell * self.cell

    def locate(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Active-cell index of each point, or -1 for points outside the grid."""
        col = np.floor((np.asarray(x) - self.x0) / self.cell).astype(np.int64)
        row = np.floor((np.asarray(y) - self.y0) / self.cell).astype(np.int64)
        ok = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        out = np.full(len(col), -1, dtype=np.int64)
        out[ok] = self._lookup[row[ok] * self.nx + col[ok]]
        return out

    def counts(self, cells: IntArray, weights: FloatArray | None = None) -> FloatArray:
        """Sum ``weights`` (default 1) per active cell, ignoring index -1."""
        ok = cells >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[ok]
        return np.bincount(cells[ok], weights=w, minlength=self.n_cells).astype(np.float64)

    def to_image(self, values: FloatArray, fill: float = 0.0) -> FloatArray:
        """Place per-cell values on the (ny, nx) lattice; inactive cells get ``fill``."""
        image = np.full(self.nx * self.ny, fill, dtype=np.float64)
        image[self.flat] = values
        return image.reshape(self.ny, self.nx)

    def from_image(self, image: FloatArray) -> FloatArray:
        """Read per-cell values from an (ny, nx) lattice image."""
        return np.asarray(image, dtype=np.float64).ravel()[self.flat].copy()

    def centres(self) -> tuple[FloatArray, FloatArray]:
        """Coordinates of the centres of the active cells."""
        row, col = np.divmod(self.flat, self.nx)
        return self.x0 + (col + 0.5) * self.cell, self.y0 + (row + 0.5) * self.cell

    def boxes(self) -> NDArray[np.object_]:
        """The active cells as shapely polygons (projected metres)."""
        row, col = np.divmod(self.flat, self.nx)
        x = self.x0 + col * self.cell
        y = self.y0 + row * self.cell
        return np.asarray(shapely.box(x, y, x + self.cell, y + self.cell), dtype=object)

    def districts(self, region: Region) -> NDArray[np.object_]:
        """Name of the district holding the largest part of each cell ("" if none)."""
        boxes = self.boxes()
        best = np.zeros(self.n_cells)
        names = np.full(self.n_cells, "", dtype=object)
        for name, geom in region.districts.items():
            area = shapely.area(shapely.intersection(boxes, geom))
            better = area > best
            names[better] = name
            best[better] = area[better]
        return names

    def spec(self) -> GridSpec:
        """A JSON-friendly description of the grid (for model metadata).

        Returns
        -------
        GridSpec
            The lattice (corner, cell, size, CRS, offset) and the number of active cells;
            :meth:`from_spec` rebuilds the grid from it and :attr:`active`.
        """
        return {
            "x0": self.x0,
            "y0": self.y0,
            "cell": self.cell,
            "nx": self.nx,
            "ny": self.ny,
            "n_cells": self.n_cells,
            "crs": self.crs,
            "offset": list(self.offset),
        }
