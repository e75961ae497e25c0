"""The purchase order as a bilingual PDF (reportlab). The CJK font comes from the payments
receipts: WenQuanYi Zen Hei embedded when installed, else STSong-Light. User text is escaped
before it reaches reportlab's Paragraph mini-markup."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from office.money import format_money
from payments.receipts import cjk_font_name
from procurement.models import PurchaseOrder


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def purchase_order_pdf(order: PurchaseOrder) -> bytes:
    font = cjk_font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=23, spaceAfter=4)
    vendor = order.vendor
    office = order.organization
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Purchase order {order.number}",
        author=str(office.name),
    )
    story = [
        _p(f"采购订单 Purchase order {order.number}", title),
        _p(f"{office.name_zh or ''} {office.name}".strip(), body),
        _p(office.address, small),
        Spacer(1, 5 * mm),
        Table(
            [
                [_p("供应商 Vendor", small), _p(f"{vendor.name_zh} {vendor.name}".strip(), body)],
                [_p("联系人 Contact", small), _p(f"{vendor.contact_name} {vendor.email} {vendor.phone}".strip(), body)],
                [
                    _p("收款人 Payee", small),
                    _p(f"{vendor.payee} {vendor.bank_name} {vendor.bank_account}".strip(), body),
                ],
                [_p("日期 Date", small), _p(f"{order.created_at:%Y-%m-%d}", body)],
                [_p("交货日期 Delivery by", small), _p(order.promised_on or "", body)],
                [_p("申请 Request", small), _p(order.request.reference, body)],
            ],
            colWidths=[38 * mm, 136 * mm],
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [
        [_p(h, small) for h in ("#", "货号 Item no.", "品名 Description", "数量 Qty", "单价 Unit price", "金额 Amount")]
    ]
    for number, line in enumerate(order.lines.all(), start=1):
        rows.append(
            [
                _p(number, body),
                _p(line.sku, body),
                _p(line.description, body),
                _p(line.quantity, body),
                _p(format_money(line.unit_price_minor, order.currency), body),
                _p(format_money(line.line_total_minor, order.currency), body),
            ]
        )
    rows.append(["", "", _p("合计 Total", body), "", "", _p(format_money(order.total_minor, order.currency), body)])
    table = Table(rows, colWidths=[8 * mm, 28 * mm, 70 * mm, 16 * mm, 26 * mm, 26 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 8 * mm),
        _p("请按订单号开具发票，并通过供应商接口或电子邮件告知发货状态。", small),
        _p("Please invoice quoting the order number and report shipping status through your API or by e-mail.", small),
    ]
    doc.build(story)
    return buffer.getvalue()
