"""Payments whose provider intent was never created expire in the periodic reconciliation, so
their purpose can be paid again with a fresh attempt; money the provider reports afterwards
for such a payment is still recorded as received and flagged for staff, never dropped."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from office.models import AuditEvent
from office.money import format_money
from payments import actions, webhooks
from payments.gateways.simulated import SimulatedGateway, intent_payload, sign
from payments.models import Payment, PaymentOperation, SimulatedIntent, WebhookEvent
from tests.payments.conftest import WEBHOOK_SECRET, make_event, new_payment, post_event, postgres_only
from tests.payments.test_concurrency import people, run_together  # noqa: F401 (fixture)

HOURS = 3600


def _age(payment: Payment, seconds: int) -> Payment:
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    payment.refresh_from_db()
    return payment


def _intent_behind_our_back(payment: Payment) -> SimulatedIntent:
    """The provider created the intent but our record of it was lost (a crash between the
    provider's answer and our commit): the payment still has no provider reference."""
    result = SimulatedGateway().create_intent(
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        idempotency_key=payment.idempotency_key,
        metadata={"payment_id": str(payment.pk), "purpose": payment.purpose_type, "purpose_id": payment.purpose_id},
    )
    assert result.ok
    return SimulatedIntent.objects.get(reference=result.reference)


@pytest.mark.django_db
def test_reconciliation_expires_a_payment_never_started_and_a_fresh_attempt_can_pay(
    demo, test_purpose, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_ABANDON_AFTER_SECONDS = 2 * HOURS
    payment = _age(new_payment(demo.client_a, purpose_id="order-abandoned"), 3 * HOURS)
    fresh = _age(new_payment(demo.client_a, purpose_id="order-recent"), 1 * HOURS)

    with django_capture_on_commit_callbacks(execute=True):
        counts = actions.payment_reconcile()
    assert counts["expired"] == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED and payment.expired_at is not None
    fresh.refresh_from_db()
    assert fresh.status == Payment.Status.CREATED and fresh.expired_at is None  # not old enough
    audit = AuditEvent.objects.get(verb="payments.payment.expired", target_id=str(payment.pk))
    assert audit.actor is None and audit.data["after_seconds"] == 2 * HOURS
    assert AuditEvent.objects.filter(verb="payments.payment.cancelled", target_id=str(payment.pk)).count() == 1
    op = PaymentOperation.objects.get(payment=payment, kind=PaymentOperation.Kind.CANCEL)
    assert (op.status_before, op.status_after) == ("created", "cancelled")
    assert test_purpose.failed == [payment.pk]  # the purpose is told, after commit

    # Idempotent: the next sweeps (and a direct call) change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.payment_reconcile()["expired"] == 0
        assert actions.payment_expire(payment_id=payment.pk) is False
    assert AuditEvent.objects.filter(verb="payments.payment.expired", target_id=str(payment.pk)).count() == 1
    assert test_purpose.failed == [payment.pk]

    # The purpose can be paid again: attempt 2, a fresh key, its own intent.
    second = new_payment(demo.client_a, purpose_id="order-abandoned")
    assert second.pk != payment.pk and second.attempt == 2
    assert second.idempotency_key != payment.idempotency_key
    actions.payment_ensure_intent(payment_id=second.pk)
    second.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=second.provider_reference, card_number="4242424242424242")
    second.refresh_from_db()
    assert second.status == Payment.Status.SUCCEEDED
    assert test_purpose.succeeded == [second.pk]


@pytest.mark.django_db
def test_default_threshold_and_payments_that_moved_on_are_left_alone(
    demo, test_purpose, settings, django_capture_on_commit_callbacks
):
    # The default stays well inside the 24 hours Stripe remembers an idempotency key.
    assert 0 < settings.PAYMENTS_ABANDON_AFTER_SECONDS < 24 * 3600
    assert actions.abandon_after_seconds() == settings.PAYMENTS_ABANDON_AFTER_SECONDS
    old = settings.PAYMENTS_ABANDON_AFTER_SECONDS + 60

    with_intent = new_payment(demo.client_a)
    actions.payment_ensure_intent(payment_id=with_intent.pk)  # the checkout page was opened
    with_intent = _age(with_intent, old)
    paid = new_payment(demo.client_a)
    actions.payment_ensure_intent(payment_id=paid.pk)
    paid.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=paid.provider_reference, card_number="4242424242424242")
    paid = _age(paid, old)
    cancelled = new_payment(demo.client_a)
    actions.payment_cancel(payment_id=cancelled.pk, actor=demo.client_a)
    cancelled = _age(cancelled, old)

    with django_capture_on_commit_callbacks(execute=True):
        assert actions.payment_reconcile()["expired"] == 0
    for payment, status in [(with_intent, "created"), (paid, "succeeded"), (cancelled, "cancelled")]:
        assert actions.payment_expire(payment_id=payment.pk) is False
        payment.refresh_from_db()
        assert payment.status == status and payment.expired_at is None
    assert not AuditEvent.objects.filter(verb="payments.payment.expired").exists()


