"""The director's dashboard, a unit's dashboard for its head, and the monthly report PDF."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from office.access import staff_required
from office.dashboard import batch, report, selectors
from office.dashboard.tiles import PERIOD_KINDS, Period, Scope, tiles_with
from office.models import Department
from office.page_cache import cached_page
from office.texts import language_for

# The tiles read every business app (procurement, services, payments, cataloging, sharing,
# the store and customer contact): a write to any of them shows on the next view.
DASHBOARD_AREAS = ("procurement", "services", "payments", "cataloging", "sharing", "store", "support", "marketing")


def _page(request: HttpRequest, scope: Scope) -> HttpResponse:
    period = scope.period
    base = request.path
    tiles, page = tiles_with(scope, {"units": batch.instances(selectors.office_units(scope))})
    context = {
        "scope": scope,
        "period": period,
        "kinds": PERIOD_KINDS,
        "tiles": tiles,
        "units": page["units"],
        "previous_url": f"{base}?{period.previous.query()}",
        "next_url": f"{base}?{period.following.query()}",
        "report_url": reverse("office:dashboard_report") + f"?{period.query()}" if scope.whole_office else "",
    }
    return render(request, "office/dashboard/dashboard.html", context)


@require_safe
@staff_required
@cached_page(*DASHBOARD_AREAS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The director's whole office; a head's own unit (the same page as its unit URL)."""
    period = Period.from_query(request.GET)
    try:
        scope = selectors.office_scope(request.user, period)
    except PermissionDenied:
        unit_id = selectors.home_unit_id(request.user)
        if unit_id is None:
            raise
        scope = selectors.unit_scope(request.user, unit_id, period)
    return _page(request, scope)


@require_safe
@staff_required
def dashboard_unit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        scope = selectors.unit_scope(request.user, pk, Period.from_query(request.GET))
    except Department.DoesNotExist:
        raise Http404 from None
    return _page(request, scope)


@require_safe
@staff_required
def dashboard_report(request: HttpRequest) -> HttpResponse:
    """The period's report as a PDF, in the director's own language (as it is e-mailed)."""
    scope = selectors.office_scope(request.user, Period.from_query(request.GET))
    with translation.override(language_for(request.user)):
        content = report.report_pdf(scope)
        name = report.file_name(scope)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
