"""The formal report PDF of a novelty search (reportlab).

Chinese renders in WenQuanYi Zen Hei, embedded (the payments receipts register it; the
built-in STSong-Light is the fallback when the font package is missing). Every piece of user
text goes through `escape` because reportlab's Paragraph reads a mini-XML markup.
"""

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
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from office.models import Organization
from payments.receipts import cjk_font_name
from services.models import Report
from services.selectors import invoice_buyer_of, staff_name


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    # Line breaks in user text become <br/> only after escaping.
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _name(user: object) -> str:
    return staff_name(user)


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=4),
        "letterhead": ParagraphStyle("letterhead", parent=body, fontSize=14, leading=20, alignment=1),
        "right": ParagraphStyle("right", parent=body, alignment=2),
    }


def _document(buffer: io.BytesIO, *, title: str, author: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
    )


def _letterhead(home: Organization, styles: dict[str, ParagraphStyle]) -> list[object]:
    """The office's name, its contact line and a rule: the top of every formal document."""
    contact = " · ".join(x for x in [home.address, home.phone, home.email, home.website] if x)
    return [
        _p(f"{home.name} {home.name_zh}".strip(), styles["letterhead"]),
        _p(contact or getattr(settings, "SITE_URL", ""), styles["small"]),
        HRFlowable(width="100%", thickness=1.2, color=colors.darkblue, spaceBefore=3, spaceAfter=8),
    ]


def report_pdf(report: Report) -> bytes:
    styles = _styles()
    body, small, heading, title = styles["body"], styles["small"], styles["heading"], styles["title"]
    order = report.order
    home = order.department.organization or Organization.objects.filter(is_home=True).first()
    buffer = io.BytesIO()
    doc = _document(buffer, title=f"{_('Novelty search report')} {report.number}", author=str(home))
    story = [
        *_letterhead(home, styles),
        _p(_("Novelty search report") + " 科技查新报告", title),
        _p(_("Report number: %(number)s") % {"number": report.number}, body),
        Spacer(1, 4 * mm),
    ]
    issued = timezone.localtime(report.created_at)
    rows = [
        (_("Client"), f"{order.client.display_name} {order.client.organisation_name}".strip()),
        (_("Order"), order.number),
        (_("Topic"), order.topic),
        (_("Keywords"), order.keywords or "—"),
        (_("Service"), order.offering.name),
        (_("Issued"), issued.strftime("%Y-%m-%d")),
    ]
    table = Table([[_p(k, body), _p(v, body)] for k, v in rows], colWidths=[35 * mm, 135 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, _p(_("Scope of the search"), heading), _p(order.scope or "—", body)]
    story += [_p(_("Findings"), heading), _p(report.findings, body)]
    story += [_p(_("Conclusion"), heading), _p(report.conclusion, body), Spacer(1, 10 * mm)]
    sign = Table(
        [
            [_p(_("Searched by"), body), _p(_("Reviewed and signed off by"), body)],
            [_p(_name(report.author), body), _p(_name(report.reviewer), body)],
            [_p(issued.strftime("%Y-%m-%d"), small), _p(issued.strftime("%Y-%m-%d"), small)],
        ],
        colWidths=[85 * mm, 85 * mm],
    )
    sign.setStyle(TableStyle([("LINEABOVE", (0, 1), (-1, 1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [
        sign,
        Spacer(1, 8 * mm),
        _p(
            _(
                "This report was issued by the office's information development department; it is numbered and "
                "registered. Reproduction in part requires the office's consent."
            ),
            small,
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def invoice_number(order: object) -> str:
    """Stable and unique: derived from the order's unique number (one invoice per paid order)."""
    return "INV-" + order.number.removeprefix("SO")


def invoice_pdf(order: object) -> bytes:
    """The formal invoice of a paid order: letterhead, buyer's invoice title and tax ID, the
    service, the amount actually paid (the quote) and the payment's receipt number; a refund
    is stated on it. Rendered on request from the order and its payment."""
    from office.money import format_money

    styles = _styles()
    body, small, title, right = styles["body"], styles["small"], styles["title"], styles["right"]
    home = order.department.organization
    client = order.client
    payment = order.payment
    number = invoice_number(order)
    buffer = io.BytesIO()
    doc = _document(buffer, title=f"{_('Invoice')} {number}", author=str(home))
    paid = timezone.localtime(order.paid_at)
    story = [
        *_letterhead(home, styles),
        _p(_("Invoice") + " 发票", title),
        _p(_("Invoice number: %(number)s") % {"number": number}, body),
        _p(_("Date: %(date)s") % {"date": paid.strftime("%Y-%m-%d")}, body),
        Spacer(1, 4 * mm),
    ]
    # As the client's details stood at payment (orders paid before that was kept: as they are now).
    buyer = order.invoice_buyer or invoice_buyer_of(client)
    parties = [
        (_("Seller"), f"{home.name} {home.name_zh}".strip()),
        (_("Buyer"), buyer["title"]),
        (_("Buyer's tax ID"), buyer["tax_id"] or "—"),
        (_("Buyer's address"), buyer["address"] or "—"),
        (_("Order"), order.number),
    ]
    table = Table([[_p(k, body), _p(v, body)] for k, v in parties], colWidths=[40 * mm, 130 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    amount = format_money(order.quoted_amount_minor, order.currency)
    lines = Table(
        [
            [_p(_("Service"), body), _p(_("Quantity"), body), _p(_("Amount"), right)],
            [
                _p(f"{order.offering.name} {order.offering.name_zh}\n{order.topic}".strip(), body),
                _p("1", body),
                _p(amount, right),
            ],  # fmt: skip
            [_p(_("Total paid"), body), "", _p(amount, right)],
        ],
        colWidths=[120 * mm, 20 * mm, 30 * mm],
    )
    lines.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.grey),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm), lines, Spacer(1, 6 * mm)]
    if payment is not None:
        story.append(
            _p(
                _("Paid online on %(date)s; payment receipt %(receipt)s.")
                % {"date": paid.strftime("%Y-%m-%d"), "receipt": payment.receipt_number or "—"},
                body,
            )
        )
        if payment.refunded_minor:
            story.append(
                _p(
                    _("Refunded: %(amount)s.") % {"amount": format_money(payment.refunded_minor, payment.currency)},
                    body,
                )
            )
        elif order.status == order.Status.REFUNDED:
            story.append(_p(_("The order was cancelled; the full amount is being refunded."), body))
    story += [
        Spacer(1, 8 * mm),
        _p(
            _("Issued by the office's information services; amounts in %(currency)s.") % {"currency": order.currency},
            small,
        ),  # fmt: skip
    ]
    doc.build(story)
    return buffer.getvalue()
