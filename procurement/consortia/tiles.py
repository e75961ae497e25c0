"""The consortium-buying tile of the director's dashboard (office/dashboard/tiles.py)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from office.dashboard import batch
from office.dashboard import tiles as dashboard
from office.dashboard.tiles import Cell, Scope, Stat, Tile
from procurement.consortia.models import Consortium, Membership

IN_PROGRESS = (
    Consortium.Status.FORMING,
    Consortium.Status.ELECTING,
    Consortium.Status.NEGOTIATING,
    Consortium.Status.AGREED,
    Consortium.Status.CONTRACTING,
)
TAKING_PART = (Membership.Status.INVITED, Membership.Status.APPLIED, Membership.Status.JOINED)


def consortia_reads(scope: Scope) -> dict:
    """Deals the office takes part in that are not settled yet, by stage (two reads)."""
    if not scope.whole_office:
        return {}
    deals = Consortium.objects.filter(
        status__in=IN_PROGRESS,
        memberships__organization_id=scope.organization.pk,
        memberships__status__in=TAKING_PART,
    ).distinct()
    return {
        "by_status": batch.rows(deals.order_by().values("status").annotate(n=Count("pk", distinct=True))),
        "rows": batch.instances(deals.order_by("-updated_at", "pk")[:5]),
    }


def consortia_tile(scope: Scope, data: dict) -> list[Tile]:
    if not scope.whole_office:
        return []
    by_status = {row["status"]: row["n"] for row in data["by_status"]}
    labels = dict(Consortium.Status.choices)
    rows = data["rows"]
    url = reverse("procurement:consortium_list")
    tile = Tile(
        key="consortia",
        title=_("Consortium deals in progress"),
        order=60,
        icon="bi-people",
        stats=[Stat(_("In progress"), str(sum(by_status.values())), url)]
        + [Stat(str(labels[status]), str(by_status[status])) for status in IN_PROGRESS if by_status.get(status)],
        header=[_("Consortium"), _("Stage")],
        rows=[
            [
                Cell(deal.name, reverse("procurement:consortium_detail", kwargs={"pk": deal.pk})),
                Cell(str(deal.get_status_display())),
            ]
            for deal in rows
        ],
        link=url,
        empty=_("No consortium deal in progress."),
    )
    return [tile]


dashboard.register(consortia_tile, consortia_reads)
