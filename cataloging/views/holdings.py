"""Copy cataloging and holdings: copying a shared record into the office's catalog, editing a holding."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from cataloging import actions, forms, permissions
from cataloging.models import Holding
from cataloging.views.common import _record_or_404
from office.access import office_of, staff_required
from office.views_support import run_action


@staff_required
def record_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy cataloging (a shared record of another office: a holding, and the copy fee), or the
    contributing office recording its own copies of its record (free)."""
    record = _record_or_404(request, pk)
    if not permissions.can_copy(request.user, record):
        raise PermissionDenied
    own = record.organization_id == getattr(office_of(request.user), "pk", None)
    form = forms.HoldingForm(request.POST or None, initial={"call_number": record.clc, "copies": 1, "lendable": True})
    context = {"record": record, "form": form, "own": own}
    if request.method != "POST":
        schedule = None if own else actions.fee_schedule_current()
        return render(request, "cataloging/record_copy.html", {**context, "schedule": schedule})
    return run_action(
        request,
        form,
        lambda data: actions.record_copy(record_id=record.pk, actor=request.user, **data),
        success=_("Your holding was added.") if own else _("Copied into your catalog; a holding was added."),
        redirect_to=("cataloging:record_detail", record.pk),
        template="cataloging/record_copy.html",
        template_context=lambda: {**context, "schedule": None if own else actions.fee_schedule_current()},
    )


@staff_required
def holding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holding = get_object_or_404(
        Holding.objects.visible_to(request.user).select_related("record", "organization"), pk=pk
    )
    if not permissions.can_edit_holding(request.user, holding):
        raise Http404  # another office's holding: its local data is none of our business
    form = forms.HoldingEditForm(
        request.POST or None,
        initial={f: getattr(holding, f) for f in ("call_number", "location", "copies", "lendable", "note")},
    )
    context = {"holding": holding, "form": form}
    if request.method != "POST":
        return render(request, "cataloging/holding_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.holding_update(holding_id=holding.pk, actor=request.user, **data),
        success=_("Holding saved."),
        redirect_to=("cataloging:record_detail", holding.record_id),
        template="cataloging/holding_form.html",
        template_context=context,
    )
