"""Purchasing pages. Thin: parse, call one action or selector, render. Every object comes from
`visible_to(user)` (another office's → 404); a function the role may not use → 403."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office import audit
from office.access import staff_profile, staff_required
from office.exceptions import DomainError
from procurement import actions, forms, permissions, selectors
from procurement.integrations import VendorApiError, parse_event, verify
from procurement.models import (
    CartLine,
    Deputy,
    Licence,
    PurchaseOrder,
    PurchaseRequest,
    TrackingEvent,
    Vendor,
)


def _page(request: HttpRequest, qs: Any, per_page: int = 25) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _run(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


# --- vendors and catalogs ---------------------------------------------------------------------


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
            "items": _page(request, vendor.items.all()),
            "can_edit": can_edit,
            "import_form": forms.CatalogImportForm() if can_edit else None,
        },
    )


def _vendor_form(request: HttpRequest, vendor: Vendor | None) -> HttpResponse:
    form = forms.VendorForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if vendor is None:
            obj.organization = staff_profile(request.user).organization
        with transaction.atomic():
            try:
                obj.save()
            except Exception:  # the (office, code) unique constraint
                transaction.set_rollback(True)
                form.add_error("code", _("Another vendor of your office uses this code."))
            else:
                audit.record(
                    actor=request.user,
                    target=obj,
                    verb="procurement.vendor.created" if vendor is None else "procurement.vendor.edited",
                    data={"fields": sorted(form.changed_data)},
                )
                messages.success(request, _("Vendor saved."))
                return redirect("procurement:vendor_detail", pk=obj.pk)
    return render(request, "procurement/vendor_form.html", {"form": form, "vendor": vendor})


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
    if form.is_valid():
        try:
            created, updated = actions.vendor_items_import_csv(
                vendor_id=vendor.pk, actor=request.user, data=form.cleaned_data["file"]
            )
        except DomainError as exc:
            messages.error(request, _("Nothing was imported. %(error)s") % {"error": exc})
        else:
            messages.success(request, _("Imported: %(c)s new, %(u)s updated.") % {"c": created, "u": updated})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("procurement:vendor_detail", pk=vendor.pk)


@staff_required
@require_POST
def vendor_sync(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(Vendor.objects.visible_to(request.user), pk=pk)
    if not permissions.can_edit_vendor(request.user, vendor):
        raise PermissionDenied
    try:
        created, updated = actions.vendor_catalog_sync(vendor_id=vendor.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Catalog synced: %(c)s new, %(u)s updated.") % {"c": created, "u": updated})
    return redirect("procurement:vendor_detail", pk=vendor.pk)


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
    page = _page(request, items)
    offers = selectors.isbn_offer_counts(user=request.user, isbns=[i.isbn for i in page])
    return render(request, "procurement/catalog_search.html", {"form": form, "page_obj": page, "offers": offers})


@staff_required
@require_GET
def catalog_compare(request: HttpRequest) -> HttpResponse:
    isbn = (request.GET.get("isbn") or "").strip()[:20]
    items = list(selectors.price_comparison(user=request.user, isbn=isbn))
    cheapest = min((i.price_minor for i in items if i.available), default=None)
    return render(request, "procurement/catalog_compare.html", {"isbn": isbn, "items": items, "cheapest": cheapest})


# --- cart ----------------------------------------------------------------------------------------


@staff_required
@require_GET
def cart(request: HttpRequest) -> HttpResponse:
    lines = list(CartLine.objects.filter(user=request.user).select_related("item", "item__vendor"))
    total = sum(line.quantity * line.item.price_minor for line in lines)
    form = forms.CheckoutForm(budgets=actions.budgets_for_requester(request.user))
    return render(request, "procurement/cart.html", {"lines": lines, "total": total, "form": form})


@staff_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = forms.CartAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a quantity between 1 and 10,000."))
    else:
        _run(
            request,
            lambda: actions.cart_add(
                actor=request.user, item_id=form.cleaned_data["item"], quantity=form.cleaned_data["quantity"]
            ),
            _("Added to your cart."),
        )
    back = request.POST.get("next") or ""
    return redirect(back if back.startswith("/procurement/") and "//" not in back else "procurement:cart")


@staff_required
@require_POST
def cart_update(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a quantity between 0 and 10,000."))
    else:
        _run(
            request,
            lambda: actions.cart_update(actor=request.user, line_id=pk, quantity=form.cleaned_data["quantity"]),
            _("Cart updated."),
        )
    return redirect("procurement:cart")


@staff_required
@require_POST
def cart_checkout(request: HttpRequest) -> HttpResponse:
    form = forms.CheckoutForm(request.POST, budgets=actions.budgets_for_requester(request.user))
    if form.is_valid():
        try:
            pr = actions.purchase_request_create_from_cart(
                actor=request.user,
                budget_id=form.cleaned_data["budget"].pk,
                justification=form.cleaned_data["justification"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Draft request created; check it and submit it."))
            return redirect("procurement:request_detail", pk=pr.pk)
    else:
        messages.error(request, _("Choose a budget line and say why the items are needed."))
    return redirect("procurement:cart")


# --- requests and approvals -------------------------------------------------------------------


def _request_or_404(request: HttpRequest, pk: int) -> PurchaseRequest:
    return get_object_or_404(
        PurchaseRequest.objects.visible_to(request.user).select_related("department", "budget", "requester"), pk=pk
    )


@staff_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    scope = request.GET.get("scope", "")
    qs = selectors.request_list(user=request.user, status=status, scope=scope)
    return render(
        request,
        "procurement/request_list.html",
        {"page_obj": _page(request, qs), "status": status, "scope": scope, "statuses": PurchaseRequest.Status.choices},
    )


def _request_context(request: HttpRequest, pr: PurchaseRequest) -> dict[str, Any]:
    user = request.user
    return {
        "pr": pr,
        "lines": pr.lines.select_related("vendor", "item"),
        "orders": pr.orders.select_related("vendor"),
        "can_edit": permissions.can_edit_request(user, pr),
        "can_submit": permissions.can_submit(user, pr),
        "can_approve": permissions.can_approve(user, pr),
        "can_cancel": permissions.can_cancel_request(user, pr),
        "can_place_orders": permissions.can_place_orders(user, pr),
        "over_limit": pr.total_minor > pr.department.approval_limit_minor,
    }


@staff_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    return render(request, "procurement/request_detail.html", _request_context(request, pr))


@staff_required
@require_POST
def request_line_update(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if not permissions.can_edit_request(request.user, pr):
        raise PermissionDenied
    form = forms.QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a quantity between 0 and 10,000."))
    else:
        _run(
            request,
            lambda: actions.purchase_request_line_update(
                request_id=pr.pk, line_id=line, actor=request.user, quantity=form.cleaned_data["quantity"]
            ),
            _("Request updated."),
        )
    return redirect("procurement:request_detail", pk=pr.pk)


@staff_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if pr.requester_id != request.user.pk:
        raise PermissionDenied
    _run(
        request, lambda: actions.purchase_request_submit(request_id=pr.pk, actor=request.user), _("Request submitted.")
    )
    return redirect("procurement:request_detail", pk=pr.pk)


def _decision(request: HttpRequest, pk: int, call: Callable[..., Any], success: str) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if not permissions.can_decide_at_all(request.user, pr):
        raise PermissionDenied
    form = forms.CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    ok = True
    error = ""
    try:
        call(request_id=pr.pk, actor=request.user, comment=comment)
    except DomainError as exc:
        ok, error = False, str(exc)
    if request.htmx:
        pr.refresh_from_db()
        return render(
            request,
            "procurement/_approval_row.html",
            {
                "pr": pr,
                "can_approve": permissions.can_approve(request.user, pr),
                "result": success if ok else "",
                "error": error,
            },
            status=200 if ok else 409,
        )
    if ok:
        messages.success(request, success)
    else:
        messages.error(request, error)
    return redirect("procurement:request_detail", pk=pr.pk)


@staff_required
@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.purchase_request_approve, _("Approved."))


@staff_required
@require_POST
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.purchase_request_reject, _("Rejected."))


@staff_required
@require_POST
def request_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, actions.purchase_request_return, _("Returned for changes."))


@staff_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if pr.requester_id != request.user.pk and not permissions.is_leadership_of(request.user, pr.organization_id):
        raise PermissionDenied
    _run(
        request, lambda: actions.purchase_request_cancel(request_id=pr.pk, actor=request.user), _("Request cancelled.")
    )
    return redirect("procurement:request_detail", pk=pr.pk)


@staff_required
@require_POST
def request_place_orders(request: HttpRequest, pk: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if pr.requester_id != request.user.pk and not permissions.is_leadership_of(request.user, pr.organization_id):
        raise PermissionDenied
    _run(
        request,
        lambda: actions.purchase_request_place_orders(request_id=pr.pk, actor=request.user),
        _("Orders placed, one per vendor."),
    )
    return redirect("procurement:request_detail", pk=pr.pk)


@staff_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    waiting = selectors.approvals_waiting(user=request.user)
    return render(request, "procurement/approvals.html", {"waiting": waiting})


@staff_required
@require_http_methods(["GET", "POST"])
def deputy_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_deputies(request.user):
        raise PermissionDenied
    profile = staff_profile(request.user)
    form = forms.DeputyForm(request.POST or None, organization_id=profile.organization_id, exclude_user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            lambda: actions.deputy_appoint(
                actor=request.user, deputy_id=data["deputy"].pk, starts_on=data["starts_on"], ends_on=data["ends_on"]
            ),
            _("Deputy named."),
        ):
            return redirect("procurement:deputy_list")
    deputies = Deputy.objects.filter(department_id=profile.department_id).select_related("deputy__staff_profile")
    return render(request, "procurement/deputy_list.html", {"form": form, "deputies": deputies})


# --- approval limits (the director) ------------------------------------------------------------


def _limit_units(request: HttpRequest) -> Any:
    """The units of the director's own office; another office's unit is a 404."""
    from office.models import Department

    profile = staff_profile(request.user)
    return Department.objects.filter(organization_id=profile.organization_id).select_related("parent")


def _limit_row(department: Any, form: Any = None) -> dict[str, Any]:
    currency = settings.DEFAULT_CURRENCY
    if form is None:
        form = forms.ApprovalLimitForm(currency=currency, current_minor=department.approval_limit_minor)
    return {"department": department, "form": form, "currency": currency}


@staff_required
@require_GET
def approval_limits(request: HttpRequest) -> HttpResponse:
    if not permissions.can_set_approval_limits(request.user):
        raise PermissionDenied
    rows = [_limit_row(d) for d in _limit_units(request)]
    return render(request, "procurement/approval_limits.html", {"rows": rows})


@staff_required
@require_POST
def approval_limit_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one unit's limit. It applies to head approvals from now on; requests already
    approved keep their route. Row-locked, audited with the old and the new value."""
    from office.models import Department

    if not permissions.can_set_approval_limits(request.user):
        raise PermissionDenied
    department = get_object_or_404(_limit_units(request), pk=pk)
    form = forms.ApprovalLimitForm(request.POST, currency=settings.DEFAULT_CURRENCY)
    result = ""
    if form.is_valid():
        new = form.cleaned_data["limit"]
        with transaction.atomic():
            locked = Department.objects.select_for_update().get(pk=department.pk)
            old = locked.approval_limit_minor
            if new != old:
                locked.approval_limit_minor = new
                locked.save(update_fields=["approval_limit_minor"])
                audit.record(
                    actor=request.user,
                    target=locked,
                    verb="procurement.approval_limit.changed",
                    data={"old_minor": old, "new_minor": new, "currency": settings.DEFAULT_CURRENCY},
                )
        department.approval_limit_minor = new
        result = _("Limit saved.") if new != old else _("The limit is unchanged.")
        if not request.htmx:
            messages.success(request, _("%(unit)s: %(result)s") % {"unit": department, "result": result})
            return redirect("procurement:approval_limits")
        form = None
    elif not request.htmx:
        rows = [_limit_row(d, form if d.pk == department.pk else None) for d in _limit_units(request)]
        return render(request, "procurement/approval_limits.html", {"rows": rows})
    # htmx swaps only 2xx answers: the row comes back with its result or its errors.
    return render(request, "procurement/_approval_limit_row.html", {**_limit_row(department, form), "result": result})


