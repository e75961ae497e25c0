"""The whole flow with the simulated provider, as a payer clicks through it: a payment
request, the local payment page with test cards, 3-D Secure, and the signed event that
reaches the same webhook handler Stripe's events reach."""

from __future__ import annotations

import pytest

from office.models import AuditEvent
from payments import actions
from payments.models import Payment, PaymentRequest, SimulatedIntent, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_for_client_a(demo):
    return actions.payment_request_create(
        actor=demo.business_assistant, payer=demo.client_a, amount_minor=20_000, description="Topic service 定题服务"
    )


def _start(client, payment_request) -> Payment:
    response = client.post(f"/payments/requests/{payment_request.pk}/pay/")
    payment = Payment.objects.get(purpose_type="payments.request", purpose_id=str(payment_request.pk))
    assert response.status_code == 302 and response.url == f"/payments/{payment.pk}/checkout/"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "4242 4242 4242 4242" in page.content.decode()
    payment.refresh_from_db()
    assert payment.provider == Payment.Provider.SIMULATED and payment.provider_reference.startswith("sim_pi_")
    return payment


def test_client_pays_a_request_with_the_success_card(demo, request_for_client_a, django_capture_on_commit_callbacks):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    with django_capture_on_commit_callbacks(execute=True):
        # Tampered fields (amount, status) are ignored: only the card is read.
        response = client.post(
            f"/payments/simulated/{payment.pk}/pay/",
            {
                "card_number": "4242 4242 4242 4242",
                "expiry": "12/34",
                "cvc": "123",
                "amount": "1",
                "status": "succeeded",
            },
        )
    assert response.status_code == 302 and response.url == f"/payments/{payment.pk}/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.amount_minor == 20_000
    assert payment.receipt_number
    # The state came from a signed event through the webhook handler.
    event = WebhookEvent.objects.get(payment=payment)
    assert (event.provider, event.type, event.outcome) == ("simulated", "payment_intent.succeeded", "applied")
    request_for_client_a.refresh_from_db()
    assert request_for_client_a.status == PaymentRequest.Status.PAID  # the purpose handler ran
    paid_audit = AuditEvent.objects.filter(verb="payments.payment_request.paid", target_id=str(request_for_client_a.pk))
    assert paid_audit.count() == 1
    detail = client.get(f"/payments/{payment.pk}/")
    assert payment.receipt_number in detail.content.decode()
    receipt = client.get(f"/payments/{payment.pk}/receipt/")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_declined_card_fails_then_retry_on_the_same_payment_succeeds(
    demo, request_for_client_a, django_capture_on_commit_callbacks
):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4000000000000341", "expiry": "1/34", "cvc": "1"}
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_message == "Your card was declined."
    # "Pay" again reuses the same payment and the same intent: never a second charge.
    again = client.post(f"/payments/requests/{request_for_client_a.pk}/pay/")
    assert again.url == f"/payments/{payment.pk}/checkout/"
    client.get(again.url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4242424242424242", "expiry": "1/34", "cvc": "1"}
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Payment.objects.filter(purpose_type="payments.request", purpose_id=str(request_for_client_a.pk)).count() == 1
    assert SimulatedIntent.objects.filter(reference=payment.provider_reference).count() == 1


@pytest.mark.parametrize(("outcome", "expected"), [("pass", "succeeded"), ("fail", "failed")])
def test_three_d_secure_card_asks_for_authentication(
    demo, request_for_client_a, django_capture_on_commit_callbacks, outcome, expected
):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4000002500003155", "expiry": "1/34", "cvc": "1"}
        )
    assert response.url == f"/payments/simulated/{payment.pk}/authenticate/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_ACTION
    assert client.get(response.url).status_code == 200
    # Back on the checkout page while action is required: it sends the payer to the bank step.
    assert client.get(f"/payments/{payment.pk}/checkout/").url == response.url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"outcome": outcome})
    payment.refresh_from_db()
    assert payment.status == expected


def test_unknown_card_is_refused_and_changes_nothing(demo, request_for_client_a):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    response = client.post(
        f"/payments/simulated/{payment.pk}/pay/", {"card_number": "5555555555554444", "expiry": "1/34", "cvc": "1"}
    )
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


def test_paid_payment_cannot_be_paid_again(demo, request_for_client_a, django_capture_on_commit_callbacks):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4242424242424242", "expiry": "1/34", "cvc": "1"}
        )
    assert client.get(f"/payments/{payment.pk}/checkout/").url == f"/payments/{payment.pk}/"
    response = client.post(
        f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4242424242424242", "expiry": "1/34", "cvc": "1"}
    )
    assert response.status_code == 302
    assert SimulatedIntent.objects.get(reference=payment.provider_reference).status == "succeeded"
    assert client.post(f"/payments/requests/{request_for_client_a.pk}/pay/").url == "/payments/mine/"


def test_payer_cancels_an_unpaid_payment_and_the_intent_is_cancelled(demo, request_for_client_a):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    client.post(f"/payments/{payment.pk}/cancel/")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert SimulatedIntent.objects.get(reference=payment.provider_reference).status == "canceled"
    # Paying the request again starts attempt 2 with a fresh key and intent.
    response = client.post(f"/payments/requests/{request_for_client_a.pk}/pay/")
    second = Payment.objects.exclude(pk=payment.pk).get(
        purpose_type="payments.request", purpose_id=str(request_for_client_a.pk)
    )
    assert second.attempt == 2 and response.url == f"/payments/{second.pk}/checkout/"


def test_status_fragment_reconciles_when_the_event_was_lost(demo, request_for_client_a, settings):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    # Without executing on-commit callbacks the signed event is never delivered.
    client.post(
        f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4242424242424242", "expiry": "1/34", "cvc": "1"}
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    fragment = client.get(f"/payments/{payment.pk}/status/")
    assert fragment.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_staff_refund_from_the_detail_page_is_audited(demo, request_for_client_a, django_capture_on_commit_callbacks):
    client = demo.client("client_a")
    payment = _start(client, request_for_client_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4242424242424242", "expiry": "1/34", "cvc": "1"}
        )
    staff = demo.client("business_assistant")
    page = staff.get(f"/payments/{payment.pk}/")
    assert 'id="refund-form"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/payments/{payment.pk}/refund/", {"amount": "50.00", "reason": "Part of the topic list dropped"}
        )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_minor) == (Payment.Status.PARTIALLY_REFUNDED, 5_000)
    assert SimulatedIntent.objects.get(reference=payment.provider_reference).amount_refunded_minor == 5_000
    audit = AuditEvent.objects.get(verb="payments.refund.requested", target_id=str(payment.pk))
    assert audit.actor == demo.business_assistant and audit.data["reason"] == "Part of the topic list dropped"
    assert AuditEvent.objects.filter(verb="payments.refund.succeeded", target_id=str(payment.pk)).count() == 1
    # More than what is left is refused.
    staff.post(f"/payments/{payment.pk}/refund/", {"amount": "999.00", "reason": "too much"})
    payment.refresh_from_db()
    assert payment.refunded_minor == 5_000
    # A refund needs a reason.
    staff.post(f"/payments/{payment.pk}/refund/", {"amount": "1.00", "reason": ""})
    payment.refresh_from_db()
    assert payment.refunded_minor == 5_000
