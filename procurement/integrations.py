"""Talking to vendors' systems: a JSON-over-HTTP adapter for API vendors, a clearly-labelled
simulated vendor for the demo, and the HMAC signature of the status webhook.

The JSON API an API vendor offers (base URL per vendor, `Authorization: Bearer <api key>`):

    GET  {base}/catalog                -> {"items": [{"sku", "title", "title_zh", "kind", "format",
                                            "isbn", "term_months", "price_minor", "currency", "available"}]}
    POST {base}/orders                 <- {"order_number", "currency",
                                           "lines": [{"sku", "quantity", "unit_price_minor"}]}
                                       -> {"reference": "..."}   (the same order number twice: the same reference)
    GET  {base}/orders/{reference}     -> {"status": "...", "events": [{"id", "status", "message", "occurred_at"}]}

The webhook they call: POST /procurement/webhooks/vendors/<vendor id>/ with the header
`X-Vendor-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the vendor's secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 2_000_000
SIGNATURE_TOLERANCE_SECONDS = 300
# An event time outside these bounds is a vendor's error, not news: nothing here predates the
# year 2000, and a vendor's clock may run ahead of ours by minutes, not days.
EARLIEST_EVENT = datetime(2000, 1, 1, tzinfo=UTC)
EVENT_CLOCK_SLACK = timedelta(days=1)
# What vendors may report; only some move the order (see actions/tracking.py, VENDOR_STATUS_MOVES).
VENDOR_STATUSES = frozenset({"accepted", "confirmed", "processing", "shipped", "in_transit", "delayed", "delivered"})


class VendorApiError(Exception):
    """The vendor's system could not be reached or answered nonsense; retried by the next sweep."""


@dataclass(frozen=True)
class VendorEvent:
    id: str
    status: str
    message: str
    occurred_at: datetime


class VendorAdapter(Protocol):
    def catalog(self) -> list[dict[str, Any]]: ...
    def place_order(self, order: Any) -> str: ...
    def order_events(self, reference: str, order: Any) -> list[VendorEvent]: ...


def parse_event(raw: Any) -> VendorEvent:
    """One event from a vendor's JSON, checked field by field."""
    if not isinstance(raw, dict):
        raise VendorApiError(_("An event is not an object."))
    event_id, status = raw.get("id"), raw.get("status")
    if not isinstance(event_id, str | int) or not str(event_id).strip() or len(str(event_id)) > 80:
        raise VendorApiError(_("An event has no usable id."))
    if status not in VENDOR_STATUSES:
        raise VendorApiError(_("Unknown vendor status %(status)r.") % {"status": str(status)[:40]})
    message = raw.get("message") or ""
    if not isinstance(message, str):
        raise VendorApiError(_("An event message is not text."))
    try:  # parse_datetime raises ValueError for a well-formed impossible time (offset +99:00)
        occurred = parse_datetime(str(raw.get("occurred_at") or "")) if raw.get("occurred_at") else timezone.now()
    except ValueError:
        occurred = None
    if occurred is None:
        raise VendorApiError(_("An event time is not a date and time."))
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred, timezone.get_current_timezone())
    # Compared, never converted: 9999-12-31T23:59:59-14:00 is after year 9999 in UTC, which
    # Python cannot hold and PostgreSQL stores but cannot give back.
    if not EARLIEST_EVENT <= occurred <= timezone.now() + EVENT_CLOCK_SLACK:
        raise VendorApiError(_("An event time is out of range."))
    return VendorEvent(id=str(event_id), status=status, message=message[:500], occurred_at=occurred)


class JsonHttpAdapter:
    def __init__(self, vendor: Any, timeout: float = TIMEOUT_SECONDS) -> None:
        if not vendor.api_base_url:
            raise VendorApiError(_("The vendor has no API address."))
        self.base = vendor.api_base_url.rstrip("/")
        self.api_key = vendor.api_key
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (http(s) URL set by leadership in the vendor record)
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.api_key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise VendorApiError(_("The vendor answered with HTTP %(code)s.") % {"code": exc.code}) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            raise VendorApiError(_("The vendor's system cannot be reached: %(error)s") % {"error": exc}) from exc
        if len(raw) > MAX_RESPONSE_BYTES:
            raise VendorApiError(_("The vendor's answer is too large."))
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise VendorApiError(_("The vendor's answer is not JSON.")) from exc
        if not isinstance(payload, dict):
            raise VendorApiError(_("The vendor's answer is not a JSON object."))
        return payload

    def catalog(self) -> list[dict[str, Any]]:
        items = self._call("GET", "/catalog").get("items")
        if not isinstance(items, list):
            raise VendorApiError(_("The catalog has no item list."))
        return items

    def place_order(self, order: Any) -> str:
        body = {
            "order_number": order.number,
            "currency": order.currency,
            "lines": [
                {"sku": line.sku, "quantity": line.quantity, "unit_price_minor": line.unit_price_minor}
                for line in order.lines.all()
            ],
        }
        reference = self._call("POST", "/orders", body).get("reference")
        if not isinstance(reference, str) or not reference.strip() or len(reference) > 100:
            raise VendorApiError(_("The vendor did not return an order reference."))
        return reference

    def order_events(self, reference: str, order: Any) -> list[VendorEvent]:
        events = self._call("GET", f"/orders/{urllib.request.quote(reference, safe='')}").get("events")
        if not isinstance(events, list):
            raise VendorApiError(_("The order status has no event list."))
        return [parse_event(raw) for raw in events]


class SimulatedAdapter:
    """DEMO ONLY: a pretend API vendor. Its orders advance with time since they were sent
    (confirmed after 1 minute, shipped after 3, delivered after 6), so tracking shows up in
    the demo without any outside system. Event ids are fixed, so repeated polls add nothing."""

    STEPS = (
        (timedelta(minutes=1), "confirmed", "Order confirmed by the simulated vendor"),
        (timedelta(minutes=3), "shipped", "Parcel handed to the courier (simulated)"),
        (timedelta(minutes=6), "delivered", "Parcel delivered to the office (simulated)"),
    )

    def __init__(self, vendor: Any) -> None:
        self.vendor = vendor

    def catalog(self) -> list[dict[str, Any]]:
        return []

    def place_order(self, order: Any) -> str:
        return f"SIM-{order.number}"

    def order_events(self, reference: str, order: Any) -> list[VendorEvent]:
        start = order.sent_at or order.created_at
        now = timezone.now()
        return [
            VendorEvent(id=f"{reference}-{status}", status=status, message=message, occurred_at=start + after)
            for after, status, message in self.STEPS
            if now >= start + after
        ]


def adapter_for(vendor: Any) -> VendorAdapter:
    from procurement.models import Vendor

    if vendor.integration == Vendor.Integration.SIMULATED:
        return SimulatedAdapter(vendor)
    if vendor.integration == Vendor.Integration.API:
        return JsonHttpAdapter(vendor)
    raise VendorApiError(_("This vendor has no API."))


# --- webhook signatures -------------------------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """Constant-time check of `X-Vendor-Signature`, refusing timestamps outside ±5 minutes."""
    if not secret or not header:
        return False
    parts: dict[str, list[str]] = {}
    for piece in header.split(","):
        key, sep, value = piece.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    # In integers: t may have any number of digits, and a float of it overflows (a 500).
    if abs(int(current) - t) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", []))
