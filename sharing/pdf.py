"""PDFs of resource sharing (reportlab, with the CJK font the union catalog's statement uses):
pull slips for the lender's staff (one slip per request, several per page) and the monthly
netted statement. Everything user-supplied goes through `escape` (Paragraph parses markup)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from cataloging.pdf import cjk_font
from office.money import format_money


def _styles() -> tuple[Any, Any, Any]:
    from reportlab.lib.styles import ParagraphStyle

    font = cjk_font()
    normal = ParagraphStyle("n", fontName=font, fontSize=9.5, leading=13)
    small = ParagraphStyle("s", parent=normal, fontSize=8, leading=10)
    heading = ParagraphStyle("h", parent=normal, fontSize=14, leading=19, spaceAfter=4)
    return normal, small, heading


def _p(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)), style)


def pull_slips_pdf(requests: list[Any]) -> bytes:
    """One slip per request: what to pull from the shelf, for whom, by when."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

    normal, small, heading = _styles()
    story: list[Any] = [_p(_("Pull slips") + " · 馆际互借调书单", heading)]
    for request in requests:
        holding = request.slip_holding
        rows = [
            [_p(_("Request"), small), _p(f"{request.number} · {request.get_service_type_display()}", normal)],
            [_p(_("Title"), small), _p(request.title, normal)],
            [_p(_("Author"), small), _p(request.author or "—", normal)],
            [_p(_("Call number"), small), _p(getattr(holding, "call_number", "") or "—", normal)],
            [_p(_("Location"), small), _p(getattr(holding, "location", "") or "—", normal)],
            [_p(_("Pages"), small), _p(request.pages or "—", normal)],
            [_p(_("Borrower"), small), _p(f"{request.borrower.agency_id} {request.borrower.display_name}", normal)],
            [
                _p(_("Answer by"), small),
                _p(request.deadline.strftime("%Y-%m-%d %H:%M") if request.deadline else "—", normal),
            ],
        ]
        if request.urgent:
            rows.append([_p(_("Urgent"), small), _p("!", normal)])
        table = Table(rows, colWidths=[30 * mm, 140 * mm])
        table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [KeepTogether([table]), Spacer(1, 5 * mm)]
    if not requests:
        story.append(_p(_("Nothing to pull."), normal))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Pull slips")).build(story)
    return buffer.getvalue()


def settlement_pdf(statement: Any, charges: list[Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    normal, small, heading = _styles()
    currency = statement.currency
    first, second = statement.first, statement.second
    story: list[Any] = [
        _p(_("Resource-sharing statement") + " · 资源共享结算单", heading),
        _p(_("Month: %(month)s") % {"month": statement.period_start.strftime("%Y-%m")}, normal),
        _p(f"{first.agency_id} {first.name} {first.name_zh}", normal),
        _p(f"{second.agency_id} {second.name} {second.name_zh}", normal),
        Spacer(1, 5 * mm),
    ]
    rows: list[list[Any]] = [[_p(h, small) for h in (_("Date"), _("Request"), _("Owed by"), _("To"), _("Amount"))]]
    for charge in charges:
        rows.append(
            [
                _p(charge.created_at.strftime("%Y-%m-%d"), small),
                _p(f"{charge.request.number} {charge.request.title[:60]}", small),
                _p(charge.debtor.agency_id, small),
                _p(charge.creditor.agency_id, small),
                _p(format_money(charge.amount_minor, charge.currency), small),
            ]
        )
    table = Table(rows, colWidths=[22 * mm, 80 * mm, 24 * mm, 24 * mm, 26 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    story.append(
        _p(
            _("%(first)s owes %(a)s; %(second)s owes %(b)s.")
            % {
                "first": first.agency_id,
                "second": second.agency_id,
                "a": format_money(statement.first_owes_minor, currency),
                "b": format_money(statement.second_owes_minor, currency),
            },
            normal,
        )
    )
    if statement.debtor_id:
        line = _("Net: %(debtor)s pays %(creditor)s %(amount)s.") % {
            "debtor": statement.debtor.agency_id,
            "creditor": statement.creditor.agency_id,
            "amount": format_money(statement.amount_minor, currency),
        }
    else:
        line = _("Net: nothing to pay.")
    story += [_p(line, heading), _p(_("Status: %(status)s") % {"status": statement.get_status_display()}, normal)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Resource-sharing statement")).build(story)
    return buffer.getvalue()
