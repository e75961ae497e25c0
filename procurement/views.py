"""Purchasing pages. Thin: parse, call one action or selector, render. Every object comes from
`visible_to(user)` (another office's → 404); a function the role may not use → 403."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_profile, staff_required
from office.actions import department_approval_limit_set
from office.exceptions import DomainError
from office.exports import csv_response
from office.listing import sorted_by
from office.models import Department
from office.money import format_money, to_major
from office.page_cache import cached_page
from office.views_support import run_action
from procurement import actions, forms, permissions, selectors
from procurement.integrations import VendorApiError, parse_event, verify
from procurement.models import (
    Deputy,
    Licence,
    PurchaseOrder,
    PurchaseRequest,
    TrackingEvent,
    Vendor,
)


def _page(request: HttpRequest, qs: Any, per_page: int = 25) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


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
    context = selectors.cart_contents(user=request.user)
    context["form"] = forms.CheckoutForm(budgets=selectors.budgets_for_requester(request.user))
    return render(request, "procurement/cart.html", context)


@staff_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next") or ""
    return run_action(
        request,
        forms.CartAddForm(request.POST),
        lambda data: actions.cart_add(actor=request.user, item_id=data["item"], quantity=data["quantity"]),
        success=_("Added to your cart."),
        redirect_to=back if back.startswith("/procurement/") and "//" not in back else "procurement:cart",
        invalid_message=_("Enter a quantity between 1 and 10,000."),
    )


@staff_required
@require_POST
def cart_update(request: HttpRequest, pk: int) -> HttpResponse:
    return run_action(
        request,
        forms.QuantityForm(request.POST),
        lambda data: actions.cart_update(actor=request.user, line_id=pk, quantity=data["quantity"]),
        success=_("Cart updated."),
        redirect_to="procurement:cart",
        invalid_message=_("Enter a quantity between 0 and 10,000."),
    )


@staff_required
@require_POST
def cart_checkout(request: HttpRequest) -> HttpResponse:
    submit_now = request.POST.get("submit_now") == "1"
    return run_action(
        request,
        forms.CheckoutForm(request.POST, budgets=selectors.budgets_for_requester(request.user)),
        lambda data: _create_request(request, data, submit_now=submit_now),
        success=lambda pr: (
            _("Request %(reference)s submitted for approval.") % {"reference": pr.reference}
            if pr.status != PurchaseRequest.Status.DRAFT
            else _("Draft request created; check it and submit it.")
        ),
        redirect_to=lambda pr: ("procurement:request_detail", pr.pk),
        failure_redirect_to="procurement:cart",
        invalid_message=_("Choose a budget line and say why the items are needed."),
    )


def _create_request(request: HttpRequest, data: dict[str, Any], *, submit_now: bool) -> PurchaseRequest:
    """The cart as a draft request, submitted at once with "Save and submit". A refused
    submission leaves the draft (its page says why), never a lost cart."""
    pr = actions.purchase_request_create_from_cart(
        actor=request.user, budget_id=data["budget"].pk, justification=data["justification"]
    )
    if submit_now:
        try:
            pr = actions.purchase_request_submit(request_id=pr.pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
            pr.refresh_from_db()
    return pr


# --- requests and approvals -------------------------------------------------------------------


def _request_or_404(request: HttpRequest, pk: int) -> PurchaseRequest:
    return get_object_or_404(
        # The budget's unit (its name) and the requester's profile (person_name): joined, not read apart.
        PurchaseRequest.objects.visible_to(request.user).select_related(
            "department", "budget__department", "requester__staff_profile", "requester__client_account"
        ),
        pk=pk,
    )


# The columns the lists sort by (office/listing.py): ?sort=total, ?sort=-created …
REQUEST_SORTS = {
    "created": "created_at",
    "request": "pk",
    "requester": ("requester__staff_profile__display_name", "requester__username"),
    "department": "department__name",
    "total": "total_minor",
    "status": "status",
}
ORDER_SORTS = {
    "created": "created_at",
    "number": "number",
    "vendor": "vendor__name",
    "total": "total_minor",
    "status": "status",
    "promised": "promised_on",
}


@staff_required
@require_GET
@cached_page("procurement")
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    scope = request.GET.get("scope", "")
    department = request.GET.get("department", "")
    department_id = int(department) if department.isdigit() and len(department) < 10 else None
    qs = selectors.request_list(user=request.user, status=status, scope=scope, department_id=department_id)
    context = {"status": status, "scope": scope, "statuses": PurchaseRequest.Status.choices}
    if department_id is not None:
        context["department"] = Department.objects.filter(
            pk=department_id, organization_id=getattr(staff_profile(request.user), "organization_id", None)
        ).first()
        if context["department"] is None:
            qs = qs.none()
    qs, context["sort"] = sorted_by(request, qs, REQUEST_SORTS, "-created")
    return render(request, "procurement/request_list.html", {"page_obj": _page(request, qs), **context})


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
    return run_action(
        request,
        forms.QuantityForm(request.POST),
        lambda data: actions.purchase_request_line_update(
            request_id=pr.pk, line_id=line, actor=request.user, quantity=data["quantity"]
        ),
        success=_("Request updated."),
        redirect_to=("procurement:request_detail", pr.pk),
        invalid_message=_("Enter a quantity between 0 and 10,000."),
    )


@staff_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if pr.requester_id != request.user.pk:
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_request_submit(request_id=pr.pk, actor=request.user),
        success=_("Request submitted."),
        redirect_to=("procurement:request_detail", pr.pk),
    )


def _decision(request: HttpRequest, pk: int, call: Callable[..., Any], success: str) -> HttpResponse:
    """Approve, reject or return; the approvals inbox posts these with htmx and gets its row back."""
    pr = _request_or_404(request, pk)
    if not permissions.can_decide_at_all(request.user, pr):
        raise PermissionDenied

    def row(result: Any) -> dict[str, Any]:
        decided = _request_or_404(request, pk)
        return {"pr": decided, "can_approve": permissions.can_approve(request.user, decided)}

    return run_action(
        request,
        forms.CommentForm(request.POST),
        lambda data: call(request_id=pr.pk, actor=request.user, comment=data["comment"]),
        success=success,
        redirect_to=("procurement:request_detail", pr.pk),
        fragment="procurement/_approval_row.html",
        fragment_context=row,
    )


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
    return run_action(
        request,
        None,
        lambda data: actions.purchase_request_cancel(request_id=pr.pk, actor=request.user),
        success=_("Request cancelled."),
        redirect_to=("procurement:request_detail", pr.pk),
    )


@staff_required
@require_POST
def request_place_orders(request: HttpRequest, pk: int) -> HttpResponse:
    pr = _request_or_404(request, pk)
    if pr.requester_id != request.user.pk and not permissions.is_leadership_of(request.user, pr.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_request_place_orders(request_id=pr.pk, actor=request.user),
        success=_("Orders placed, one per vendor."),
        redirect_to=("procurement:request_detail", pr.pk),
    )


APPROVALS_PER_PAGE = 50


@staff_required
@require_GET
@cached_page("procurement")
def approvals(request: HttpRequest) -> HttpResponse:
    # Paged: after a holiday a director may find hundreds waiting (the task box counts them all).
    page = _page(request, selectors.approvals_waiting_queryset(user=request.user), per_page=APPROVALS_PER_PAGE)
    return render(request, "procurement/approvals.html", {"waiting": page, "page_obj": page})


@staff_required
@require_http_methods(["GET", "POST"])
def deputy_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_deputies(request.user):
        raise PermissionDenied
    profile = staff_profile(request.user)
    form = forms.DeputyForm(request.POST or None, organization_id=profile.organization_id, exclude_user=request.user)
    context = {
        "form": form,
        "deputies": Deputy.objects.filter(department_id=profile.department_id).select_related("deputy__staff_profile"),
    }
    if request.method != "POST":
        return render(request, "procurement/deputy_list.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.deputy_appoint(
            actor=request.user, deputy_id=data["deputy"].pk, starts_on=data["starts_on"], ends_on=data["ends_on"]
        ),
        success=_("Deputy named."),
        redirect_to="procurement:deputy_list",
        template="procurement/deputy_list.html",
        template_context=context,
    )


# --- approval limits (the director) ------------------------------------------------------------


def _limit_units(request: HttpRequest) -> Any:
    """The units of the director's own office; another office's unit is a 404."""
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
    """Change one unit's limit (office.actions.department_approval_limit_set). The page posts it
    with htmx and gets the row back; bad input comes back in the row, at the field."""
    if not permissions.can_set_approval_limits(request.user):
        raise PermissionDenied
    department = get_object_or_404(_limit_units(request), pk=pk)
    form = forms.ApprovalLimitForm(request.POST, currency=settings.DEFAULT_CURRENCY)

    def saved(result: tuple[Any, bool]) -> str:
        outcome = _("Limit saved.") if result[1] else _("The limit is unchanged.")
        return _("%(unit)s: %(result)s") % {"unit": department, "result": outcome}

    return run_action(
        request,
        form,
        lambda data: department_approval_limit_set(
            department_id=department.pk, actor=request.user, limit_minor=data["limit"]
        ),
        success=saved,
        redirect_to="procurement:approval_limits",
        fragment="procurement/_approval_limit_row.html",
        fragment_context=lambda result: _limit_row(_limit_units(request).get(pk=department.pk)),
        form_in_fragment=True,
        template="procurement/approval_limits.html",
        template_context=lambda: {
            "rows": [_limit_row(d, form if d.pk == department.pk else None) for d in _limit_units(request)]
        },
    )


# --- orders ------------------------------------------------------------------------------------


def _order_or_404(request: HttpRequest, pk: int) -> PurchaseOrder:
    return get_object_or_404(
        PurchaseOrder.objects.visible_to(request.user).select_related("vendor", "request", "organization"), pk=pk
    )


@staff_required
@require_GET
@cached_page("procurement")
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    late = request.GET.get("late") == "1"
    qs = selectors.order_list(user=request.user, status=status, late=late)
    qs, sort = sorted_by(request, qs, ORDER_SORTS, "-created")
    return render(
        request,
        "procurement/order_list.html",
        {
            "page_obj": _page(request, qs),
            "status": status,
            "late": late,
            "statuses": PurchaseOrder.Status.choices,
            "sort": sort,
        },
    )


def _order_context(request: HttpRequest, order: PurchaseOrder) -> dict[str, Any]:
    user = request.user
    return {
        "order": order,
        "lines": order.lines.all(),
        "events": timeline(order),
        "receipts": order.receipts.prefetch_related("lines__order_line").select_related("received_by"),
        "match": selectors.three_way_match(order),
        "invoice": getattr(order, "invoice", None) if hasattr(order, "invoice") else None,
        "payment": selectors.purchase_order_payment(user=user, order=order),
        "can_pay": permissions.can_pay_order(user, order),
        "can_cancel": permissions.can_cancel_order(user, order),
        "can_track": permissions.can_track_order(user, order),
        "can_receive": permissions.can_receive(user, order),
        "can_invoice": permissions.can_enter_invoice(user, order),
        "can_close": permissions.can_close_order(user, order),
        "tracking_form": forms.TrackingForm(),
        "cancel_summary": _cancel_summary(order),
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
    return render(request, "procurement/_order_timeline.html", {"order": order, "events": timeline(order)})


def status_label(code: str) -> str:
    """A tracking or order status code as words in the reader's language (the code if unknown)."""
    if code in forms.VENDOR_STATUS_LABELS:
        return str(forms.VENDOR_STATUS_LABELS[code])
    labels = dict(PurchaseOrder.Status.choices)
    return str(labels.get(code, code.replace("_", " ")))