@pytest.mark.django_db
def test_opening_checkout_of_an_abandoned_payment_expires_it_and_paying_again_starts_afresh(demo, settings):
    settings.PAYMENTS_ABANDON_AFTER_SECONDS = 60
    request = actions.payment_request_create(
        actor=demo.business_assistant, payer=demo.client_a, amount_minor=8_800, description="Photocopies 复印费"
    )
    client = demo.client("client_a")
    client.post(f"/payments/requests/{request.pk}/pay/")
    payment = Payment.objects.get(purpose_type="payments.request", purpose_id=str(request.pk))
    # The provider call failed back then, so no intent exists; the payer comes back later.
    _age(payment, 120)
    response = client.get(f"/payments/{payment.pk}/checkout/")
    assert response.status_code == 302 and response.url == f"/payments/{payment.pk}/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED and payment.expired_at is not None
    assert not SimulatedIntent.objects.filter(idempotency_key=payment.idempotency_key).exists()  # none, ever
    page = client.get(response.url).content.decode()
    assert 'id="payment-expired"' in page and 'id="pay-button"' not in page

    response = client.post(f"/payments/requests/{request.pk}/pay/")
    second = Payment.objects.get(purpose_type="payments.request", purpose_id=str(request.pk), attempt=2)
    assert response.url == f"/payments/{second.pk}/checkout/"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_a_new_attempt_for_the_purpose_expires_the_abandoned_one_first(demo, test_purpose, settings):
    settings.PAYMENTS_ABANDON_AFTER_SECONDS = 60
    first = _age(new_payment(demo.client_a, purpose_id="order-retry"), 120)
    second = new_payment(demo.client_a, purpose_id="order-retry")
    assert second.attempt == 2
    first.refresh_from_db()
    assert first.status == Payment.Status.CANCELLED and first.expired_at is not None


@pytest.mark.django_db
def test_late_success_after_expiry_is_recorded_as_money_received_and_flagged(
    demo, test_purpose, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_ABANDON_AFTER_SECONDS = 60
    payment = new_payment(demo.client_a, purpose_id="order-late", amount=4_200)
    intent = _intent_behind_our_back(payment)
    _age(payment, 120)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.payment_reconcile()["expired"] == 1
    # The purpose is paid again meanwhile: attempt 2 is live.
    second = new_payment(demo.client_a, purpose_id="order-late", amount=4_200)
    assert second.attempt == 2

    # The payer had the provider's page open all along and pays the old intent; the signed
    # event names our payment in its metadata.
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=intent.reference, card_number="4242424242424242")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_reference == intent.reference
    assert payment.paid_after_close_at is not None and payment.expired_at is not None
    assert payment.receipt_number  # money received: it gets its receipt
    with translation.override("en"):
        assert "expired" in payment.discrepancy_text and f"#{second.pk}" in payment.discrepancy_text
    event = WebhookEvent.objects.get(payment=payment, type="payment_intent.succeeded")
    assert event.outcome == WebhookEvent.Outcome.FLAGGED
    audit = AuditEvent.objects.get(verb="payments.payment.paid_after_close", target_id=str(payment.pk))
    assert audit.data["other_attempts"] == [second.pk]
    assert AuditEvent.objects.filter(verb="payments.payment.flagged", target_id=str(payment.pk)).exists()
    assert test_purpose.succeeded == [payment.pk]  # the purpose learns it is paid
    second.refresh_from_db()
    assert second.status == Payment.Status.CREATED  # untouched; staff decide
    # It shows up in the staff list of flagged payments, and can be refunded.
    staff = demo.client("business_assistant")
    listing = staff.get("/payments/?flagged=on").content.decode()
    assert f'href="/payments/{payment.pk}/"' in listing
    with django_capture_on_commit_callbacks(execute=True):
        actions.payment_refund(payment_id=payment.pk, actor=demo.business_assistant, reason="Paid twice")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_minor == 4_200

    # A duplicate delivery of the same news changes nothing.
    body = json.dumps(make_event("payment_intent.succeeded", intent_payload(intent))).encode()
    webhooks.receive(provider="simulated", payload=body, signature_header=sign(body, settings.SIMULATED_WEBHOOK_SECRET))
    assert AuditEvent.objects.filter(verb="payments.payment.paid_after_close", target_id=str(payment.pk)).count() == 1


