"""PDF of a report, drawn with reportlab from the report's stored content (nothing else).

Rendered once, in Spanish, when the report is published, and stored with it: the PDF a
reader downloads is the one that was published.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.shapes import Path as ShapePath
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus.flowables import KeepTogether

from callao import pdf
from callao.pdf import Styles
from reports.formatting import (
    count_text,
    decimal_text,
    hour_text,
    localized,
    official_section_titles,
    origin_label,
    pct_text,
    trend_text,
    weekday_text,
)
from reports.models import Report

LEVEL_COLOURS = ("#fde68a", "#fbbf24", "#f97316", "#dc2626")


def _map(drawing_data: dict[str, Any], max_width: float = 16 * cm) -> Flowable:
    """The aggregated cells over the district outline, as in the page's SVG."""
    width, height = float(drawing_data["width"]), float(drawing_data["height"])
    scale = min(1.0, max_width / width, (12 * cm) / height)
    drawing = Drawing(width * scale, height * scale)
    outline = ShapePath(
        strokeColor=colors.HexColor("#334155"),
        strokeWidth=0.8,
        fillColor=colors.HexColor("#f1f5f9"),
    )
    for part in drawing_data["outline"].replace("Z", " Z ").split():
        if part == "Z":
            outline.closePath()
            continue
        command, coords = part[0], part[1:]
        x, y = (float(v) for v in coords.split(","))
        point = (x * scale, (height - y) * scale)
        outline.moveTo(*point) if command == "M" else outline.lineTo(*point)
    drawing.add(outline)
    regular, _bold = pdf.fonts()
    for cell in drawing_data["cells"]:
        size = float(cell["size"]) * scale
        x, y = float(cell["x"]) * scale, (height - float(cell["y"])) * scale - size
        colour = colors.HexColor(LEVEL_COLOURS[min(int(cell["level"]), 4) - 1])
        drawing.add(Rect(x, y, size, size, fillColor=colour, strokeColor=colors.white))
        if size >= 14:
            drawing.add(
                String(
                    x + size / 2,
                    y + size / 2 - 3,
                    str(cell["count"]),
                    fontName=regular,
                    fontSize=7,
                    textAnchor="middle",
                )
            )
    return drawing


def _header(report: Report, title: str) -> list[Flowable]:
    styles = pdf.styles()
    period = report.content.get("period", {})
    subtitle = f"{report.area_name} · {period.get('label_es', report.period)}"
    version = _("Version %(version)d") % {"version": report.version}
    published = report.published_at.date().isoformat() if report.published_at else ""
    flow: list[Flowable] = [
        pdf.paragraph(title, styles["title"]),
        pdf.paragraph(subtitle, styles["h2"]),
    ]
    flow.append(pdf.paragraph(f"{version} · {_('Published')}: {published}", styles["small"]))
    if report.supersedes_id:
        flow.append(
            pdf.paragraph(
                _("This version corrects version %(version)d.") % {"version": report.version - 1}
                + (f" {report.correction_reason}" if report.correction_reason else ""),
                styles["small"],
            )
        )
    return [*flow, Spacer(1, 0.3 * cm)]


def _public_story(report: Report) -> list[Flowable]:
    styles, content = pdf.styles(), report.content
    flow = _header(report, _("Weekly community safety report"))
    flow += [
        pdf.paragraph(_("Summary"), styles["h2"]),
        pdf.paragraph(content["summary"]["es"], styles["body"]),
    ]
    flow += _public_categories(content, styles)
    flow += _public_map(content, styles)
    flow += _public_when(content, styles)
    flow += _public_advice(content, styles)
    return flow


