"""Webhooks: verified signature (bad, missing, stale -> 400, nothing changes), each event
id once, and no backwards moves whatever order events arrive in.

localstripe sends no charge.* events and has no Connect, so these tests sign their own
events with a test `whsec_` secret exactly as Stripe does (HMAC-SHA256 over "t.payload")."""

from __future__ import annotations

import itertools
import json
import time

import pytest
from django.test import Client
from django.utils import translation

from office.audit_text import lines_for
from office.models import AuditEvent
from payments import actions
from payments.models import Payment, WebhookEvent
from tests.payments.conftest import (
    WEBHOOK_SECRET,
    charge_object,
    intent_object,
    make_event,
    new_payment,
    post_event,
    sign,
)

pytestmark = pytest.mark.django_db
URL = "/payments/stripe/webhook/"


@pytest.fixture
def stripe_payment(settings, demo, test_purpose):
    """A Stripe payment whose intent exists (no network: its reference is set directly)."""
    settings.PAYMENTS_BACKEND = "stripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    payment = new_payment(demo.client_a, amount=50_000)
    Payment.objects.filter(pk=payment.pk).update(provider_reference=f"pi_test{payment.pk}")
    payment.refresh_from_db()
    return payment


def _snapshot(payment: Payment) -> tuple:
    payment.refresh_from_db()
    return payment.status, payment.refunded_minor, payment.receipt_number, WebhookEvent.objects.count()


def _body(payment: Payment, status: str = "succeeded") -> bytes:
    return json.dumps(make_event(f"payment_intent.{status}", intent_object(payment, status))).encode()


@pytest.mark.parametrize(
    "header",
    [
        None,  # missing
        "",
        "garbage",
        "t=notanumber,v1=abc",
        "v1=deadbeef",  # no timestamp
    ],
)
def test_missing_or_malformed_signature_is_400_and_changes_nothing(stripe_payment, header):
    before = _snapshot(stripe_payment)
    extra = {} if header is None else {"HTTP_STRIPE_SIGNATURE": header}
    response = Client().post(URL, data=_body(stripe_payment), content_type="application/json", **extra)
    assert response.status_code == 400
    assert _snapshot(stripe_payment) == before


def test_wrong_secret_is_400(stripe_payment):
    body = _body(stripe_payment)
    response = Client().post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, secret="whsec_other")
    )
    assert response.status_code == 400
    assert stripe_payment.status == Payment.Status.CREATED


def test_body_altered_after_signing_is_400(stripe_payment):
    body = _body(stripe_payment)
    header = sign(body)
    tampered = body.replace(b'"amount": 50000', b'"amount": 1')
    assert tampered != body
    response = Client().post(URL, data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400


def test_only_v0_signature_is_400(stripe_payment):
    body = _body(stripe_payment)
    header = sign(body).replace("v1=", "v0=")
    response = Client().post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400


@pytest.mark.parametrize("offset", [-600, 600])
def test_stale_or_future_timestamp_is_400(stripe_payment, offset):
    before = _snapshot(stripe_payment)
    body = _body(stripe_payment)
    header = sign(body, timestamp=int(time.time()) + offset)
    response = Client().post(URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400
    assert _snapshot(stripe_payment) == before


def test_empty_webhook_secret_refuses_everything(stripe_payment, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = _body(stripe_payment)
    response = Client().post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, secret="")
    )
    assert response.status_code == 400


def test_get_is_not_allowed(stripe_payment):
    assert Client().get(URL).status_code == 405


def test_valid_succeeded_event_marks_paid_once_and_duplicate_has_no_effect(
    stripe_payment, test_purpose, django_capture_on_commit_callbacks
):
    event = make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded"))
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, event)
    assert (first.status_code, first.content) == (200, b"applied")
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.SUCCEEDED
    receipt = stripe_payment.receipt_number
    with django_capture_on_commit_callbacks(execute=True):
        again = post_event(client, event)  # Stripe delivers at least once
    assert (again.status_code, again.content) == (200, b"duplicate")
    stripe_payment.refresh_from_db()
    assert stripe_payment.receipt_number == receipt
    assert WebhookEvent.objects.filter(event_id=event["id"]).count() == 1
    assert test_purpose.succeeded == [stripe_payment.pk]
    assert AuditEvent.objects.filter(verb="payments.payment.succeeded", target_id=str(stripe_payment.pk)).count() == 1


