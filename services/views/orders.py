"""Service orders: ordering, the list and the order page; quoting, accepting, declining, cancelling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketing import analytics
from office.access import client_account, client_required
from office.exceptions import DomainError
from office.listing import sorted_by
from office.page_cache import cached_page
from office.views_support import run_action
from services import actions, forms, permissions, selectors
from services.models import DeliveryChannel, Offering, ServiceOrder
from services.views.common import _act, _confirmations, _needs_confirmation, _order

ORDERS_PER_PAGE = 25

# The columns the order list sorts by (office/listing.py): ?sort=due, ?sort=-price …
ORDER_SORTS = {
    "created": "created_at",
    "number": "number",
    "service": "offering__name",
    "topic": "topic",
    "client": "client__display_name",
    "assignee": ("assignee__staff_profile__display_name", "assignee__username"),
    "status": "status",
    "price": "quoted_amount_minor",
    "due": "due_date",
}


@client_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, code: str) -> HttpResponse:
    offering = get_object_or_404(selectors.offering_list(), code=code)
    if not permissions.can_order(request.user):
        messages.error(request, _("Confirm your e-mail address before ordering."))
        return redirect("services:offering_detail", code=code)
    if offering.pricing == Offering.Pricing.SUBSCRIPTION:
        raise Http404
    form = forms.OrderForm(request.POST or None, request.FILES or None, offering=offering)
    context = {"form": form, "offering": offering}
    if request.method != "POST":
        return render(request, "services/order_form.html", context)
    return run_action(
        request,
        form,
        lambda data: _order_and_checkout(request, offering, data),
        success=_order_created_message,
        redirect_to=_after_order_created,
        template="services/order_form.html",
        template_context=context,
    )


def _order_and_checkout(request: HttpRequest, offering: Offering, data: dict[str, Any]) -> tuple[ServiceOrder, Any]:
    """Create the order; a fixed-price one goes straight on to its payment (Shopify-style: no
    quote to accept). If the payment cannot start, the order is there and its page says why."""
    order = actions.order_create(actor=request.user, offering_id=offering.pk, **data)
    analytics.attribute_service_order(request, order.pk)  # campaign → order (marketing dashboard)
    if offering.pricing != Offering.Pricing.FIXED:
        return order, None
    try:
        return order, actions.order_checkout(order_id=order.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return order, None


def _order_created_message(result: tuple[ServiceOrder, Any]) -> str:
    order, payment = result
    if payment is not None:
        return ""
    return _("Your order %(number)s was sent.") % {"number": order.number}


def _after_order_created(result: tuple[ServiceOrder, Any]) -> tuple[str, int]:
    order, payment = result
    if payment is not None:
        return ("payments:payment_checkout", payment.pk)
    return ("services:order_detail", order.pk)


@login_required
@require_GET
@cached_page("services", "payments")
def order_list(request: HttpRequest) -> HttpResponse:
    if not (client_account(request.user) or permissions.can_view_queue(request.user)):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in ServiceOrder.Status.values:
        status = ""
    view = request.GET.get("view", "")
    if request.GET.get("mine"):  # the old link of the "my tasks" box
        view = "mine"
    query = request.GET.get("q", "").strip()[:100]
    orders = selectors.order_search(user=request.user, status=status, view=view, query=query)
    orders, sort = sorted_by(request, orders, ORDER_SORTS, "-created")
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/order_list.html",
        {
            "page_obj": page,
            "orders": page.object_list,
            "status": status,
            "statuses": ServiceOrder.Status.choices,
            "view": view if view in selectors.ORDER_VIEWS else "",
            "views": selectors.order_views(user=request.user),
            "q": query,
            "sort": sort,
        },
    )


@login_required
@never_cache  # the browser keeps no copy (its back button must not show an old payment state) ...
@require_GET
@cached_page("services", "payments")  # ... the server serves its own while nothing on it changed
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    context = selectors.order_detail_context(user=request.user, order=order)
    context["message_form"] = forms.MessageForm(log_work=context["can_log_work"])
    context["file_form"] = forms.FileForm()
    context["confirmations"] = _confirmations(order)
    context["thanks"] = context["is_client"] and request.GET.get("paid") == "1"
    context["progress"] = selectors.order_progress(order)
    context["can_checkout"] = context["can_pay"] or selectors.is_list_price_quote(order) and context["can_respond"]
    if context["can_quote"]:
        context["quote_form"] = forms.QuoteForm(currency=order.currency)
    if context["can_assign"]:
        context["assign_form"] = forms.AssignForm(staff=list(selectors.assignable_staff(order)))
    if context["can_work"]:
        context["deliver_form"] = forms.DeliverForm(
            files=context["deliverables"],
            channel=request.GET.get("channel", ""),
            initial={"channel": order.delivery_channel},
        )
        context["channels"] = DeliveryChannel.choices
    if context["can_issue_report"]:
        context["report_form"] = forms.ReportForm(reviewers=selectors.reviewers_for(order))
    if context["can_confirm"]:
        context["confirm_form"] = forms.ConfirmForm()
    if context["can_refund"]:
        context["refund_form"] = forms.RefundReasonForm()
    return render(request, "services/order_detail.html", context)


@login_required
@require_POST
def order_quote(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.works_on(request.user, order):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.QuoteForm(request.POST, currency=order.currency),
        lambda o, data: actions.order_quote(
            order_id=o.pk,
            actor=request.user,
            amount_minor=data["amount"],
            due_date=data["due_date"],
            note=data["note"],
        ),
        _("The quote was sent to the client."),
    )


@login_required
@require_POST
def order_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        None,
        lambda o, data: actions.order_accept(order_id=o.pk, actor=request.user),
        _("Quote accepted. Please pay."),
    )


@login_required
@require_POST
def order_decline(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if permissions.can_respond_to_quote(request.user, order):
        ask = _needs_confirmation(
            request,
            title=_("Decline the quote?"),
            summary=_confirmations(order)["decline"],
            button=_("Decline the quote"),
            back=reverse("services:order_detail", args=[order.pk]),
        )
        if ask is not None:
            return ask
    return _act(
        request,
        pk,
        forms.ReasonForm(request.POST),
        lambda o, data: actions.order_decline(order_id=o.pk, actor=request.user, reason=data["reason"]),
        _("Quote declined."),
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if permissions.can_cancel(request.user, order):
        ask = _needs_confirmation(
            request,
            title=_("Cancel and refund the order?") if order.paid_at else _("Cancel the order?"),
            summary=_confirmations(order)["cancel"],
            button=_("Cancel and refund") if order.paid_at else _("Cancel the order"),
            back=reverse("services:order_detail", args=[order.pk]),
        )
        if ask is not None:
            return ask
    return _act(
        request,
        pk,
        forms.ReasonForm(request.POST),
        lambda o, data: actions.order_cancel(order_id=o.pk, actor=request.user, reason=data["reason"]),
        _("The order was cancelled."),
    )
