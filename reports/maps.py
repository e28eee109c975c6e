"""The aggregated map of a public report: grid cells drawn in page units, never coordinates.

The map is stored as a small drawing (outline path and squares in pixels of a fixed-width
picture) rather than as GeoJSON, so a public report carries no longitude or latitude at all;
the HTML page renders it as SVG and the PDF draws the same shapes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from incidents.models import District
from reports.privacy import MIN_CELL_M

WIDTH_PX = 560.0
MAX_HEIGHT_PX = 640.0
LEVELS = 4


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: map-index letters like a street guide."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class CellGrid:
    """The cells of a fixed grid in the projected CRS (``PROJECTED_SRID``, metres) that cover a
    district, and their page positions: the grid of ``Incident.objects.counts_by_cell``."""

    def __init__(self, district: District, *, cell_m: int, extra: list[tuple[int, int]]) -> None:
        if cell_m < MIN_CELL_M:
            raise ValueError(f"public map cells must be at least {MIN_CELL_M} m, not {cell_m}")
        self.cell_m = cell_m
        shape = district.geometry.transform(settings.PROJECTED_SRID, clone=True)
        # Tolerance well under a cell: the outline is only a guide for the eye.
        self.shape = shape.simplify(cell_m / 25, preserve_topology=True)
        xmin, ymin, xmax, ymax = shape.extent
        cols = [math.floor(xmin / cell_m), math.floor(xmax / cell_m), *(c for c, _ in extra)]
        rows = [math.floor(ymin / cell_m), math.floor(ymax / cell_m), *(r for _, r in extra)]
        self.col_min, self.col_max = min(cols), max(cols)
        self.row_min, self.row_max = min(rows), max(rows)
        width_m = (self.col_max - self.col_min + 1) * cell_m
        height_m = (self.row_max - self.row_min + 1) * cell_m
        self.scale = min(WIDTH_PX / width_m, MAX_HEIGHT_PX / height_m)
        self.width = round(width_m * self.scale, 1)
        self.height = round(height_m * self.scale, 1)

    def label(self, col: int, row: int) -> str:
        return f"{column_letters(col - self.col_min)}{self.row_max - row + 1}"

    def x(self, metres: float) -> float:
        return round((metres - self.col_min * self.cell_m) * self.scale, 1)

    def y(self, metres: float) -> float:
        return round(((self.row_max + 1) * self.cell_m - metres) * self.scale, 1)

    def outline(self) -> str:
        """The district boundary as an SVG path in page units."""
        parts: list[str] = []
        shape: Any = self.shape  # a (Multi)Polygon; GEOS types do not say they are iterable
        for polygon in shape if shape.geom_type == "MultiPolygon" else [shape]:
            for ring in polygon:
                points = [f"{self.x(x)},{self.y(y)}" for x, y in ring.coords]
                parts.append("M" + " L".join(points) + " Z")
        return " ".join(parts)


def map_content(
    district: District, shown: Mapping[tuple[int, int], int], *, cell_m: int, hidden: bool
) -> dict[str, Any]:
    """The drawing of ``shown`` cells (already privacy-filtered) over the district outline."""
    grid = CellGrid(district, cell_m=cell_m, extra=list(shown))
    peak = max(shown.values(), default=0)
    size = round(cell_m * grid.scale, 1)
    cells = [
        {
            "label": grid.label(col, row),
            "x": grid.x(col * cell_m),
            "y": grid.y((row + 1) * cell_m),
            "size": size,
            "cx": round(grid.x(col * cell_m) + size / 2, 1),
            "cy": round(grid.y((row + 1) * cell_m) + size / 2, 1),
            "count": count,
            "level": max(1, math.ceil(LEVELS * count / peak)),
        }
        for (col, row), count in sorted(shown.items(), key=lambda item: (-item[1], item[0]))
    ]
    columns = [
        {"label": column_letters(i), "x": round((i + 0.5) * size, 1)}
        for i in range(grid.col_max - grid.col_min + 1)
    ]
    rows = [
        {"label": str(i + 1), "y": round((i + 0.5) * size, 1)}
        for i in range(grid.row_max - grid.row_min + 1)
    ]
    return {
        "cell_m": cell_m,
        "width": grid.width,
        "height": grid.height,
        # Room on the top and left for the column letters and row numbers.
        "view_box": f"-24 -18 {round(grid.width + 30, 1)} {round(grid.height + 24, 1)}",
        "outline": grid.outline(),
        "cells": cells,
        "columns": columns,
        "rows": rows,
        "some_hidden": hidden,
    }


def cell_labels(district: District, cells: list[tuple[int, int]], *, cell_m: int) -> dict[str, str]:
    """``"col,row" -> label`` for the cells of a district's grid."""
    grid = CellGrid(district, cell_m=cell_m, extra=cells)
    return {f"{col},{row}": grid.label(col, row) for col, row in cells}
