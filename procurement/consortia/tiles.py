"""The consortium-buying tile of the director's dashboard (office/dashboard/tiles.py)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

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


def consortia_tile(scope: Scope) -> list[Tile]:
    """Deals the office takes part in that are not settled yet, by stage (two queries)."""
    if not scope.whole_office:
        return []
    deals = Consortium.objects.filter(
        status__in=IN_PROGRESS,
        memberships__organization_id=scope.organization.pk,
        memberships__status__in=TAKING_PART,
    ).distinct()
    by_status = dict(deals.order_by().values_list("status").annotate(n=Count("pk", distinct=True)))
    labels = dict(Consortium.Status.choices)
    rows = list(deals.order_by("-updated_at", "pk")[:5])
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


dashboard.register(consortia_tile)