def _public_categories(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    total = content["total"]
    rows = [
        [
            localized(row),
            count_text(row["count"], row["status"]),
            decimal_text(row["previous_average"]),
            count_text(row["last_year"]) if row["last_year"] is not None else "—",
            trend_text(row["trend"]),
        ]
        for row in content["categories"]
    ]
    rows.append(
        [
            _("Total"),
            count_text(total["count"]),
            decimal_text(total["previous_average"]),
            count_text(total["last_year"]) if total["last_year"] is not None else "—",
            trend_text(total["trend"]),
        ]
    )
    header = [
        _("Category"),
        _("This week"),
        _("Average of the 4 previous weeks"),
        _("Same week last year"),
        _("Trend"),
    ]
    return [
        pdf.paragraph(_("Reported incidents by category"), styles["h2"]),
        pdf.table(header, rows, [5.5 * cm, 2.5 * cm, 3.5 * cm, 3 * cm, 2.5 * cm]),
        pdf.paragraph(_privacy_note(content), styles["small"]),
    ]


def _public_map(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    flow: list[Flowable] = [
        pdf.paragraph(_("Where: incidents per grid square"), styles["h2"]),
        KeepTogether([_map(content["map"])]),
        pdf.paragraph(
            _("Squares of %(size)d m; only squares with at least 5 incidents are drawn.")
            % {"size": content["map"]["cell_m"]},
            styles["small"],
        ),
    ]
    if content["hotspots"]:
        flow.append(
            pdf.table(
                [_("Grid square"), _("Incidents")],
                [[spot["label"], count_text(spot["count"])] for spot in content["hotspots"]],
                [4 * cm, 3 * cm],
            )
        )
    return flow


def _public_when(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    when = [f"{hour_text(h['hour'])}: {count_text(h['count'])}" for h in content["busiest_hours"]]
    when += [
        f"{weekday_text(d['weekday'])}: {count_text(d['count'])}"
        for d in content["busiest_weekdays"]
    ]
    if not when:
        return []
    return [pdf.paragraph(_("When"), styles["h2"]), pdf.paragraph(" · ".join(when), styles["body"])]


def _public_advice(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    flow = [pdf.paragraph(_("Prevention advice"), styles["h2"])]
    for item in content["advice"]:
        name = next(
            (localized(row) for row in content["categories"] if row["code"] == item["code"]),
            item["code"],
        )
        flow.append(pdf.paragraph(name, styles["body"]))
        flow += [pdf.paragraph(f"• {line}", styles["body"]) for line in item["es"]]
    flow += [pdf.paragraph(f"• {line}", styles["body"]) for line in content["general_advice"]["es"]]
    flow.append(pdf.paragraph(_("Emergency numbers"), styles["h2"]))
    flow += [pdf.paragraph(line, styles["body"]) for line in content["emergency"]["es"]]
    return flow


def _privacy_note(content: dict[str, Any]) -> str:
    note = _(
        "To protect the people involved, counts under %(threshold)s are not shown, crimes of a "
        "sensitive nature and those involving minors are left out, and reports appear at least "
        "7 days after the week ends."
    ) % {"threshold": content["threshold"]}
    if content.get("some_withheld"):
        note += " " + _("Some counts are withheld so that totals cannot reveal a smaller count.")
    return note


def _official_story(report: Report) -> list[Flowable]:
    styles, content = pdf.styles(), report.content
    flow = _header(report, _("Monthly official report"))
    flow.append(pdf.paragraph(_("For official use. Counts are not suppressed."), styles["small"]))
    flow += [
        pdf.paragraph(_("Summary"), styles["h2"]),
        pdf.paragraph(content["summary"]["es"], styles["body"]),
    ]
    flow += _official_kpis(content["kpis"], styles)
    flow += _official_categories(content, styles)
    flow += _official_districts(content, styles)
    flow += _official_sections(content, styles)
    return flow


def _official_kpis(kpis: dict[str, Any], styles: Styles) -> list[Flowable]:
    rows = [
        [_("Incidents"), count_text(kpis["total"])],
        [
            _("Previous month"),
            f"{count_text(kpis['previous'])} ({pct_text(kpis['change_vs_previous_pct'])})",
        ],
        [
            _("Same month last year"),
            f"{count_text(kpis['last_year'])} ({pct_text(kpis['change_vs_last_year_pct'])})",
        ],
        [
            _("Severity-weighted index"),
            f"{decimal_text(kpis['severity_index'])} ({pct_text(kpis['severity_change_pct'])})",
        ],
    ]
    if kpis.get("without_district") is not None:
        rows.append([_("Outside the district boundaries"), count_text(kpis["without_district"])])
    rows += [
        [
            origin_label(item["origin"]),
            f"{count_text(item['count'])} ({decimal_text(item['share_pct'])} %)",
        ]
        for item in kpis["origins"]
    ]
    return [
        pdf.paragraph(_("Key indicators"), styles["h2"]),
        pdf.table([_("Indicator"), _("Value")], rows, [8 * cm, 6 * cm]),
    ]


def _official_categories(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    header = [
        _("Category"),
        _("Incidents"),
        _("Previous month"),
        _("Variation"),
        _("Same month last year"),
    ]
    rows = [
        [
            localized(row) + (" *" if row["sensitive"] else ""),
            count_text(row["count"]),
            count_text(row["previous"]),
            pct_text(row["change_vs_previous_pct"]),
            count_text(row["last_year"]),
        ]
        for row in content["categories"]
    ]
    return [
        pdf.paragraph(_("By category"), styles["h2"]),
        pdf.table(header, rows),
        pdf.paragraph(_("* Sensitive category: never shown in public reports."), styles["small"]),
    ]


def _official_districts(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    if not content["districts"]:
        return []
    header = [_("District"), _("Incidents"), _("Previous month"), _("Variation"), _("Share")]
    rows = [
        [
            row["name"],
            count_text(row["count"]),
            count_text(row["previous"]),
            pct_text(row["change_vs_previous_pct"]),
            f"{decimal_text(row['share_pct'])} %",
        ]
        for row in content["districts"]
    ]
    return [pdf.paragraph(_("By district"), styles["h2"]), pdf.table(header, rows)]


def _official_sections(content: dict[str, Any], styles: Styles) -> list[Flowable]:
    """The sections other apps provide (callao/providers.py), or "not available yet"."""
    flow: list[Flowable] = []
    for key, title in official_section_titles().items():
        section = content["sections"].get(key, {"available": False})
        flow.append(pdf.paragraph(title, styles["h2"]))
        if not section.get("available"):
            flow.append(pdf.paragraph(_("Not available yet."), styles["body"]))
            continue
        rows = [["—" if cell is None else str(cell) for cell in row] for row in section["rows"]]
        flow.append(pdf.table(list(section["columns"]), rows))
        if section.get("note"):
            flow.append(pdf.paragraph(section["note"], styles["small"]))
    return flow


def report_pdf(report: Report) -> bytes:
    """The PDF of ``report`` in the site's main language (Spanish)."""
    title = f"{report.get_kind_display()} · {report.area_name} · {report.period}"
    return pdf.pdf_document(
        title, lambda: _public_story(report) if report.is_public else _official_story(report)
    )