def _event_text(order: PurchaseOrder, event: Any) -> str:
    """The timeline line of a system event, rebuilt from its key in the reader's language (the
    stored message is in the language of whoever caused it); vendor news and staff notes are
    shown as written."""
    key = event.key
    fixed = {"placed": _("Order placed"), "sent": _("Order sent to the vendor"), "closed": _("Order closed")}
    if key in fixed:
        return fixed[key]
    if key == "invoiced":
        invoice = getattr(order, "invoice", None)
        return _("Invoice %(number)s entered") % {"number": invoice.number if invoice else ""}
    if key == "late":
        promised = date_format(order.promised_on, "SHORT_DATE_FORMAT") if order.promised_on else ""
        return _("Late: the vendor promised delivery by %(date)s") % {"date": promised}
    if key.startswith("receipt-"):
        return _("Goods received or returned")
    if key.startswith("payment-"):
        parts = key.split("-")
        if len(parts) >= 3 and parts[2] == "paid":
            return _("Paid online (payment #%(pk)s)") % {"pk": parts[1]}
        if len(parts) >= 4 and parts[2] == "refund" and parts[3].isdigit():
            total = format_money(int(parts[3]), order.currency)
            if event.status == PurchaseOrder.Status.CANCELLED:
                return _("Refunded in full (%(amount)s); the order is cancelled") % {"amount": total}
            return _("Payment #%(pk)s: %(total)s refunded in all") % {"pk": parts[1], "total": total}
        if len(parts) >= 3 and parts[2] == "refund":
            return _("Payment #%(pk)s refunded") % {"pk": parts[1]}
        return _("Payment #%(pk)s: %(status)s") % {"pk": parts[1], "status": _payment_status_label(parts[2])}
    return event.message


