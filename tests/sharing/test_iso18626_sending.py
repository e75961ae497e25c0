"""Sending outgoing ISO 18626 messages to a partner: a real HTTP server on 127.0.0.1 plays
the partner. Delivered once and marked, retried while the partner is down, given up when the
partner refuses, caught up by the sweep, sent in order (sharing/iso18626/delivery.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from celery.exceptions import Retry
from django.test import Client
from django.utils import timezone

from cataloging.models import BibRecord, Holding
from office.models import AuditEvent
from sharing.iso18626 import delivery
from sharing.iso18626 import messages as m
from sharing.iso18626.tasks import outbox_sweep_task, send_message_task
from sharing.iso18626.transport import TransportError
from sharing.models import Agency, RequestEvent, SharingRequest
from tests import factories
from tests.cataloging.factories import make_record

pytestmark = pytest.mark.django_db
OUT = RequestEvent.Direction.OUT
CODE = "partner-shared-code-0001"


class Partner:
    """A partner's ISO 18626 endpoint: records what it gets, answers as `script` says
    (each step: "ok", "error", "garbage" or an HTTP status; the last one repeats)."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.codes: list[str | None] = []  # the X-ISO18626-Security-Code header of each POST
        self.script: list[Any] = ["ok"]
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                partner.received.append(body)
                partner.codes.append(self.headers.get("X-ISO18626-Security-Code"))
                step = partner.script.pop(0) if len(partner.script) > 1 else partner.script[0]
                if isinstance(step, int):
                    self.send_response(step)
                    if 300 <= step < 400:
                        self.send_header("Location", partner.url)  # would post here again if followed
                    self.end_headers()
                    return
                answer = b"<html>busy</html>" if step == "garbage" else partner.confirm(body, ok=step == "ok")
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def do_GET(self) -> None:  # noqa: N802  (only a followed redirect would come here)
                partner.received.append(b"GET")
                self.send_response(405)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/iso18626"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def confirm(body: bytes, *, ok: bool) -> bytes:
        message = m.parse(body)  # what we send must be a valid message
        return m.build_confirmation(
            message.kind,
            ok=ok,
            received_at=datetime.now(UTC),
            error_type="" if ok else "UnrecognisedDataValue",
            error_value="" if ok else "unknown request",
        )

    def messages(self) -> list[m.Message]:
        return [m.parse(body) for body in self.received]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner_server() -> Iterator[Partner]:
    server = Partner()
    yield server
    server.stop()


@pytest.fixture
def net(partner_server: Partner) -> dict[str, Any]:
    home = factories.home_office()
    Agency.objects.create(agency_id="CN-HOME", organization=home, name="Home")
    partner = Agency.objects.create(
        agency_id="CN-PARTNER", name="Partner", is_partner=True, iso_address=partner_server.url, iso_secret=CODE
    )
    record = make_record(home, status=BibRecord.Status.APPROVED, isbn="9780070544840")
    Holding.objects.create(record=record, organization=home, lendable=True)
    return {"partner": partner, "staff": factories.staff("iso_send", organization=home)}


def _incoming_request(request_id: str = "P-1", isbn: str = "9787300000007") -> bytes:
    return m.build_request(
        m.OutgoingRequest(
            supplying="CN-HOME",
            requesting="CN-PARTNER",
            request_id=request_id,
            service_type="Loan",
            title="T",
            isbn=isbn,
        )
    )


def _post_in(body: bytes) -> Any:
    """A message from the partner, with its security code."""
    return Client().post(
        "/sharing/iso18626", data=body, content_type="application/xml", HTTP_X_ISO18626_SECURITY_CODE=CODE
    )


def _unfilled_message() -> RequestEvent:
    """A partner's request for an item we do not hold: its Unfilled answer waits in the outbox."""
    response = _post_in(_incoming_request())
    assert m.parse(response.content).message_status == "OK"
    return RequestEvent.objects.get(direction=OUT)


def test_message_is_delivered_and_marked_and_never_sent_twice(net, partner_server) -> None:
    row = _unfilled_message()
    assert delivery.message_send(event_id=row.pk) == "delivered"
    row.refresh_from_db()
    assert row.delivered_at is not None and row.attempts == 1 and row.last_error == ""
    [message] = partner_server.messages()
    assert isinstance(message, m.SupplyingAgencyMessage) and (message.status, message.reason_unfilled) == (
        "Unfilled",
        "NotHeld",
    )
    assert delivery.message_send(event_id=row.pk) == "done"
    assert send_message_task.apply(kwargs={"event_id": row.pk}).get() == "done"
    assert len(partner_server.received) == 1


def test_our_message_carries_the_partners_security_code_in_the_http_header_only(net, partner_server) -> None:
    row = _unfilled_message()
    assert delivery.message_send(event_id=row.pk) == "delivered"
    assert partner_server.codes == [CODE]
    assert CODE.encode() not in partner_server.received[0] and CODE not in row.payload
    # A new code is what the next message carries.
    Agency.objects.filter(pk=net["partner"].pk).update(iso_secret="rotated-shared-code-0002")
    _post_in(_incoming_request("P-2"))
    assert partner_server.codes == [CODE]  # the old code no longer gets a message in
    response = Client().post(
        "/sharing/iso18626",
        data=_incoming_request("P-2"),
        content_type="application/xml",
        HTTP_X_ISO18626_SECURITY_CODE="rotated-shared-code-0002",
    )
    assert m.parse(response.content).message_status == "OK"
    second = RequestEvent.objects.filter(direction=OUT).exclude(pk=row.pk).get()
    assert delivery.message_send(event_id=second.pk) == "delivered"
    assert partner_server.codes == [CODE, "rotated-shared-code-0002"]


