"""Order tracking: the signed vendor webhook, the JSON-over-HTTP adapter against a local
HTTP server on 127.0.0.1 (good answers, timeouts, garbage), the simulated vendor and the sweep."""

from __future__ import annotations

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from office.exceptions import DomainError
from procurement import actions
from procurement.integrations import JsonHttpAdapter, VendorApiError, sign, verify
from procurement.models import PurchaseOrder, TrackingEvent, Vendor, VendorItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(demo):
    return PurchaseOrder.objects.filter(vendor__code="sim-api", organization__is_home=True).first()


def post_webhook(client, vendor, payload, *, secret=None, timestamp=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    header = sign(secret if secret is not None else vendor.webhook_secret, body, timestamp)
    return client.post(
        f"/procurement/webhooks/vendors/{vendor.pk}/",
        body,
        content_type="application/json",
        HTTP_X_VENDOR_SIGNATURE=header,
    )


def test_webhook_applies_signed_event_once(client, order):
    vendor = order.vendor
    payload = {"id": "evt-1", "order_number": order.number, "status": "shipped", "message": "On the truck"}
    first = post_webhook(client, vendor, payload)
    assert first.status_code == 200 and first.json() == {"ok": True, "duplicate": False}
    second = post_webhook(client, vendor, payload)
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert TrackingEvent.objects.filter(order=order, key="vendor-evt-1").count() == 1


@pytest.mark.parametrize("case", ["wrong_secret", "stale", "future", "altered", "missing"])
def test_webhook_bad_signature_is_400_and_changes_nothing(client, order, case):
    vendor = order.vendor
    payload = {"id": "evt-2", "order_number": order.number, "status": "shipped"}
    before = TrackingEvent.objects.count()
    if case == "wrong_secret":
        response = post_webhook(client, vendor, payload, secret="nope")
    elif case == "stale":
        response = post_webhook(client, vendor, payload, timestamp=int(time.time()) - 600)
    elif case == "future":
        response = post_webhook(client, vendor, payload, timestamp=int(time.time()) + 600)
    elif case == "altered":
        body = json.dumps(payload).encode()
        header = sign(vendor.webhook_secret, body)
        response = client.post(
            f"/procurement/webhooks/vendors/{vendor.pk}/",
            body.replace(b"shipped", b"delivered"),
            content_type="application/json",
            HTTP_X_VENDOR_SIGNATURE=header,
        )
    else:
        response = client.post(f"/procurement/webhooks/vendors/{vendor.pk}/", payload, content_type="application/json")
    assert response.status_code == 400
    assert TrackingEvent.objects.count() == before


def test_webhook_unknown_order_and_garbage(client, order):
    vendor = order.vendor
    assert (
        post_webhook(client, vendor, {"id": "e", "order_number": "PO-1999-9999", "status": "shipped"}).status_code
        == 404
    )
    assert post_webhook(client, vendor, None, raw=b"{not json").status_code == 400
    assert (
        post_webhook(client, vendor, {"id": "e", "order_number": order.number, "status": "exploded"}).status_code == 400
    )
    assert post_webhook(client, vendor, [1, 2]).status_code == 400


def test_verify_rejects_garbage_headers():
    assert not verify("s", b"x", "")
    assert not verify("s", b"x", "t=abc,v1=00")
    assert not verify("s", b"x", "v0=deadbeef")
    assert verify("s", b"x", sign("s", b"x"))


class FakeVendor(BaseHTTPRequestHandler):
    mode = "ok"
    orders: dict[str, str] = {}

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.mode == "slow":
            time.sleep(1.5)
        if self.mode == "garbage":
            return self._send(200, b"<html>oops</html>", "text/html")
        if self.mode == "500":
            return self._send(500, {"error": "down"})
        if self.headers.get("Authorization") != "Bearer k-123":
            return self._send(401, {"error": "auth"})
        if self.path == "/catalog":
            return self._send(
                200, {"items": [{"sku": "API-1", "title": "Remote Book", "price_minor": 1234, "isbn": "9780306406157"}]}
            )
        if self.path.startswith("/orders/"):
            return self._send(
                200,
                {
                    "status": "shipped",
                    "events": [
                        {"id": "a1", "status": "confirmed", "occurred_at": "2026-01-02T10:00:00+08:00"},
                        {"id": "a2", "status": "shipped", "message": "Courier 123"},
                    ],
                },
            )
        return self._send(404, {})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length))
        reference = self.orders.setdefault(body["order_number"], f"V-{len(self.orders) + 1}")
        self._send(200, {"reference": reference})


