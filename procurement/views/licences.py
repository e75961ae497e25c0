"""Usage-right licences: the list, the licence page, recording, editing and renewing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_required
from office.views_support import run_action
from procurement import actions, forms, permissions
from procurement.models import Licence, Vendor
from procurement.views.common import paginate


@staff_required
@require_GET
def licence_list(request: HttpRequest) -> HttpResponse:
    qs = Licence.objects.visible_to(request.user).select_related("vendor")
    status = request.GET.get("status", "")
    if status in Licence.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "procurement/licence_list.html",
        {
            "page_obj": paginate(request, qs),
            "status": status,
            "can_manage": permissions.can_manage_licences(request.user),
            "today": timezone.localdate(),
        },
    )


@staff_required
@require_GET
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence.objects.visible_to(request.user).select_related("vendor", "order"), pk=pk)
    return render(
        request,
        "procurement/licence_detail.html",
        {
            "licence": licence,
            "can_renew": permissions.can_renew_licence(request.user, licence),
            "can_edit": permissions.can_edit_licence(request.user, licence),
            "form": forms.RenewForm(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def licence_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_licences(request.user):
        raise PermissionDenied
    form = forms.LicenceForm(request.POST or None, vendors=Vendor.objects.visible_to(request.user))
    if request.method != "POST":
        return render(request, "procurement/licence_form.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: actions.licence_create(actor=request.user, vendor_id=data.pop("vendor").pk, **data),
        success=_("Licence recorded."),
        redirect_to=lambda licence: ("procurement:licence_detail", licence.pk),
        template="procurement/licence_form.html",
        template_context={"form": form},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence.objects.visible_to(request.user).select_related("vendor"), pk=pk)
    if not permissions.can_manage_licences(request.user, licence.organization_id):
        raise PermissionDenied
    if not permissions.can_edit_licence(request.user, licence):
        messages.error(request, _("This licence has been renewed; change the renewal instead."))
        return redirect("procurement:licence_detail", pk=licence.pk)
    form = forms.LicenceEditForm(request.POST or None, instance=Licence.objects.get(pk=licence.pk))
    context = {"form": form, "licence": licence}
    if request.method != "POST":
        return render(request, "procurement/licence_edit.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.licence_update(licence_id=licence.pk, actor=request.user, changes=data),
        success=_("Licence saved."),
        redirect_to=("procurement:licence_detail", licence.pk),
        template="procurement/licence_edit.html",
        template_context=context,
    )


@staff_required
@require_POST
def licence_renew(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence.objects.visible_to(request.user), pk=pk)
    if not permissions.can_manage_licences(request.user, licence.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        forms.RenewForm(request.POST),
        lambda data: actions.licence_renew(licence_id=licence.pk, actor=request.user, ends_on=data["ends_on"]),
        success=_("Licence renewed."),
        redirect_to=lambda renewal: ("procurement:licence_detail", renewal.pk),
        failure_redirect_to=("procurement:licence_detail", licence.pk),
        invalid_message=_("Enter the new end date."),
    )
