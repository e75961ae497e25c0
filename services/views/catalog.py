"""The catalog: the public list and page of each offering, and managing the offerings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from office.access import staff_required
from office.views_support import run_action
from services import actions, forms, permissions, selectors
from services.models import Offering


@require_GET
def offering_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Offering.Kind.values:
        kind = ""
    return render(
        request,
        "services/offering_list.html",
        {
            "offerings": selectors.offering_list(kind=kind),
            "kinds": Offering.Kind.choices,
            "kind": kind,
            "can_manage": permissions.can_manage_offerings(request.user),
            "can_order": permissions.can_order(request.user),
        },
    )


@require_GET
def offering_detail(request: HttpRequest, code: str) -> HttpResponse:
    offering = get_object_or_404(selectors.offering_list(), code=code)
    return render(
        request,
        "services/offering_detail.html",
        {
            "offering": offering,
            "can_order": permissions.can_order(request.user) and offering.pricing != Offering.Pricing.SUBSCRIPTION,
            "can_subscribe": permissions.can_order(request.user) and offering.pricing == Offering.Pricing.SUBSCRIPTION,
            "can_edit": permissions.can_edit_offering(request.user, offering),
        },
    )


def _catalog_manager(request: HttpRequest) -> None:
    if not permissions.can_manage_offerings(request.user):
        raise PermissionDenied


@staff_required
@require_GET
def offering_manage(request: HttpRequest) -> HttpResponse:
    _catalog_manager(request)
    offerings = Offering.objects.select_related("department").order_by("sort_order", "name")
    return render(request, "services/offering_manage.html", {"offerings": offerings})


@staff_required
@require_http_methods(["GET", "POST"])
def offering_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _catalog_manager(request)
    offering = get_object_or_404(Offering, pk=pk) if pk else Offering()
    if pk and not permissions.can_edit_offering(request.user, offering):
        raise PermissionDenied
    form = forms.OfferingForm(request.POST or None, instance=offering, user=request.user)
    context = {"form": form, "offering": offering}
    if request.method != "POST":
        return render(request, "services/offering_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.offering_save(offering=form.instance, actor=request.user),
        success=_("The service was saved."),
        redirect_to="services:offering_manage",
        template="services/offering_form.html",
        template_context=context,
    )