def _payment_status_label(code: str) -> str:
    from payments.models import Payment

    return str(dict(Payment.Status.choices).get(code, code))


def timeline(order: PurchaseOrder) -> list[Any]:
    """The order's events, newest first, each with `label` (its status in words, none when the
    text says it already) and `text`."""
    events = list(order.events.select_related("actor").order_by("-occurred_at", "-pk"))
    for event in events:
        event.text = _event_text(order, event)
        system = event.source == "system" or event.key in ("placed", "cancelled", "closed", "invoiced")
        event.label = status_label(event.status) if event.status and not (system and event.text) else ""
        if event.key == "cancelled":
            event.label = status_label(event.status)
    return events


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
    return run_action(
        request,
        None,
        lambda data: actions.purchase_order_pay(order_id=order.pk, actor=request.user),
        success=None,
        redirect_to=_payment_page,
        failure_redirect_to=("procurement:order_detail", order.pk),
    )


def _payment_page(payment: Any) -> tuple[str, int]:
    """Where a started payment goes on: its checkout, or its page if it needed none."""
    return ("payments:payment_detail" if payment.is_paid else "payments:payment_checkout", payment.pk)


@staff_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if (
        not permissions.is_leadership_of(request.user, order.organization_id)
        and order.request.requester_id != request.user.pk
    ):
        raise PermissionDenied
    if permissions.can_cancel_order(request.user, order) and request.POST.get("confirm") != "yes":
        return render(
            request,
            "partials/confirm_page.html",
            {
                "confirm_title": _("Cancel the purchase order?"),
                "confirm_summary": _cancel_summary(order),
                "confirm_button": _("Cancel the order"),
                "confirm_action": request.path,
                "confirm_fields": [("reason", request.POST.get("reason", ""))],
                "confirm_back": reverse("procurement:order_detail", args=[order.pk]),
            },
        )
    return run_action(
        request,
        forms.ReasonForm(request.POST),
        lambda data: actions.purchase_order_cancel(order_id=order.pk, actor=request.user, reason=data["reason"]),
        success=_("Order cancelled."),
        redirect_to=("procurement:order_detail", order.pk),
    )


