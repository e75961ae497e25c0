"""The real `stripe` SDK against localstripe (a stateful fake Stripe server on 127.0.0.1):
pay, decline, 3-D Secure, cancel and refund go through StripeGateway unchanged."""

from __future__ import annotations

import pytest

from payments import actions
from payments.gateways import get_gateway
from payments.gateways.stripe import StripeGateway
from payments.models import Payment, PaymentOperation, Refund
from tests.payments.conftest import authenticate_3ds, new_payment, stripe_http

pytestmark = pytest.mark.django_db


def _pay_server_side(payment: Payment, payment_method: str) -> Payment:
    actions.payment_ensure_intent(payment_id=payment.pk, payment_method=payment_method)
    return actions.payment_confirm(payment_id=payment.pk)


def test_get_gateway_is_stripe_when_configured(localstripe):
    assert isinstance(get_gateway(), StripeGateway)


def test_pay_with_visa_succeeds_and_numbers_a_receipt(
    localstripe, demo, test_purpose, django_capture_on_commit_callbacks
):
    payment = new_payment(demo.client_a)
    assert payment.provider == Payment.Provider.STRIPE
    with django_capture_on_commit_callbacks(execute=True):
        intent = actions.payment_ensure_intent(payment_id=payment.pk, payment_method="pm_card_visa")
        payment.refresh_from_db()
        assert intent.reference.startswith("pi_") and intent.client_secret
        assert payment.provider_reference == intent.reference
        assert payment.status == Payment.Status.CREATED
        payment = actions.payment_confirm(payment_id=payment.pk)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.receipt_number and payment.receipt_number.startswith("R")
    assert test_purpose.succeeded == [payment.pk]
    # The provider's own view agrees (read back through the SDK).
    truth = StripeGateway().retrieve(reference=payment.provider_reference)
    assert (truth.status, truth.amount_minor, truth.currency) == ("succeeded", 12_345, "CNY")
    kinds = list(payment.operations.values_list("kind", flat=True))
    assert kinds == [PaymentOperation.Kind.CREATE, PaymentOperation.Kind.CONFIRM]


def test_same_idempotency_key_returns_the_same_intent(localstripe, demo, test_purpose):
    payment = new_payment(demo.client_a)
    first = actions.payment_ensure_intent(payment_id=payment.pk)
    again = StripeGateway().create_intent(
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        idempotency_key=payment.idempotency_key,
        metadata={"payment_id": str(payment.pk), "purpose": payment.purpose_type, "purpose_id": payment.purpose_id},
    )
    # localstripe accepts the key; a second ensure_intent never calls create again anyway.
    assert actions.payment_ensure_intent(payment_id=payment.pk).reference == first.reference
    assert again.ok


def test_decline_marks_payment_failed_with_message(localstripe, demo, test_purpose, django_capture_on_commit_callbacks):
    payment = new_payment(demo.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        payment = _pay_server_side(payment, "pm_card_chargeCustomerFail")  # card 4000000000000341
    assert payment.status == Payment.Status.FAILED
    assert "declined" in payment.failure_message.lower()
    assert payment.receipt_number is None
    assert test_purpose.failed == [payment.pk]
    # Reconciliation reads the same truth: requires_payment_method with an error = failed.
    assert actions.payment_sync(payment_id=payment.pk).status == Payment.Status.FAILED


def test_three_d_secure_requires_action_then_succeeds(localstripe, demo, test_purpose):
    sdk = stripe_http(localstripe)
    pm = sdk.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    payment = new_payment(demo.client_a)
    payment = _pay_server_side(payment, pm.id)
    assert payment.status == Payment.Status.REQUIRES_ACTION
    intent = StripeGateway().retrieve(reference=payment.provider_reference)
    authenticate_3ds(localstripe, payment.provider_reference, intent.client_secret, success=True)
    payment = actions.payment_sync(payment_id=payment.pk)
    assert payment.status == Payment.Status.SUCCEEDED


def test_three_d_secure_failure_marks_payment_failed(localstripe, demo, test_purpose):
    sdk = stripe_http(localstripe)
    pm = sdk.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4000002500003155", "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    payment = _pay_server_side(new_payment(demo.client_a), pm.id)
    intent = StripeGateway().retrieve(reference=payment.provider_reference)
    authenticate_3ds(localstripe, payment.provider_reference, intent.client_secret, success=False)
    payment = actions.payment_sync(payment_id=payment.pk)
    assert payment.status == Payment.Status.FAILED


def test_cancel_cancels_at_stripe_then_a_new_attempt_gets_a_new_key(localstripe, demo, test_purpose):
    payment = new_payment(demo.client_a, purpose_id="order-cancel")
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment = actions.payment_cancel(payment_id=payment.pk, actor=demo.client_a)
    assert payment.status == Payment.Status.CANCELLED
    assert StripeGateway().retrieve(reference=payment.provider_reference).provider_status == "canceled"
    second = new_payment(demo.client_a, purpose_id="order-cancel")
    assert second.pk != payment.pk and second.attempt == 2
    assert second.idempotency_key != payment.idempotency_key


def test_cancel_of_a_paid_payment_is_refused_and_it_stays_paid(localstripe, demo, test_purpose):
    payment = _pay_server_side(new_payment(demo.client_a), "pm_card_visa")
    with pytest.raises(Exception):  # noqa: B017 (InvalidTransition: paid payments are refunded)
        actions.payment_cancel(payment_id=payment.pk, actor=demo.client_a)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_partial_then_full_refund_through_stripe(localstripe, demo, test_purpose, django_capture_on_commit_callbacks):
    payment = _pay_server_side(new_payment(demo.client_a, amount=10_000), "pm_card_visa")
    with django_capture_on_commit_callbacks(execute=True):
        first = actions.payment_refund(
            payment_id=payment.pk, actor=demo.director, reason="Half delivered", amount_minor=4_000
        )
    assert first.status == Refund.Status.SUCCEEDED and first.provider_reference.startswith("re_")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 4_000)
    with django_capture_on_commit_callbacks(execute=True):
        rest = actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="Order withdrawn")
    assert rest.amount_minor == 6_000
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.REFUNDED, 10_000)
    assert test_purpose.refunded == [(payment.pk, 4_000), (payment.pk, 10_000)]
    refunds = stripe_http(localstripe).v1.refunds.list({"payment_intent": payment.provider_reference})
    assert sorted(r.amount for r in refunds.data) == [4_000, 6_000]
    # Idempotent: submitting a finished refund again sends nothing.
    assert actions.refund_submit(refund_id=first.pk).status == Refund.Status.SUCCEEDED
    assert payment.operations.filter(kind=PaymentOperation.Kind.REFUND).count() == 2


def test_stripe_checkout_page_gets_the_client_secret_and_never_an_amount_field(localstripe, demo, test_purpose):
    payment = new_payment(demo.client_a)
    response = demo.client("client_a").get(f"/payments/{payment.pk}/checkout/")
    assert response.status_code == 200
    payment.refresh_from_db()
    intent = StripeGateway().retrieve(reference=payment.provider_reference)
    body = response.content.decode()
    assert f'data-client-secret="{intent.client_secret}"' in body
    assert "https://js.stripe.com/v3/" in body and 'name="amount"' not in body
