"""The store's PDFs (reportlab, the project's CJK font from payments.receipts): the invoice of
an order and the licence certificate of a grant. Rendered in the active language: callers
wrap them in `translation.override(language_for(reader))`."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from marketing.store import pricing
from marketing.store.models import Grant, StoreOrder
from office.models import localized
from office.money import format_money
from payments.receipts import cjk_font_name


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = cjk_font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=6)
    return body, small, title


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[object]], widths: list[float], body: ParagraphStyle, header: bool = False) -> Table:
    table = Table([[_p(cell, body) for cell in row] for row in rows], colWidths=widths)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style.append(("BACKGROUND", (0, 0), (-1, 0) if header else (0, -1), colors.whitesmoke))
    table.setStyle(TableStyle(style))
    return table


def _doc(buffer: io.BytesIO, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=title,
    )  # fmt: skip


def _seller() -> str:
    from marketing.store.selectors import home_office

    home = home_office()
    return localized(home, "name") if home else ""


def invoice_pdf(order: StoreOrder) -> bytes:
    body, small, title = _styles()
    buffer = io.BytesIO()
    doc = _doc(buffer, f"{_('Invoice')} {order.number}")
    paid = timezone.localtime(order.paid_at).strftime("%Y-%m-%d") if order.paid_at else ""
    head = [
        [_("Invoice number"), order.number],
        [_("Date paid"), paid],
        [_("Seller"), _seller()],
        [_("Buyer"), order.buyer_name],
    ]
    lines = [[_("Item"), _("Seats or copies"), _("Unit price"), _("Amount")]]
    for line in order.lines.all():
        lines.append(
            [
                line.description,
                line.quantity,
                format_money(line.unit_minor, order.currency),
                format_money(line.line_total_minor, order.currency),
            ]
        )
    rate = pricing.tax_rate_bp() / 100
    totals = [
        [_("Subtotal"), format_money(order.subtotal_minor, order.currency)],
        [_("Discount"), format_money(order.discount_minor, order.currency)],
        [_("Total (tax included)"), format_money(order.total_minor, order.currency)],
        [_("Of which tax (%(rate)s%%)") % {"rate": f"{rate:g}"}, format_money(order.tax_minor, order.currency)],
    ]
    story = [
        _p(_seller(), body),
        _p(_("Invoice"), title),
        _table(head, [45 * mm, 125 * mm], body),
        Spacer(1, 5 * mm),
        _table(lines, [85 * mm, 25 * mm, 30 * mm, 30 * mm], body, header=True),
        Spacer(1, 5 * mm),
        _table(totals, [125 * mm, 45 * mm], body),
        Spacer(1, 10 * mm),
        _p(_("This invoice was issued electronically and needs no signature."), small),
    ]
    doc.build(story)
    return buffer.getvalue()


def grant_rights(grant: Grant) -> str:
    option = grant.option
    rights = localized(option, "rights") or option.get_kind_display()
    return f"{option.get_kind_display()}: {rights}" if localized(option, "rights") else rights


def grant_term(grant: Grant) -> str:
    start = timezone.localtime(grant.starts_at).strftime("%Y-%m-%d")
    if grant.ends_at is None:
        return _("from %(start)s, perpetual") % {"start": start}
    end = timezone.localtime(grant.ends_at).strftime("%Y-%m-%d")
    return _("%(start)s to %(end)s") % {"start": start, "end": end}


def certificate_pdf(grant: Grant) -> bytes:
    body, small, title = _styles()
    certificate = grant.certificate
    buffer = io.BytesIO()
    doc = _doc(buffer, f"{_('Licence certificate')} {certificate.number}")
    rows = [
        [_("Certificate number"), certificate.number],
        [_("Licensee"), grant.licensee],
        [_("Product"), localized(grant.product, "name")],
        [_("Rights"), grant_rights(grant)],
        [_("Term"), grant_term(grant)],
        [_("Seats (concurrent users)"), grant.seats],
        [_("IP ranges"), grant.ip_ranges or _("none (not limited by address)")],
        [_("Verification code"), certificate.verification_code],
    ]
    verify = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}/licences/verify/{certificate.verification_code}/"
    story = [
        _p(_seller(), body),
        _p(_("Licence certificate"), title),
        _table(rows, [50 * mm, 120 * mm], body),
        Spacer(1, 6 * mm),
        _p(_("Anyone can check this certificate at %(url)s") % {"url": verify}, body),
        Spacer(1, 10 * mm),
        _p(_("This certificate was issued electronically and needs no signature."), small),
    ]
    doc.build(story)
    return buffer.getvalue()
