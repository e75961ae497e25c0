"""PDF receipts (reportlab). Chinese names need a CJK font: WenQuanYi Zen Hei is embedded
when fonts-wqy-zenhei is installed (the PDF then looks the same everywhere), else the
built-in STSong-Light CID font is used (not embedded; viewers supply it)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from office.money import format_money
from payments.models import Payment, Refund

WQY_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
_font_name: str | None = None


def cjk_font_name(path: Path = WQY_PATH) -> str:
    """Register the CJK font once per process and return its name."""
    global _font_name
    if _font_name is None:
        if path.exists():
            pdfmetrics.registerFont(TTFont("WQYZenHei", str(path), subfontIndex=0))
            _font_name = "WQYZenHei"
        else:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _font_name = "STSong-Light"
    return _font_name


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a mini-XML markup: user text ("R&D <Ltd>") must be escaped first.
    return Paragraph(escape(str(text)), style)


def receipt_pdf(payment: Payment) -> bytes:
    font = cjk_font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=6)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{_('Receipt')} {payment.receipt_number}",
        author=payment.payee_name,
    )
    paid_at = timezone.localtime(payment.succeeded_at) if payment.succeeded_at else None
    rows = [
        (_("Receipt number"), payment.receipt_number or ""),
        (_("Date paid"), paid_at.strftime("%Y-%m-%d %H:%M") if paid_at else ""),
        (_("Received from"), payment.payer_name or (payment.payer_organization or "")),
        (_("Paid to"), payment.payee_name),
        (_("For"), payment.description),
        (_("Amount"), format_money(payment.amount_minor, payment.currency)),
        (_("Payment reference"), f"#{payment.pk} · {payment.provider_reference}"),
    ]
    table = Table(
        [[_p(label, body), _p(value, body)] for label, value in rows],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story = [_p(payment.payee_name, body), _p(_("Receipt"), title), table]
    refunds = list(payment.refunds.filter(status=Refund.Status.SUCCEEDED).order_by("number"))
    if refunds:
        story += [Spacer(1, 6 * mm), _p(_("Refunds"), body)]
        refund_rows = [
            [
                _p(timezone.localtime(r.updated_at).strftime("%Y-%m-%d"), body),
                _p(format_money(r.amount_minor, payment.currency), body),
                _p(r.reason_text, body),
            ]
            for r in refunds
        ]
        refund_table = Table(refund_rows, colWidths=[30 * mm, 35 * mm, 105 * mm])
        refund_table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey)]))
        story += [
            refund_table,
            Spacer(1, 3 * mm),
            _p(
                _("Net amount paid: %(amount)s")
                % {"amount": format_money(payment.amount_minor - payment.refunded_minor, payment.currency)},
                body,
            ),
        ]
    story += [Spacer(1, 10 * mm), _p(_("This receipt was issued electronically and needs no signature."), small)]
    doc.build(story)
    return buffer.getvalue()
