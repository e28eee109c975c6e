"""PDF building blocks shared by every document the apps print (reportlab).

Reports (reports/pdf.py) and the KPI dashboard (analytics/exports.py) draw with the same
fonts, styles, tables and page footer, in the site's main language.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path(reportlab.__file__).parent / "fonts")
Styles = dict[str, ParagraphStyle]


@cache
def fonts() -> tuple[str, str]:
    """A Unicode TrueType font (accents, ñ, «»): DejaVu when installed, else reportlab's Vera."""
    for regular, bold in (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("Vera.ttf", "VeraBd.ttf")):
        for folder in FONT_DIRS:
            if (folder / regular).exists() and (folder / bold).exists():
                pdfmetrics.registerFont(TTFont("ReportSans", str(folder / regular)))
                pdfmetrics.registerFont(TTFont("ReportSans-Bold", str(folder / bold)))
                return "ReportSans", "ReportSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def styles() -> Styles:
    regular, bold = fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["BodyText"], fontName=regular, fontSize=10, leading=14
    )
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=13),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor="#4b5563"),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11),
    }


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text (escaped: a paragraph is reportlab markup) in a style."""
    return Paragraph(escape(text), style)


def table(header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> Table:
    cell = styles()["cell"]
    regular, _bold = fonts()
    data = [[paragraph(text, cell) for text in header]]
    data += [[paragraph(text, cell) for text in row] for row in rows]
    drawn = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    drawn.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), regular),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d1d5db")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return drawn


def _footer(canvas: Any, document: Any) -> None:
    regular, _bold = fonts()
    canvas.saveState()
    canvas.setFont(regular, 7)
    canvas.drawString(
        2 * cm, 1.2 * cm, _("Callao crime prevention · page %(page)d") % {"page": document.page}
    )
    canvas.restoreState()


def pdf_document(title: str, story: Callable[[], list[Flowable]]) -> bytes:
    """An A4 PDF of the flowables ``story()`` builds, in the site's main language (Spanish)."""
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=title,
            author="Callao",
            subject=title,
            creator="Callao crime prevention",
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=1.8 * cm,
            bottomMargin=2 * cm,
        )
        document.build(story(), onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