# --- orders ------------------------------------------------------------------------------------


def _order_or_404(request: HttpRequest, pk: int) -> PurchaseOrder:
    return get_object_or_404(
        PurchaseOrder.objects.visible_to(request.user).select_related("vendor", "request", "organization"), pk=pk
    )


@staff_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    late = request.GET.get("late") == "1"
    qs = selectors.order_list(user=request.user, status=status, late=late)
    return render(
        request,
        "procurement/order_list.html",
        {"page_obj": _page(request, qs), "status": status, "late": late, "statuses": PurchaseOrder.Status.choices},
    )


def _order_context(request: HttpRequest, order: PurchaseOrder) -> dict[str, Any]:
    from payments.models import Payment

    user = request.user
    payment = (
        Payment.objects.visible_to(user)
        .filter(purpose_type=actions.PURCHASE_ORDER_PURPOSE, purpose_id=str(order.pk))
        .exclude(status=Payment.Status.CANCELLED)
        .first()
    )
    return {
        "order": order,
        "lines": order.lines.all(),
        "events": order.events.select_related("actor").order_by("-occurred_at", "-pk"),
        "receipts": order.receipts.prefetch_related("lines__order_line").select_related("received_by"),
        "match": selectors.three_way_match(order),
        "invoice": getattr(order, "invoice", None) if hasattr(order, "invoice") else None,
        "payment": payment,
        "can_pay": permissions.can_pay_order(user, order),
        "can_cancel": permissions.can_cancel_order(user, order),
        "can_track": permissions.can_track_order(user, order),
        "can_receive": permissions.can_receive(user, order),
        "can_invoice": permissions.can_enter_invoice(user, order),
        "can_close": permissions.can_close_order(user, order),
        "tracking_form": forms.TrackingForm(),
        "invoice_form": forms.InvoiceForm(),
    }