def test_every_handled_type_is_applied(stripe_payment):
    client = Client()
    now = int(time.time())
    for offset, status in enumerate(["requires_action", "processing"]):
        post_event(
            client, make_event(f"payment_intent.{status}", intent_object(stripe_payment, status), created=now + offset)
        )
        stripe_payment.refresh_from_db()
        assert stripe_payment.status == status
    post_event(
        client,
        make_event(
            "payment_intent.payment_failed", intent_object(stripe_payment, "requires_payment_method"), created=now + 2
        ),
    )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.FAILED
    post_event(
        client, make_event("payment_intent.canceled", intent_object(stripe_payment, "canceled"), created=now + 3)
    )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.CANCELLED


def test_late_events_never_move_a_paid_payment_backwards(stripe_payment):
    client = Client()
    now = int(time.time())
    post_event(client, make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded"), created=now))
    for status, event_type in [
        ("processing", "payment_intent.processing"),
        ("requires_action", "payment_intent.requires_action"),
        ("requires_payment_method", "payment_intent.payment_failed"),
        ("canceled", "payment_intent.canceled"),
    ]:
        response = post_event(client, make_event(event_type, intent_object(stripe_payment, status), created=now - 5))
        assert response.status_code == 200
        stripe_payment.refresh_from_db()
        assert stripe_payment.status == Payment.Status.SUCCEEDED


def test_stale_failure_does_not_reopen_and_older_processing_is_ignored(stripe_payment):
    client = Client()
    now = int(time.time())
    post_event(
        client,
        make_event(
            "payment_intent.payment_failed", intent_object(stripe_payment, "requires_payment_method"), created=now
        ),
    )
    post_event(
        client,
        make_event("payment_intent.requires_action", intent_object(stripe_payment, "requires_action"), created=now - 3),
    )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.FAILED
    # A genuinely newer attempt on the same intent (the payer tries another card) succeeds.
    post_event(
        client, make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded"), created=now + 5)
    )
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.SUCCEEDED


def test_charge_refunded_before_succeeded_ends_refunded(stripe_payment, django_capture_on_commit_callbacks):
    client = Client()
    now = int(time.time())
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, make_event("charge.refunded", charge_object(stripe_payment, 50_000), created=now))
        post_event(
            client, make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded"), created=now - 2)
        )
    stripe_payment.refresh_from_db()
    assert (stripe_payment.status, stripe_payment.refunded_minor) == (Payment.Status.REFUNDED, 50_000)
    # The refund made outside the intranet (Stripe dashboard) has its own row.
    assert list(stripe_payment.refunds.values_list("amount_minor", "status")) == [(50_000, "succeeded")]


