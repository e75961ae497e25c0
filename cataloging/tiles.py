"""Cataloging's dashboard tile (office/dashboard/tiles.py): records the offices contributed in
the period and the review backlog with its age."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cataloging.models import BibRecord
from office.dashboard import batch
from office.dashboard import tiles as dashboard
from office.dashboard.tiles import Cell, Scope, Stat, Tile

S = BibRecord.Status
WAITING = (S.SUBMITTED, S.IN_REVIEW)


def cataloging_reads(scope: Scope) -> dict:
    """Two reads: contributions per office in the period, the backlog; nothing per row."""
    if not scope.whole_office:
        return {}
    period, org = scope.period, scope.organization
    # The home office reviews every office's records and sees all contributions; a member
    # office sees its own.
    records = BibRecord.objects.all() if org.is_home else BibRecord.objects.filter(organization_id=org.pk)
    in_period = Q(submitted_at__gte=period.start_at, submitted_at__lt=period.end_at)
    approved = Q(status=S.APPROVED, reviewed_at__gte=period.start_at, reviewed_at__lt=period.end_at)
    now = timezone.now()
    return {
        "now": now,
        "per_office": batch.rows(
            records.filter(in_period | approved)
            .values("organization_id", "organization__name", "organization__name_zh")
            .annotate(submitted=Count("pk", filter=in_period), approved=Count("pk", filter=approved))
            .order_by("organization__name")
        ),
        "backlog": batch.aggregate(
            records.filter(status__in=WAITING),
            n=Count("pk"),
            oldest=Min("submitted_at"),
            in_review=Count("pk", filter=Q(status=S.IN_REVIEW)),
            week=Count("pk", filter=Q(submitted_at__lt=now - timedelta(days=7))),
        ),
    }


def cataloging_tile(scope: Scope, data: dict) -> list[Tile]:
    if not scope.whole_office:
        return []
    now, per_office, backlog = data["now"], data["per_office"], data["backlog"]
    chinese = (get_language() or "").startswith("zh")
    names = [(row["organization__name_zh"] if chinese else "") or row["organization__name"] for row in per_office]
    review_url = reverse("cataloging:review_queue")
    tile = Tile(
        key="cataloging",
        title=_("Catalog contributions and review backlog"),
        order=50,
        icon="bi-journal-bookmark",
        stats=[
            Stat(_("Submitted in period"), str(sum(row["submitted"] for row in per_office))),
            Stat(_("Approved in period"), str(sum(row["approved"] for row in per_office))),
            Stat(_("Waiting for review"), str(backlog["n"]), review_url, "warning" if backlog["n"] else "success"),
            Stat(
                _("Oldest waits"), dashboard.age_text(backlog["oldest"], now), tone="danger" if backlog["week"] else ""
            ),
        ],
        header=[_("Office"), _("Submitted"), _("Approved")],
        rows=[
            [Cell(name), Cell(str(row["submitted"]), numeric=True), Cell(str(row["approved"]), numeric=True)]
            for name, row in zip(names, per_office, strict=True)
        ],
        link=review_url,
        empty=_("No record was submitted or approved in this period."),
        chart_label=_("Records submitted and approved per office in the period."),
    )
    if per_office:
        tile.chart = dashboard.count_chart(
            names,
            [
                (_("Submitted"), [row["submitted"] for row in per_office], "primary"),
                (_("Approved"), [row["approved"] for row in per_office], "success"),
            ],
            type="bar",
        )
    return [tile]


dashboard.register(cataloging_tile, cataloging_reads)