def _cancel_summary(order: PurchaseOrder) -> str:
    """What cancelling does, said before it is done (partials/_confirm.html)."""
    text = _("Purchase order %(number)s to %(vendor)s will be cancelled.") % {
        "number": order.number,
        "vendor": order.vendor,
    }
    if order.encumbered_minor:
        text += " " + _("%(amount)s reserved on the budget line will be released.") % {
            "amount": format_money(order.encumbered_minor, order.currency)
        }
    return text + " " + _("Nothing has been paid for it.")


@staff_required
@require_POST
def order_track(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    return run_action(
        request,
        forms.TrackingForm(request.POST),
        lambda data: actions.tracking_manual_update(
            order_id=order.pk, actor=request.user, status=data["status"], message=data["message"]
        ),
        success=_("Tracking news recorded."),
        redirect_to=("procurement:order_detail", order.pk),
        invalid_message=_("Choose a known status."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.can_receive(request.user, order):
        raise PermissionDenied
    context = {"order": order, "lines": list(order.lines.all())}
    if request.method != "POST":
        return render(request, "procurement/order_receive.html", context)
    # One field per order line, so no Form: the action checks each quantity against its line.
    quantities = {line.pk: (request.POST.get(f"line-{line.pk}") or "").strip() or "0" for line in context["lines"]}
    return run_action(
        request,
        None,
        lambda data: actions.purchase_order_receive(
            order_id=order.pk, actor=request.user, quantities=quantities, note=request.POST.get("note", "")
        ),
        success=_("Receipt recorded."),
        redirect_to=("procurement:order_detail", order.pk),
        template="procurement/order_receive.html",
        template_context=context,
    )


@staff_required
@require_POST
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.is_leadership_of(request.user, order.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        forms.InvoiceForm(request.POST),
        lambda data: actions.invoice_enter(
            order_id=order.pk,
            actor=request.user,
            number=data["number"],
            issued_on=data["issued_on"],
            amount_minor=data["amount"],
            note=data["note"],
        ),
        success=_("Invoice entered."),
        redirect_to=("procurement:order_detail", order.pk),
    )


@staff_required
@require_POST
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    if not permissions.is_leadership_of(request.user, order.organization_id):
        raise PermissionDenied
    return run_action(
        request,
        None,
        lambda data: actions.purchase_order_close(order_id=order.pk, actor=request.user),
        success=_("Order closed."),
        redirect_to=("procurement:order_detail", order.pk),
    )


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


# --- reports -----------------------------------------------------------------------------------


def _report_year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    # Four ASCII digits: "²" is isdigit() but not int(), and int() refuses 4,300 digits.
    if len(raw) == 4 and raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


@staff_required
@require_GET
def report_spending(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied
    year = _report_year(request)
    report = selectors.spending_report(user=request.user, year=year)

    def major(total_minor: int) -> float:
        # The report adds orders up in the office's currency (the tables show it with |money);
        # Chart.js wants numbers, so the float is made here, at the JSON edge, and nowhere else.
        return float(to_major(total_minor, settings.DEFAULT_CURRENCY))

    chart = {
        "months": [row["month"].strftime("%Y-%m") for row in report["month"] if row["month"]],
        "month_totals": [major(row["total"]) for row in report["month"] if row["month"]],
        "vendors": [row["vendor__name"] for row in report["vendor"]],
        "vendor_totals": [major(row["total"]) for row in report["vendor"]],
        "departments": [row["request__department__name"] for row in report["department"]],
        "department_totals": [major(row["total"]) for row in report["department"]],
    }
    return render(request, "procurement/report_spending.html", {"report": report, "year": year, "chart": chart})


@staff_required
@require_GET
def report_spending_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied
    year = _report_year(request)
    orders = selectors.spending_orders(user=request.user, year=year).select_related("vendor", "request__department")
    rows = (
        [
            order.number,
            f"{order.paid_at:%Y-%m-%d}",
            order.request.department.name,
            order.vendor.name,
            order.currency,
            to_major(order.spent_minor, order.currency),
        ]
        for order in orders
    )
    header = ["order", "paid_at", "department", "vendor", "currency", "amount"]
    return csv_response(f"spending-{year}.csv", header, rows)