def test_partial_refund_events_are_cumulative_and_never_decrease(stripe_payment):
    client = Client()
    post_event(client, make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded")))
    post_event(client, make_event("charge.refunded", charge_object(stripe_payment, 30_000)))
    post_event(client, make_event("charge.refunded", charge_object(stripe_payment, 10_000)))  # older, late
    stripe_payment.refresh_from_db()
    assert (stripe_payment.status, stripe_payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 30_000)
    assert sum(stripe_payment.refunds.values_list("amount_minor", flat=True)) == 30_000


def test_refund_we_issued_is_not_counted_twice_when_its_event_arrives(settings, stripe_payment, monkeypatch, demo):
    from payments.gateways.base import ChargeResult
    from payments.gateways.stripe import StripeGateway

    client = Client()
    post_event(client, make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded")))
    monkeypatch.setattr(StripeGateway, "refund", lambda self, **kw: ChargeResult(ok=True, reference="re_1"))
    actions.payment_refund(
        payment_id=stripe_payment.pk, actor=demo.director, reason="Duplicate order", amount_minor=20_000
    )
    post_event(client, make_event("charge.refunded", charge_object(stripe_payment, 20_000)))
    stripe_payment.refresh_from_db()
    assert stripe_payment.refunded_minor == 20_000
    assert stripe_payment.refunds.count() == 1


@pytest.mark.parametrize("order", list(itertools.permutations(["processing", "succeeded", "late_failed", "refunded"])))
def test_any_delivery_order_ends_in_the_same_state(stripe_payment, order):
    now = int(time.time())
    events = {
        "processing": make_event("payment_intent.processing", intent_object(stripe_payment, "processing"), created=now),
        "late_failed": make_event(
            "payment_intent.payment_failed", intent_object(stripe_payment, "requires_payment_method"), created=now - 1
        ),
        "succeeded": make_event(
            "payment_intent.succeeded", intent_object(stripe_payment, "succeeded"), created=now + 1
        ),
        "refunded": make_event("charge.refunded", charge_object(stripe_payment, 20_000), created=now + 2),
    }
    client = Client()
    for name in order:
        assert post_event(client, events[name]).status_code == 200
    stripe_payment.refresh_from_db()
    assert (stripe_payment.status, stripe_payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 20_000)
    assert stripe_payment.receipt_number


def test_amount_mismatch_is_flagged_not_paid(stripe_payment):
    response = post_event(
        Client(),
        make_event("payment_intent.succeeded", intent_object(stripe_payment, "succeeded", amount=1, amount_received=1)),
    )
    assert response.status_code == 200  # Stripe stops retrying; staff look at the flag
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.CREATED
    with translation.override("en"):
        assert "amount ¥0.01, expected ¥500.00" in stripe_payment.discrepancy_text
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.FLAGGED
    assert AuditEvent.objects.filter(verb="payments.payment.flagged").exists()


def test_currency_or_metadata_mismatch_is_flagged(stripe_payment):
    event = make_event(
        "payment_intent.succeeded",
        intent_object(stripe_payment, "succeeded", currency="usd", metadata={"payment_id": "999999"}),
    )
    post_event(Client(), event)
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.CREATED
    with translation.override("en"):
        reason = stripe_payment.discrepancy_text
    assert "it names payment #999999" in reason and "currency USD, expected CNY" in reason


def test_a_flag_reads_in_the_readers_language_whoever_wrote_it(stripe_payment, demo):
    """The reason is stored as a message id and parameters: written while Chinese was active (a
    webhook has no reader), it reads in English for an English reader, in Chinese for a Chinese
    one, on the payment and in the audit log."""
    wrong_amount = intent_object(stripe_payment, "succeeded", amount=1, amount_received=1)
    event = make_event("payment_intent.succeeded", wrong_amount)
    with translation.override("zh-hans"):
        post_event(Client(), event)
    stripe_payment.refresh_from_db()
    flagged = AuditEvent.objects.get(verb="payments.payment.flagged")
    with translation.override("en"):
        english = stripe_payment.discrepancy_text
        english_audit = [d.value for d in lines_for([flagged], demo.director)[0].details]
    with translation.override("zh-hans"):
        chinese = stripe_payment.discrepancy_text
        chinese_audit = [d.value for d in lines_for([flagged], demo.director)[0].details]
    assert english == "The payment provider's news does not match this payment: amount ¥0.01, expected ¥500.00."
    assert chinese == "支付服务商的通知与此付款不符：金额为 ¥0.01，应为 ¥500.00。"
    assert english in english_audit and chinese in chinese_audit
    assert not any("problems" in str(value) or "_msg" in str(value) for value in english_audit + chinese_audit)
    assert WebhookEvent.objects.get().detail == english  # the operators' log is in English


def test_a_flag_stored_as_text_before_parameters_is_shown_as_written(stripe_payment):
    Payment.objects.filter(pk=stripe_payment.pk).update(discrepancy="amount 1 != 50000", discrepancy_params=None)
    stripe_payment.refresh_from_db()
    with translation.override("zh-hans"):
        assert stripe_payment.discrepancy_text == "amount 1 != 50000"


def test_unknown_intent_and_unhandled_type_are_acknowledged(stripe_payment):
    client = Client()
    unknown = make_event(
        "payment_intent.succeeded", {"id": "pi_nobody", "object": "payment_intent", "status": "succeeded"}
    )
    assert post_event(client, unknown).content == b"unknown"
    other = make_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert post_event(client, other).content == b"unhandled"
    stripe_payment.refresh_from_db()
    assert stripe_payment.status == Payment.Status.CREATED


def test_lost_reference_is_recovered_from_metadata(stripe_payment):
    Payment.objects.filter(pk=stripe_payment.pk).update(provider_reference="")
    obj = intent_object(stripe_payment, "succeeded", id="pi_recovered")
    post_event(Client(), make_event("payment_intent.succeeded", obj))
    stripe_payment.refresh_from_db()
    assert (stripe_payment.provider_reference, stripe_payment.status) == ("pi_recovered", Payment.Status.SUCCEEDED)


def test_simulated_webhook_url_uses_the_same_handler(settings, demo, test_purpose):
    settings.SIMULATED_WEBHOOK_SECRET = "whsec_simulated_test"
    payment = new_payment(demo.client_a)
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    event = make_event("payment_intent.succeeded", intent_object(payment, "succeeded"))
    url = "/payments/simulated/webhook/"
    bad = post_event(Client(), event, url=url)  # signed with the Stripe test secret: refused
    assert bad.status_code == 400
    good = post_event(Client(), event, url=url, secret="whsec_simulated_test")
    assert good.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_simulated_webhook_url_is_gone_when_stripe_is_the_backend(settings):
    settings.PAYMENTS_BACKEND = "stripe"
    assert Client().post("/payments/simulated/webhook/", data=b"{}", content_type="application/json").status_code == 404