@pytest.fixture
def fake_vendor_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeVendor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeVendor.mode = "ok"
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def api_vendor(demo, fake_vendor_server):
    from office.models import Organization

    return Vendor.objects.create(
        organization=Organization.objects.get(is_home=True),
        code="api",
        name="API Books",
        integration=Vendor.Integration.API,
        api_base_url=fake_vendor_server,
        api_key="k-123",
        webhook_secret="s",
    )


def test_adapter_syncs_catalog_places_order_and_polls(demo, api_vendor, django_capture_on_commit_callbacks):
    assert actions.vendor_catalog_sync(vendor_id=api_vendor.pk, actor=demo.head_infodev) == (1, 0)
    remote = VendorItem.objects.get(vendor=api_vendor, sku="API-1")
    actions.cart_add(actor=demo.staff_infodev, item_id=remote.pk, quantity=2)
    from tests.procurement.conftest import budget_of

    pr = actions.purchase_request_create_from_cart(
        actor=demo.staff_infodev, budget_id=budget_of(demo.staff_infodev).pk, justification="x"
    )
    actions.purchase_request_submit(request_id=pr.pk, actor=demo.staff_infodev)
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)
    order.refresh_from_db()
    assert order.vendor_reference.startswith("V-") and order.sent_at
    assert actions.purchase_order_poll(order_id=order.pk) == 2
    assert actions.purchase_order_poll(order_id=order.pk) == 0  # idempotent
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CONFIRMED  # shipped waits for payment


@pytest.mark.parametrize("mode", ["slow", "garbage", "500"])
def test_adapter_failures_are_clear_errors(api_vendor, mode):
    FakeVendor.mode = mode
    adapter = JsonHttpAdapter(api_vendor, timeout=0.5)
    with pytest.raises(VendorApiError):
        adapter.catalog()
    if mode != "slow":  # the production timeout (5 s) is longer than this server's delay
        with pytest.raises(DomainError):
            actions.vendor_catalog_sync(vendor_id=api_vendor.pk)
    assert not VendorItem.objects.filter(vendor=api_vendor).exists()


def test_unreachable_vendor_is_a_clear_error(api_vendor):
    api_vendor.api_base_url = "http://127.0.0.1:9"  # discard port: connection refused
    with pytest.raises(VendorApiError):
        JsonHttpAdapter(api_vendor, timeout=0.5).catalog()


def test_simulated_vendor_advances_and_sweep_catches_up(demo, order):
    assert order.sent_at is not None  # the demo sent it
    PurchaseOrder.objects.filter(pk=order.pk).update(sent_at=timezone.now() - datetime.timedelta(minutes=10))
    counts = actions.orders_tracking_sweep()
    assert counts["events"] == 3
    assert actions.orders_tracking_sweep()["events"] == 0
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CONFIRMED
    assert TrackingEvent.objects.filter(order=order, status="delivered").exists()


def test_sweep_sends_orders_left_unsent(demo, order):
    manual = PurchaseOrder.objects.filter(vendor__code="bookhub", organization__is_home=True).first()
    PurchaseOrder.objects.filter(pk=manual.pk).update(sent_at=None)
    assert actions.orders_tracking_sweep()["sent"] >= 1
    manual.refresh_from_db()
    assert manual.sent_at is not None
