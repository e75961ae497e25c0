"""What the order views share: the order lookup (404 unless visible), running one order action,
the confirmation of destructive buttons, and serving a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from office.money import format_money
from office.views_support import run_action
from services import selectors
from services.models import OrderFile, ServiceOrder


def _order(request: HttpRequest, pk: int) -> ServiceOrder:
    try:
        return selectors.order_get(user=request.user, pk=pk)
    except ServiceOrder.DoesNotExist:
        raise Http404 from None


def _act(
    request: HttpRequest, pk: int, form: Any, run: Callable[[ServiceOrder, dict[str, Any]], Any], success: str
) -> HttpResponse:
    """Run one order action: 404 for an order the user may not see (whatever the body), 403
    for a function the role may not use (PermissionDenied from the action), else a message
    and back to the order."""
    order = _order(request, pk)
    return run_action(
        request,
        form,
        lambda data: run(order, data),
        success=success,
        redirect_to=("services:order_detail", order.pk),
    )


def _confirmations(order: ServiceOrder) -> dict[str, str]:
    """What each destructive or money-moving button of the order page will do, in one sentence
    (the dialog of partials/_confirm.html and the confirmation page say the same)."""
    amount = format_money(order.quoted_amount_minor, order.currency) if order.quoted_amount_minor else ""
    if order.paid_at is not None:
        cancel = _("Order %(number)s will be cancelled and %(amount)s will be refunded to the card it was paid with.")
    else:
        cancel = _("Order %(number)s will be cancelled. Nothing has been charged, and nothing will be.")
    return {
        "cancel": cancel % {"number": order.number, "amount": amount},
        "decline": _(
            "You decline the quote of %(amount)s for order %(number)s. Nothing is charged; the office may send "
            "a new quote, or you can cancel the order."
        )
        % {"number": order.number, "amount": amount},
        "refund": _("%(amount)s will be refunded to the card the client paid with, and order %(number)s will close.")
        % {"number": order.number, "amount": amount},
    }


def _needs_confirmation(
    request: HttpRequest, *, title: str, summary: str, button: str, back: str
) -> HttpResponse | None:
    """None once the POST says `confirm=yes` (the dialog of partials/_confirm.html adds it);
    else the confirmation page, which posts the same fields again with it (no JS needed)."""
    if request.POST.get("confirm") == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in values
    ]
    context = {
        "confirm_title": title,
        "confirm_summary": summary,
        "confirm_button": button,
        "confirm_action": request.path,
        "confirm_fields": fields,
        "confirm_back": back,
    }
    return render(request, "partials/confirm_page.html", context)


def _file_response(item: OrderFile) -> FileResponse:
    """Always an attachment, with our own Content-Type and an RFC 6266 file name."""
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Content-Type"] = item.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
