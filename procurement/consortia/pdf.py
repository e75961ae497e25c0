"""A member's consortium contract as a bilingual PDF (reportlab). The CJK font comes from the
payments receipts (WenQuanYi Zen Hei embedded when installed, else STSong-Light), as for the
purchase order. User text is escaped before it reaches reportlab's Paragraph mini-markup.

The bytes are rendered once, when contracts are issued, and stored: both signatures record
their SHA-256, so the document must never be re-rendered (reportlab stamps time and a random id).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from office.money import format_money
from payments.receipts import cjk_font_name


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _yes(value: bool) -> str:
    return "是 Yes" if value else "否 No"


def contract_pdf(contract: Any, *, consortium: Any, offer: Any, members: int) -> bytes:
    font = cjk_font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, spaceAfter=4)
    office = contract.organization
    vendor = consortium.vendor
    money = format_money(contract.price_minor, contract.currency)
    list_price = format_money(consortium.list_price_minor, consortium.currency)
    basis = "成员数 members" if offer.basis == "members" else "全时当量 FTE"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Consortium contract {contract.number}",
        author=str(vendor.name),
    )
    rows = [
        ("合同编号 Contract no.", contract.number),
        ("集团 Consortium", consortium.name),
        ("资源 Resource", consortium.resource),
        ("提供商 Provider", f"{vendor.name_zh} {vendor.name}".strip()),
        ("收款人 Payee", vendor.payee),
        ("成员馆 Member office", f"{office.name_zh} {office.name}".strip()),
        ("地址 Address", office.address),
        ("期限 Term", f"{contract.starts_on:%Y-%m-%d} – {contract.ends_on:%Y-%m-%d} ({offer.term_months} 个月 months)"),
        ("价格 Price", f"{money}（标价 list price {list_price}）"),
        ("档位 Tier", f"{consortium.final_quantity} {basis}; {members} 家成员签约 members contracting"),
        ("并发用户 Concurrent users", offer.concurrent_users),
        ("使用地点 Permitted sites", offer.sites or "—"),
        ("馆际互借 Interlibrary loan", _yes(offer.ill_allowed)),
        ("存档权 Archival rights", _yes(offer.archival_rights)),
        ("永久访问 Perpetual access", _yes(offer.perpetual_access)),
        (
            "续订涨价上限 Renewal price cap",
            "—" if offer.renewal_cap_percent is None else f"+{offer.renewal_cap_percent}%",
        ),
    ]
    table = Table([[_p(k, small), _p(v, body)] for k, v in rows], colWidths=[48 * mm, 126 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.2, colors.grey)]))
    story = [
        _p(f"集团采购合同 Consortium purchase contract {contract.number}", title),
        _p(
            "本合同依据集团与提供商在线谈判达成的条款订立；成员馆单独签约并自行向提供商付款。",
            small,
        ),
        _p(
            "This contract follows the terms the consortium negotiated online with the provider; "
            "each member office signs on its own and pays the provider itself.",
            small,
        ),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 10 * mm),
        _p("成员馆签字 Signed for the member office: ____________________", body),
        Spacer(1, 6 * mm),
        _p("提供商签字 Signed for the provider: ____________________", body),
        Spacer(1, 6 * mm),
        _p("电子签署记录姓名、时间与本文件的 SHA-256 摘要。", small),
        _p("Electronic signatures record the typed name, the time and the SHA-256 digest of this file.", small),
    ]
    doc.build(story)
    return buffer.getvalue()