@pytest.mark.django_db
def test_late_stripe_webhook_for_an_expired_payment_over_http(demo, test_purpose, settings, client):
    """A Stripe-signed event at the real webhook URL, for a payment that expired before our
    record of its intent was written (the intent's id is known to us only from the event)."""
    settings.PAYMENTS_BACKEND = "stripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    payment = _age(new_payment(demo.client_a, amount=9_900), settings.PAYMENTS_ABANDON_AFTER_SECONDS + 60)
    assert payment.provider == Payment.Provider.STRIPE
    assert actions.payment_expire(payment_id=payment.pk) is True
    obj = {
        "id": "pi_late_1",
        "object": "payment_intent",
        "amount": 9_900,
        "amount_received": 9_900,
        "currency": "cny",
        "status": "succeeded",
        "metadata": {"payment_id": str(payment.pk)},
        "last_payment_error": None,
    }
    response = post_event(client, make_event("payment_intent.succeeded", obj))
    assert response.status_code == 200 and response.content == b"flagged"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.provider_reference == "pi_late_1"
    assert payment.paid_after_close_at is not None and payment.discrepancy
    # Wrong amount: flagged, not paid.
    other = _age(new_payment(demo.client_a, amount=5_000), settings.PAYMENTS_ABANDON_AFTER_SECONDS + 60)
    actions.payment_expire(payment_id=other.pk)
    bad = {**obj, "id": "pi_late_2", "amount": 1, "amount_received": 1, "metadata": {"payment_id": str(other.pk)}}
    assert post_event(client, make_event("payment_intent.succeeded", bad)).content == b"flagged"
    other.refresh_from_db()
    assert other.status == Payment.Status.CANCELLED
    with translation.override("en"):
        assert f"amount {format_money(1, 'CNY')}, expected {format_money(5_000, 'CNY')}" in other.discrepancy_text


@pytest.mark.django_db
def test_webhook_before_the_sweep_wins_and_the_sweep_leaves_it(
    demo, test_purpose, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENTS_ABANDON_AFTER_SECONDS = 60
    payment = new_payment(demo.client_a)
    intent = _intent_behind_our_back(payment)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=intent.reference, card_number="4242424242424242")
    _age(payment, 120)
    assert actions.payment_expire(payment_id=payment.pk) is False
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.expired_at is None and payment.paid_after_close_at is None and not payment.discrepancy


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_expiry_racing_a_late_success_never_loses_the_money(people, test_purpose, settings):  # noqa: F811
    settings.PAYMENTS_ABANDON_AFTER_SECONDS = 60
    for round_ in range(6):
        payment = new_payment(people["payer"], purpose_id=f"order-race-{round_}")
        intent = _intent_behind_our_back(payment)
        SimulatedIntent.objects.filter(pk=intent.pk).update(status="succeeded")
        intent.refresh_from_db()
        _age(payment, 120)
        body = json.dumps(make_event("payment_intent.succeeded", intent_payload(intent))).encode()

        def race(i: int, pk: int = payment.pk, body: bytes = body) -> Any:
            if i == 0:
                return actions.payment_expire(payment_id=pk)
            return webhooks.receive(
                provider="simulated", payload=body, signature_header=sign(body, settings.SIMULATED_WEBHOOK_SECRET)
            )

        expired, delivered = run_together(2, race)
        assert isinstance(expired, bool), expired
        assert isinstance(delivered, tuple) and delivered[0] == 200, delivered
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED and payment.receipt_number
        if expired:  # the sweep won: the late success was recorded after it, and flagged
            assert delivered[1] == "flagged"
            assert payment.expired_at and payment.paid_after_close_at and payment.discrepancy
        else:  # the webhook won: the sweep found a payment that had moved on
            assert delivered[1] == "applied"
            assert payment.expired_at is None and payment.paid_after_close_at is None
    assert sorted(test_purpose.succeeded) == sorted(Payment.objects.values_list("pk", flat=True))
