"""The dashboard as a PDF (reportlab, CJK font): the same tiles, stats and tables as the page,
in the active language (the caller overrides it with the director's own)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from office.dashboard.tiles import Scope, Tile, tiles_for
from office.models import localized


def _font() -> str:
    # The project's CJK font (WenQuanYi Zen Hei embedded when installed), registered once.
    from payments.receipts import cjk_font_name

    return cjk_font_name()


def file_name(scope: Scope) -> str:
    return f"report-{scope.period.kind}-{scope.period.start:%Y-%m}.pdf"


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _tile_flowables(tile: Tile, styles: dict[str, ParagraphStyle]) -> list:
    body, small, heading = styles["body"], styles["small"], styles["heading"]
    parts: list = [_p(tile.title, heading)]
    if tile.stats:
        stats = Table([[_p(s.label, small), _p(s.value, body)] for s in tile.stats], colWidths=[60 * mm, 110 * mm])
        stats.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        parts.append(stats)
    if tile.rows:
        data = [[_p(h, small) for h in tile.header]] + [[_p(c.text, body) for c in row] for row in tile.rows]
        table = Table(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f5f7")]),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        parts += [Spacer(1, 2 * mm), table]
    elif tile.empty and not tile.stats:
        parts.append(_p(tile.empty, small))
    return [KeepTogether(parts), Spacer(1, 6 * mm)]


def report_pdf(scope: Scope) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    styles = {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceAfter=3),
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=4),
    }
    office = localized(scope.organization, "name")
    title = _("Report of %(office)s: %(period)s") % {"office": office, "period": scope.period.label}
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=title,
    )  # fmt: skip
    made = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    story: list = [
        _p(title, styles["title"]),
        _p(_("Made %(when)s. Figures in the office's own records at that time.") % {"when": made}, styles["small"]),
        Spacer(1, 6 * mm),
    ]
    for tile in tiles_for(scope):
        story += _tile_flowables(tile, styles)
    doc.build(story)
    return buffer.getvalue()
