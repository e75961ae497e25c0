"""Vendors and their catalogs: the vendor pages, CSV import and API sync, catalog search and price comparison."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_required
from office.exceptions import DomainError
from office.views_support import run_action
from procurement import actions, forms, permissions, selectors
from procurement.models import Vendor
from procurement.views.common import paginate


@staff_required
@require_GET
def vendor_list(request: HttpRequest) -> HttpResponse:
    vendors = Vendor.objects.visible_to(request.user)
    return render(
        request,
        "procurement/vendor_list.html",
        {"vendors": vendors, "can_manage": permissions.can_manage_vendors(request.user)},
    )


@staff_required
@require_GET
def vendor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user), pk=pk)
    can_edit = permissions.can_edit_vendor(request.user, vendor)
    return render(
        request,
        "procurement/vendor_detail.html",
        {
            "vendor": vendor,
            "items": paginate(request, vendor.items.all()),
            "can_edit": can_edit,
            "import_form": forms.CatalogImportForm() if can_edit else None,
        },
    )


def _vendor_form(request: HttpRequest, vendor: Vendor | None) -> HttpResponse:
    form = forms.VendorForm(request.POST or None, instance=vendor)
    context = {"form": form, "vendor": vendor}
    if request.method != "POST":
        return render(request, "procurement/vendor_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.vendor_save(vendor=form.instance, actor=request.user, changed=form.changed_data),
        success=_("Vendor saved."),
        redirect_to=lambda saved: ("procurement:vendor_detail", saved.pk),
        template="procurement/vendor_form.html",
        template_context=context,
        error_field="code",  # vendor_save refuses only a code another vendor of the office uses
    )


@staff_required
@require_http_methods(["GET", "POST"])
def vendor_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_vendors(request.user):
        raise PermissionDenied
    return _vendor_form(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def vendor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user), pk=pk)
    if not permissions.can_edit_vendor(request.user, vendor):
        raise PermissionDenied
    return _vendor_form(request, vendor)


@staff_required
@require_POST
def vendor_import(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user), pk=pk)
    if not permissions.can_edit_vendor(request.user, vendor):
        raise PermissionDenied
    form = forms.CatalogImportForm(request.POST, request.FILES)

    def import_all_or_nothing(data: dict[str, Any]) -> tuple[int, int]:
        try:
            return actions.vendor_items_import_csv(vendor_id=vendor.pk, actor=request.user, data=data["file"])
        except DomainError as exc:  # one bad row refuses the file: say that the good ones wait too
            raise DomainError(_("Nothing was imported. %(error)s") % {"error": exc}) from exc

    return run_action(
        request,
        form,
        import_all_or_nothing,
        success=lambda counts: _("Imported: %(c)s new, %(u)s updated.") % {"c": counts[0], "u": counts[1]},
        redirect_to=("procurement:vendor_detail", vendor.pk),
    )


@staff_required
@require_POST
def vendor_sync(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user), pk=pk)
    if not permissions.can_edit_vendor(request.user, vendor):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.vendor_catalog_sync(vendor_id=vendor.pk, actor=request.user),
        success=lambda counts: _("Catalog synced: %(c)s new, %(u)s updated.") % {"c": counts[0], "u": counts[1]},
        redirect_to=("procurement:vendor_detail", vendor.pk),
    )


@staff_required
@require_GET
def catalog_search(request: HttpRequest) -> HttpResponse:
    vendors = Vendor.objects.visible_to(request.user).active()
    form = forms.CatalogSearchForm(request.GET or None, vendors=vendors)
    items = selectors.catalog_search(user=request.user).none()
    if form.is_valid():
        data = form.cleaned_data
        items = selectors.catalog_search(
            user=request.user,
            q=data["q"],
            vendor=data["vendor"],
            kind=data["kind"],
            fmt=data["fmt"],
            price_min=data["price_min"],
            price_max=data["price_max"],
            available_only=data["available"],
        )
    elif not request.GET:
        items = selectors.catalog_search(user=request.user)
    page = paginate(request, items)
    offers = selectors.isbn_offer_counts(user=request.user, isbns=[i.isbn for i in page])
    return render(request, "procurement/catalog_search.html", {"form": form, "page_obj": page, "offers": offers})


@staff_required
@require_GET
def catalog_compare(request: HttpRequest) -> HttpResponse:
    isbn = (request.GET.get("isbn") or "").strip()[:20]
    items = list(selectors.price_comparison(user=request.user, isbn=isbn))
    cheapest = min((i.price_minor for i in items if i.available), default=None)
    return render(request, "procurement/catalog_compare.html", {"isbn": isbn, "items": items, "cheapest": cheapest})