def test_the_commit_sends_the_message(net, partner_server, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _post_in(_incoming_request())
    assert [msg.kind for msg in partner_server.messages()] == ["supplyingAgencyMessage"]
    assert RequestEvent.objects.get(direction=OUT).delivered_at is not None


def test_task_retries_while_the_partner_fails_then_delivers(net, partner_server) -> None:
    row = _unfilled_message()
    partner_server.script = [503, "garbage", "ok"]
    assert send_message_task.max_retries == 5 and TransportError in send_message_task.autoretry_for
    # Each run is one attempt; a transient failure puts the task back for Celery to retry.
    for _failure in range(2):
        with pytest.raises(Retry):
            send_message_task.apply(kwargs={"event_id": row.pk})
    row.refresh_from_db()
    assert (row.attempts, row.delivered_at) == (2, None) and "not an ISO 18626 message" in row.last_error
    assert send_message_task.apply(kwargs={"event_id": row.pk}).get() == "delivered"
    row.refresh_from_db()
    assert row.attempts == 3 and row.delivered_at is not None and row.last_error == ""
    assert len(partner_server.received) == 3


def test_partner_refusal_is_final_audited_and_left_by_the_sweep(net, partner_server) -> None:
    row = _unfilled_message()
    partner_server.script = ["error"]
    assert delivery.message_send(event_id=row.pk) == "refused"
    row.refresh_from_db()
    assert row.delivered_at is None and row.attempts == delivery.MAX_ATTEMPTS
    assert "UnrecognisedDataValue" in row.last_error
    assert AuditEvent.objects.filter(verb="sharing.request.iso_message_refused").count() == 1
    RequestEvent.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox_sweep_task.apply().get() == {"delivered": 0, "failed": 0, "refused": 0}
    assert len(partner_server.received) == 1


@pytest.mark.parametrize("status", [404, 302])
def test_http_client_error_or_redirect_is_a_refusal(net, partner_server, status) -> None:
    row = _unfilled_message()
    partner_server.script = [status]
    assert delivery.message_send(event_id=row.pk) == "refused"
    assert len(partner_server.received) == 1  # the redirect was not followed


def test_partner_down_then_the_sweep_catches_up(net, partner_server) -> None:
    Agency.objects.filter(pk=net["partner"].pk).update(iso_address="http://127.0.0.1:9/iso18626")  # nobody listens
    row = _unfilled_message()
    with pytest.raises(TransportError):
        delivery.message_send(event_id=row.pk)
    row.refresh_from_db()
    assert row.delivered_at is None and row.attempts == 1 and "cannot reach" in row.last_error
    Agency.objects.filter(pk=net["partner"].pk).update(iso_address=partner_server.url)
    assert delivery.outbox_sweep() == {"delivered": 0, "failed": 0, "refused": 0}  # too young: its task has it
    assert delivery.outbox_sweep(now=timezone.now() + timedelta(minutes=10)) == {
        "delivered": 1,
        "failed": 0,
        "refused": 0,
    }
    row.refresh_from_db()
    assert row.delivered_at is not None and row.attempts == 2
    assert delivery.outbox_sweep() == {"delivered": 0, "failed": 0, "refused": 0}  # idempotent re-run


def test_messages_of_a_request_go_out_in_order(net, partner_server) -> None:
    from sharing import actions

    _post_in(_incoming_request(isbn="9780070544840"))
    request = SharingRequest.objects.get(peer_request_id="P-1")  # held: with our staff, nothing sent yet
    actions.request_will_supply(request_id=request.pk, actor=net["staff"])
    actions.request_ship(request_id=request.pk, actor=net["staff"], tracking_number="SF1")
    first, second = RequestEvent.objects.filter(direction=OUT).order_by("pk")
    assert delivery.message_send(event_id=second.pk) == "delivered"  # the earlier one goes first
    assert [msg.status for msg in partner_server.messages()] == ["WillSupply", "Loaned"]
    assert not RequestEvent.objects.filter(direction=OUT, delivered_at__isnull=True).exists()
    assert delivery.message_send(event_id=first.pk) == "done"
    assert len(partner_server.received) == 2


def test_message_whose_task_was_lost_is_sent_by_the_sweep(
    net, partner_server, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the broker never got the task
        row = _unfilled_message()
    assert len(queued) == 1 and partner_server.received == []
    RequestEvent.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert outbox_sweep_task.apply().get() == {"delivered": 1, "failed": 0, "refused": 0}
    row.refresh_from_db()
    assert row.delivered_at is not None and len(partner_server.received) == 1
    assert outbox_sweep_task.apply().get() == {"delivered": 0, "failed": 0, "refused": 0}
