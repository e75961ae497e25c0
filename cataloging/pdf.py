"""The monthly statement as a PDF (reportlab).

Chinese text needs a font that has it: WenQuanYi Zen Hei is a TrueType collection reportlab
can embed (subfont 0), so the PDF reads the same everywhere; where that file is missing,
the built-in CID font STSong-Light is used (not embedded: the reader must supply it).
Everything user-supplied goes through `escape`, because Paragraph parses its text as markup.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from office.money import format_money

WQY_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
_font_name: str | None = None


def cjk_font() -> str:
    global _font_name
    if _font_name is None:
        from reportlab.pdfbase import pdfmetrics

        try:
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("WenQuanYiZenHei", WQY_PATH, subfontIndex=0))
            _font_name = "WenQuanYiZenHei"
        except Exception:  # font file missing or unreadable: fall back to the CID font
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _font_name = "STSong-Light"
    return _font_name


def statement_pdf(statement: Any, entries: list[Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    normal = ParagraphStyle("n", fontName=font, fontSize=9.5, leading=13)
    heading = ParagraphStyle("h", parent=normal, fontSize=15, leading=20, spaceAfter=4)
    currency = statement.currency

    def p(text: Any, style: ParagraphStyle = normal) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    office = statement.organization
    story: list[Any] = [
        p(_("Union cataloging statement") + " · 联合联机编目结算单", heading),
        p(f"{office.name} {office.name_zh}".strip()),
        p(_("Month: %(month)s") % {"month": statement.period_start.strftime("%Y-%m")}),
        p(_("Status: %(status)s") % {"status": statement.get_status_display()}),
        Spacer(1, 6 * mm),
    ]
    rows: list[list[Any]] = [[p(_("Date")), p(_("Kind")), p(_("Record")), p(_("Amount"))]]
    for entry in entries:
        rows.append(
            [
                p(entry.created_at.strftime("%Y-%m-%d")),
                p(entry.get_kind_display()),
                p(str(entry.record)[:120]),
                p(format_money(entry.amount_minor, entry.currency)),
            ]
        )
    table = Table(rows, colWidths=[25 * mm, 40 * mm, 80 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 6 * mm),
        p(_("Copy cataloging fees: %(amount)s") % {"amount": format_money(statement.charges_minor, currency)}),
        p(_("Contribution credits: %(amount)s") % {"amount": format_money(statement.credits_minor, currency)}),
        p(_("Balance: %(amount)s") % {"amount": format_money(statement.net_minor, currency)}, heading),
    ]
    buffer = io.BytesIO()
    title = f"{office.code} {statement.period_start:%Y-%m}"
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Union catalog").build(story)
    return buffer.getvalue()
