"""Payments' dashboard tile (office/dashboard/tiles.py): money the office received in the
period by purpose, refunds, and payments flagged for finance to check."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from office.dashboard import batch
from office.dashboard import tiles as dashboard
from office.dashboard.tiles import Cell, Scope, Stat, Tile
from office.money import format_money
from payments import payables
from payments.models import Payment


def payments_reads(scope: Scope) -> dict:
    """Two reads: received and refunded per purpose and currency, and the flagged count."""
    if not scope.whole_office:
        return {}
    period = scope.period
    received = Payment.objects.filter(
        payee_organization_id=scope.organization.pk,
        status__in=Payment.PAID,
        succeeded_at__gte=period.start_at,
        succeeded_at__lt=period.end_at,
    )
    flagged = Payment.objects.filter(payee_organization_id=scope.organization.pk).exclude(discrepancy="")
    return {
        "rows": batch.rows(
            received.values("purpose_type", "currency")
            .annotate(n=Count("pk"), amount=Sum("amount_minor"), refunded=Sum("refunded_minor"))
            .order_by("currency", "purpose_type")
        ),
        "flagged": batch.aggregate(flagged, n=Count("pk")),
    }


def payments_tile(scope: Scope, data: dict) -> list[Tile]:
    if not scope.whole_office:
        return []
    rows, flagged_n = data["rows"], data["flagged"]["n"]
    labels = dict(payables.choices())
    totals: dict[str, list[int]] = {}
    for row in rows:
        sums = totals.setdefault(row["currency"], [0, 0])
        sums[0] += row["amount"] or 0
        sums[1] += row["refunded"] or 0
    url = reverse("payments:payment_list")
    stats = []
    for currency, (amount, refunded) in totals.items():
        stats += [
            Stat(_("Money received"), format_money(amount, currency)),
            Stat(_("Refunded"), format_money(refunded, currency)),
        ]
    stats.append(Stat(_("Flagged for checking"), str(flagged_n), url, "danger" if flagged_n else "success"))
    tile = Tile(
        key="payments",
        title=_("Payments received"),
        order=45,
        icon="bi-credit-card",
        stats=stats,
        header=[_("Purpose"), _("Payments"), _("Money received"), _("Refunded")],
        rows=[
            [
                Cell(str(labels.get(row["purpose_type"], row["purpose_type"]))),
                Cell(str(row["n"]), numeric=True),
                Cell(format_money(row["amount"] or 0, row["currency"]), numeric=True),
                Cell(format_money(row["refunded"] or 0, row["currency"]), numeric=True),
            ]
            for row in rows
        ],
        link=url,
        empty=_("No payment was received in this period."),
    )
    return [tile]


dashboard.register(payments_tile, payments_reads)
