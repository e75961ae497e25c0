"""Information services' dashboard tile (office/dashboard/tiles.py): revenue from paid orders
per unit in the period and the clients' satisfaction (ratings of completed orders, plus the
customer-contact area's surveys when that area is installed)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Avg, Count, Q, Sum
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from office.dashboard import batch
from office.dashboard import tiles as dashboard
from office.dashboard.tiles import Cell, Scope, Stat, Tile
from office.money import format_money
from services.models import ServiceOrder

Status = ServiceOrder.Status
NOT_EARNED = (Status.CANCELLED, Status.REFUNDED)


def _name(row: dict) -> str:
    chinese = row.get("department__name_zh") if (get_language() or "").startswith("zh") else ""
    return chinese or row["department__name"]


def _survey_read(scope: Scope) -> batch.Read | None:
    """The customer-contact area's satisfaction surveys (marketing.support), when installed:
    the surveys answered in the period, promoters and detractors, in one read."""
    if not apps.is_installed("marketing.support"):
        return None
    try:
        surveys = apps.get_model("support", "SurveyInvitation")
    except LookupError:
        return None
    period = scope.period
    return batch.aggregate(
        scope.departments(
            surveys.objects.filter(answered_at__gte=period.start_at, answered_at__lt=period.end_at, score__isnull=False)
        ),
        n=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )


def _survey_nps(answered: dict | None) -> Stat | None:
    """The net promoter score of the surveys answered in the period."""
    if answered is None:
        return None
    if not answered["n"]:
        return Stat(_("Survey NPS"), "—")
    score = round(100 * (answered["promoters"] - answered["detractors"]) / answered["n"])
    tone = "success" if score >= 30 else ("warning" if score >= 0 else "danger")
    text = ngettext("%(nps)s (%(n)s answer)", "%(nps)s (%(n)s answers)", answered["n"]) % {
        "nps": score,
        "n": answered["n"],
    }
    return Stat(_("Survey NPS"), text, tone=tone)


def services_reads(scope: Scope) -> dict:
    """Revenue per unit and currency, the ratings, the surveys: three reads."""
    period = scope.period
    orders = scope.departments(ServiceOrder.objects.all())
    paid = orders.filter(paid_at__gte=period.start_at, paid_at__lt=period.end_at).exclude(status__in=NOT_EARNED)
    rated = orders.filter(completed_at__gte=period.start_at, completed_at__lt=period.end_at, rating__isnull=False)
    reads = {
        "rows": batch.rows(
            paid.values("department_id", "department__name", "department__name_zh", "currency")
            .annotate(revenue=Sum("quoted_amount_minor"), n=Count("pk"))
            .order_by("currency", "department__sort_order", "department__name")
        ),
        "ratings": batch.aggregate(
            rated,
            average=Avg("rating"),
            n=Count("pk"),
            **{f"r{i}": Count("pk", filter=Q(rating=i)) for i in range(1, 6)},
        ),
    }
    survey = _survey_read(scope)
    if survey is not None:
        reads["survey"] = survey
    return reads


def services_tile(scope: Scope, data: dict) -> list[Tile]:
    rows, ratings = data["rows"], data["ratings"]
    url = reverse("services:order_list")
    revenue: dict[str, int] = {}
    for row in rows:
        revenue[row["currency"]] = revenue.get(row["currency"], 0) + (row["revenue"] or 0)
    stats = [Stat(_("Revenue"), format_money(total, currency)) for currency, total in revenue.items()] or [
        Stat(_("Revenue"), "0")
    ]
    stats.append(Stat(_("Orders paid"), str(sum(row["n"] for row in rows)), f"{url}?status=paid"))
    average = ratings["average"]
    stats.append(
        Stat(
            _("Satisfaction"),
            _("%(average).1f / 5 (%(n)s ratings)") % {"average": average, "n": ratings["n"]} if average else "—",
            f"{url}?status=completed",
            "success" if average and average >= 4 else ("warning" if average else ""),
        )
    )
    survey = _survey_nps(data.get("survey"))
    if survey is not None:
        stats.append(survey)
    tile = Tile(
        key="services",
        title=_("Service revenue and satisfaction"),
        order=40,
        icon="bi-briefcase",
        stats=stats,
        header=[_("Department"), _("Orders paid"), _("Revenue")],
        rows=[
            [
                Cell(_name(row)),
                Cell(str(row["n"]), numeric=True),
                Cell(format_money(row["revenue"] or 0, row["currency"]), numeric=True),
            ]
            for row in rows
        ],
        link=url,
        empty=_("No service order was paid in this period."),
        chart_label=_("Ratings of completed orders, from 1 to 5."),
    )
    if ratings["n"]:
        tile.chart = dashboard.count_chart(
            ["1", "2", "3", "4", "5"],
            [(_("Ratings"), [ratings[f"r{i}"] for i in range(1, 6)], "primary")],
            type="bar",
        )
    return [tile]


dashboard.register(services_tile, services_reads)
