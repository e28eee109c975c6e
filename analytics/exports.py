"""The KPI dashboard as a spreadsheet (XLSX) and as a printable PDF, from the same rows."""

from __future__ import annotations

import io

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Spacer

from analytics.dashboard import AreaKpis, Change, Dashboard
from callao import pdf

Cell = str | int | float | None


def kpi_header() -> list[str]:
    return [
        _("Area"),
        _("Incidents"),
        _("Previous month"),
        _("Change (%)"),
        _("p-value"),
        _("Same month last year"),
        _("Change (%)"),
        _("p-value"),
        _("Per 10,000 inhabitants"),
        _("Reported by victims (%)"),
        _("Patrol coverage (%)"),
        _("Forecast PAI"),
        _("Naive baseline PAI"),
        _("Top categories"),
    ]


def _change_cells(change: Change) -> list[Cell]:
    return [change.earlier, change.change_pct, change.p_value]


def kpi_row(area: AreaKpis) -> list[Cell]:
    return [
        area.name,
        area.incidents,
        *_change_cells(area.previous_month),
        *_change_cells(area.last_year),
        area.rate_per_10k,
        area.victim_share_pct,
        area.patrol_coverage_pct,
        area.forecast_pai,
        area.baseline_pai,
        ", ".join(f"{name} ({count})" for name, count in area.top_categories),
    ]


def target_rows(dashboard: Dashboard) -> list[list[Cell]]:
    status = {True: _("on track"), False: _("off track"), None: _("no figure yet")}
    return [
        [
            area.name,
            target.label,
            f"{target.direction} {target.value}",
            target.actual,
            status[target.on_track],
        ]
        for area in dashboard.areas
        for target in area.targets
    ]


def target_header() -> list[str]:
    return [_("Area"), _("Indicator"), _("Target"), _("Actual"), _("Status")]


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "KPI"
    _sheet_table(sheet, kpi_header(), [kpi_row(area) for area in dashboard.areas])
    targets = book.create_sheet(_("Targets")[:31])
    _sheet_table(targets, target_header(), target_rows(dashboard))
    if dashboard.equity.get("available"):
        equity = book.create_sheet(_("Equity")[:31])
        _sheet_table(equity, dashboard.equity["columns"], dashboard.equity["rows"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_table(sheet: object, header: list[str], rows: list[list[Cell]]) -> None:
    sheet.append(header)  # type: ignore[attr-defined]
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for row in rows:
        # A text that a spreadsheet would run as a formula is kept as text.
        sheet.append([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])  # type: ignore[attr-defined]


def dashboard_pdf(dashboard: Dashboard, title: str) -> bytes:
    def story() -> list[Flowable]:
        styles = pdf.styles()
        flow: list[Flowable] = [
            pdf.paragraph(title, styles["title"]),
            pdf.paragraph(
                _(
                    "From %(start)s to %(end)s. Changes are tested with an exact Poisson test; p < 0.05 is significant."
                )
                % {"start": dashboard.start.isoformat(), "end": dashboard.end.isoformat()},
                styles["small"],
            ),
            Spacer(1, 0.3 * cm),
        ]
        for area in dashboard.areas:
            flow.append(pdf.paragraph(area.name, styles["h2"]))
            flow.append(
                pdf.table(
                    [_("Indicator"), _("Value")],
                    [
                        [label, _text(value)]
                        for label, value in zip(kpi_header()[1:], kpi_row(area)[1:], strict=True)
                    ],
                    [8 * cm, 8 * cm],
                )
            )
        targets = target_rows(dashboard)
        if targets:
            flow += [
                pdf.paragraph(_("Targets"), styles["h2"]),
                pdf.table(target_header(), [[_text(v) for v in row] for row in targets]),
            ]
        if dashboard.equity.get("available"):
            flow += [
                pdf.paragraph(_("Equity by district"), styles["h2"]),
                pdf.table(
                    list(dashboard.equity["columns"]),
                    [[_text(v) for v in row] for row in dashboard.equity["rows"]],
                ),
            ]
        return flow

    return pdf.pdf_document(title, story)


def _text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return number_format(value)
    if isinstance(value, float):
        return number_format(value, decimal_pos=2)
    return str(value)
