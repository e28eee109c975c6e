"""Charts: a typed description built by a view, drawn in the browser by Chart.js.

A view describes what to draw with :class:`SeriesChart` (one or more lines or bars over
labelled x positions) or :class:`MatrixChart` (a heat map of rows × columns) and passes it to
its template, which includes::

    {% include "charts/chart.html" with chart=hourly %}   where the chart goes
    {% include "charts/scripts.html" %}                   once, in the page's scripts block

``charts/chart.html`` renders a ``<figure>`` with a ``<canvas role="img">`` labelled by the
title, the chart's JSON (:func:`chart_json`, embedded with ``json_script`` because the CSP
forbids inline script), and a table with the same numbers formatted for the active language
(:meth:`SeriesChart.table`), so the figures can be read without the drawing.
``static/js/charts.js`` finds every chart on the page and draws it with Chart.js and, for a
matrix, the chartjs-chart-matrix controller (both from npm, served under ``static/vendor/``).
A chart without any value shows ``empty_message`` instead of an empty canvas.

Values are floats or ``None`` (no value: a gap in a line, a blank cell); a NaN or an infinity
is stored as ``None``. Texts are the caller's, already translated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from django.utils.formats import number_format
from django.utils.translation import gettext as _

Value = float | None


def _values(values: Sequence[float | int | None]) -> tuple[Value, ...]:
    return tuple(None if v is None or not math.isfinite(float(v)) else float(v) for v in values)


def _format(value: Value, decimals: int) -> str:
    """A number as the active language writes it (``2,38`` in Spanish); ``—`` for none."""
    if value is None:
        return "—"
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def _with_unit(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars) of a :class:`SeriesChart`.

    A ``reference`` series (a baseline, a target, an expected count) is drawn grey and dashed
    so that it reads as the yardstick, not as one more measurement.
    """

    label: str
    values: Sequence[float | int | None]
    reference: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _values(self.values))


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ChartTable:
    """The accessible fallback: the chart's numbers, formatted, one row per x label or row."""

    corner: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


class _Drawn:
    """What the chart template reads of either kind of chart."""

    id: str
    empty_message: str

    def present(self) -> list[float]:
        """Every value there is (``None`` left out)."""
        raise NotImplementedError

    @property
    def is_empty(self) -> bool:
        return not self.present()

    @property
    def empty_text(self) -> str:
        return self.empty_message or _("No data to show for this selection.")

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def payload(self) -> ChartJSON:
        return chart_json(self)  # type: ignore[arg-type]  # only the two subclasses exist


@dataclass(frozen=True)
class SeriesChart(_Drawn):
    """A line or bar chart: ``series`` values at each of ``x_labels``.

    ``id`` must be unique on the page (it becomes the ``<figure>``'s id); ``unit`` is appended
    to axis ticks, tooltips and the table's headers; ``decimals`` is how the numbers are
    rounded for display.
    """

    id: str
    title: str
    x_labels: Sequence[str]
    series: Sequence[Series]
    x_label: str = ""
    y_label: str = ""
    unit: str = ""
    kind: Literal["line", "bar"] = "line"
    decimals: int = 2
    empty_message: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "x_labels", tuple(str(x) for x in self.x_labels))
        object.__setattr__(self, "series", tuple(self.series))
        for series in self.series:
            if len(series.values) != len(self.x_labels):
                raise ValueError(
                    f"chart {self.id}: series {series.label!r} has {len(series.values)} "
                    f"values for {len(self.x_labels)} x labels"
                )

    def present(self) -> list[float]:
        return [v for s in self.series for v in s.values if v is not None]

    def table(self) -> ChartTable:
        return ChartTable(
            corner=self.x_label,
            columns=tuple(_with_unit(s.label, self.unit) for s in self.series),
            rows=tuple(
                TableRow(
                    label=x, cells=tuple(_format(s.values[i], self.decimals) for s in self.series)
                )
                for i, x in enumerate(self.x_labels)
            ),
        )


@dataclass(frozen=True)
class MatrixChart(_Drawn):
    """A heat map: ``values[r][c]`` is the value at ``row_labels[r]`` × ``column_labels[c]``.

    Darker is more; ``legend_label`` names what the colour measures ("incidents", "ratio to
    expected"). ``x_label`` names the columns' axis, ``y_label`` the rows'.
    """

    id: str
    title: str
    row_labels: Sequence[str]
    column_labels: Sequence[str]
    values: Sequence[Sequence[float | int | None]]
    legend_label: str
    x_label: str = ""
    y_label: str = ""
    unit: str = ""
    decimals: int = 0
    empty_message: str = ""
    kind: Literal["matrix"] = field(default="matrix", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "row_labels", tuple(str(r) for r in self.row_labels))
        object.__setattr__(self, "column_labels", tuple(str(c) for c in self.column_labels))
        object.__setattr__(self, "values", tuple(_values(row) for row in self.values))
        if len(self.values) != len(self.row_labels) or any(
            len(row) != len(self.column_labels) for row in self.values
        ):
            raise ValueError(
                f"chart {self.id}: the grid must be {len(self.row_labels)} rows × "
                f"{len(self.column_labels)} columns"
            )

    def present(self) -> list[float]:
        return [v for row in self.values for v in row if v is not None]

    @property
    def low(self) -> str:
        """The smallest value, formatted (the left end of the colour scale)."""
        present = self.present()
        return _format(min(present) if present else None, self.decimals)

    @property
    def high(self) -> str:
        present = self.present()
        return _format(max(present) if present else None, self.decimals)

    def table(self) -> ChartTable:
        return ChartTable(
            corner=self.y_label,
            columns=tuple(self.column_labels),
            rows=tuple(
                TableRow(label=r, cells=tuple(_format(v, self.decimals) for v in self.values[i]))
                for i, r in enumerate(self.row_labels)
            ),
        )


Chart = SeriesChart | MatrixChart


class SeriesJSON(TypedDict):
    label: str
    values: list[Value]
    reference: bool


class ChartJSON(TypedDict, total=False):
    """What ``static/js/charts.js`` reads; keys absent for the other kind of chart."""

    type: Literal["line", "bar", "matrix"]
    title: str
    xLabel: str
    yLabel: str
    unit: str
    decimals: int
    # line and bar charts
    labels: list[str]
    series: list[SeriesJSON]
    # matrix charts
    rows: list[str]
    columns: list[str]
    values: list[list[Value]]
    legendLabel: str


def chart_json(chart: Chart) -> ChartJSON:
    """The JSON a page embeds for ``charts.js`` (through ``json_script``) to draw ``chart``."""
    payload: ChartJSON = {
        "type": chart.kind,
        "title": str(chart.title),
        "xLabel": str(chart.x_label),
        "yLabel": str(chart.y_label),
        "unit": str(chart.unit),
        "decimals": chart.decimals,
    }
    if isinstance(chart, MatrixChart):
        payload["rows"] = list(chart.row_labels)
        payload["columns"] = list(chart.column_labels)
        payload["values"] = [list(row) for row in chart.values]
        payload["legendLabel"] = str(chart.legend_label)
    else:
        payload["labels"] = list(chart.x_labels)
        payload["series"] = [
            {"label": str(s.label), "values": list(s.values), "reference": s.reference}
            for s in chart.series
        ]
    return payload
