"""Order tracking: the timeline in the reader's language, news recorded by staff, and the vendors' signed
webhook."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from office.access import staff_required
from office.money import format_money
from office.views_support import run_action
from procurement import actions, forms
from procurement.integrations import VendorApiError, parse_event, verify
from procurement.models import PurchaseOrder, TrackingEvent, Vendor
from procurement.views.common import order_or_404


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
def order_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment polled by the order page: the timeline as it grows."""
    order = order_or_404(request, pk)
    return render(request, "procurement/_order_timeline.html", {"order": order, "events": timeline(order)})


@staff_required
@require_POST
def order_track(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_or_404(request, pk)
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