@staff_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    return render(request, "procurement/order_detail.html", _order_context(request, order))


@staff_required
@require_GET
def order_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment polled by the order page: the timeline as it grows."""
    order = _order_or_404(request, pk)
    events = order.events.select_related("actor").order_by("-occurred_at", "-pk")
    return render(request, "procurement/_order_timeline.html", {"order": order, "events": events})


@staff_required
@require_GET
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from procurement.pdf import purchase_order_pdf

    order = _order_or_404(request, pk)
    response = HttpResponse(purchase_order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@staff_required
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.is_finance_of(request.user, order.organization_id):
        raise PermissionDenied
    try:
        payment = actions.purchase_order_pay(order_id=order.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("procurement:order_detail", pk=order.pk)
    if payment.is_paid:
        return redirect("payments:payment_detail", pk=payment.pk)
    return redirect("payments:payment_checkout", pk=payment.pk)


@staff_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if (
        not permissions.is_leadership_of(request.user, order.organization_id)
        and order.request.requester_id != request.user.pk
    ):
        raise PermissionDenied
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: actions.purchase_order_cancel(order_id=order.pk, actor=request.user, reason=reason),
        _("Order cancelled."),
    )
    return redirect("procurement:order_detail", pk=order.pk)


@staff_required
@require_POST
def order_track(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    form = forms.TrackingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a known status."))
    else:
        _run(
            request,
            lambda: actions.tracking_manual_update(
                order_id=order.pk,
                actor=request.user,
                status=form.cleaned_data["status"],
                message=form.cleaned_data["message"],
            ),
            _("Tracking news recorded."),
        )
    return redirect("procurement:order_detail", pk=order.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.can_receive(request.user, order):
        raise PermissionDenied
    lines = list(order.lines.all())
    if request.method == "POST":
        quantities = {}
        for line in lines:
            raw = (request.POST.get(f"line-{line.pk}") or "0").strip() or "0"
            quantities[line.pk] = raw
        if _run(
            request,
            lambda: actions.purchase_order_receive(
                order_id=order.pk, actor=request.user, quantities=quantities, note=request.POST.get("note", "")
            ),
            _("Receipt recorded."),
        ):
            return redirect("procurement:order_detail", pk=order.pk)
    return render(request, "procurement/order_receive.html", {"order": order, "lines": lines})


@staff_required
@require_POST
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.is_leadership_of(request.user, order.organization_id):
        raise PermissionDenied
    form = forms.InvoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        _run(
            request,
            lambda: actions.invoice_enter(
                order_id=order.pk,
                actor=request.user,
                number=data["number"],
                issued_on=data["issued_on"],
                amount_minor=data["amount"],
                note=data["note"],
            ),
            _("Invoice entered."),
        )
    return redirect("procurement:order_detail", pk=order.pk)


@staff_required
@require_POST
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.is_leadership_of(request.user, order.organization_id):
        raise PermissionDenied
    _run(request, lambda: actions.purchase_order_close(order_id=order.pk, actor=request.user), _("Order closed."))
    return redirect("procurement:order_detail", pk=order.pk)


@csrf_exempt
@require_POST
def vendor_webhook(request: HttpRequest, vendor_id: int) -> HttpResponse:
    """A vendor pushes order news. Signed with the vendor's secret (X-Vendor-Signature), not a
    browser session, hence csrf_exempt. Bad signature or body → 400; unknown order → 404;
    a repeated event id → 200 and nothing changes."""
    vendor = Vendor.objects.filter(pk=vendor_id).exclude(integration=Vendor.Integration.MANUAL).first()
    body = request.body
    if vendor is None or not verify(vendor.webhook_secret, body, request.headers.get("X-Vendor-Signature", "")):
        return JsonResponse({"error": "invalid signature"}, status=400)
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError
        event = parse_event(payload)
    except (ValueError, VendorApiError) as exc:
        return HttpResponseBadRequest(
            json.dumps({"error": str(exc) or "invalid body"}), content_type="application/json"
        )
    number = payload.get("order_number")
    order = PurchaseOrder.objects.filter(vendor=vendor, number=str(number)[:20]).first() if number else None
    if order is None:
        return JsonResponse({"error": "unknown order"}, status=404)
    created = actions.tracking_event_record(
        order_id=order.pk,
        key=f"vendor-{event.id}",
        source=TrackingEvent.Source.WEBHOOK,
        status=event.status,
        message=event.message,
        occurred_at=event.occurred_at,
    )
    return JsonResponse({"ok": True, "duplicate": created is None})


# --- licences ----------------------------------------------------------------------------------


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
            "page_obj": _page(request, qs),
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
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            licence = form.save(commit=False)
            licence.organization = staff_profile(request.user).organization
            licence.save()
            audit.record(actor=request.user, target=licence, verb="procurement.licence.created")
        messages.success(request, _("Licence recorded."))
        return redirect("procurement:licence_detail", pk=licence.pk)
    return render(request, "procurement/licence_form.html", {"form": form})


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
    if request.method == "POST" and form.is_valid():
        try:
            actions.licence_update(licence_id=licence.pk, actor=request.user, changes=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Licence saved."))
            return redirect("procurement:licence_detail", pk=licence.pk)
    return render(request, "procurement/licence_edit.html", {"form": form, "licence": licence})


@staff_required
@require_POST
def licence_renew(request: HttpRequest, pk: int) -> HttpResponse:
    licence = get_object_or_404(Licence.objects.visible_to(request.user), pk=pk)
    if not permissions.can_manage_licences(request.user, licence.organization_id):
        raise PermissionDenied
    form = forms.RenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new end date."))
        return redirect("procurement:licence_detail", pk=licence.pk)
    try:
        new = actions.licence_renew(licence_id=licence.pk, actor=request.user, ends_on=form.cleaned_data["ends_on"])
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("procurement:licence_detail", pk=licence.pk)
    messages.success(request, _("Licence renewed."))
    return redirect("procurement:licence_detail", pk=new.pk)


# --- reports -----------------------------------------------------------------------------------


def _report_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@staff_required
@require_GET
def report_spending(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied
    year = _report_year(request)
    report = selectors.spending_report(user=request.user, year=year)
    chart = {
        "months": [row["month"].strftime("%Y-%m") for row in report["month"] if row["month"]],
        "month_totals": [row["total"] / 100 for row in report["month"] if row["month"]],
        "vendors": [row["vendor__name"] for row in report["vendor"]],
        "vendor_totals": [row["total"] / 100 for row in report["vendor"]],
        "departments": [row["request__department__name"] for row in report["department"]],
        "department_totals": [row["total"] / 100 for row in report["department"]],
    }
    return render(request, "procurement/report_spending.html", {"report": report, "year": year, "chart": chart})


def _csv_safe(row: list[Any]) -> list[str]:
    """Cells a spreadsheet would run as a formula ("=HYPERLINK(...)") get a leading quote."""
    return ["'" + str(v) if str(v)[:1] in ("=", "+", "-", "@", "\t", "\r") else str(v) for v in row]


@staff_required
@require_GET
def report_spending_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied
    year = _report_year(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="spending-{year}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (Chinese names) correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(["order", "paid_at", "department", "vendor", "currency", "amount"])
    for order in selectors.spending_orders(user=request.user, year=year).select_related(
        "vendor", "request__department"
    ):
        writer.writerow(
            _csv_safe(
                [
                    order.number,
                    f"{order.paid_at:%Y-%m-%d}",
                    order.request.department.name,
                    order.vendor.name,
                    order.currency,
                    f"{order.spent_minor / 100:.2f}",
                ]
            )
        )
    return response
