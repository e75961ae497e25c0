"""Stripe Connect parameters (localstripe has no Connect: the SDK's outgoing requests are
captured instead) and real webhook deliveries from localstripe to a live test server."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

import pytest
import stripe

from office.models import Organization
from payments import actions
from payments.gateways.base import Connect
from payments.gateways.stripe import StripeGateway
from payments.models import Payment, WebhookEvent
from tests.payments.conftest import WEBHOOK_SECRET, new_payment


class CapturingClient(stripe.HTTPClient):
    """Records what the SDK sends and answers like Stripe would."""

    name = "capturing"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict] = []

    def request(self, method, url, headers, post_data=None):
        params = urllib.parse.parse_qs(post_data.decode() if isinstance(post_data, bytes) else post_data or "")
        self.calls.append({"method": method, "url": url, "headers": dict(headers), "params": params})
        body = {
            "id": "pi_connect_1",
            "object": "payment_intent",
            "amount": int(params.get("amount", ["0"])[0]),
            "currency": params.get("currency", ["cny"])[0],
            "status": "requires_payment_method",
            "client_secret": "pi_connect_1_secret_x",
            "metadata": {},
        }
        return json.dumps(body), 200, {"Request-Id": "req_1"}

    def close(self):
        pass


@pytest.fixture
def stripe_settings(settings):
    settings.PAYMENTS_BACKEND = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"


def test_destination_charge_sends_transfer_data_and_fee(stripe_settings):
    http = CapturingClient()
    result = StripeGateway(http_client=http).create_intent(
        amount_minor=10_000,
        currency="CNY",
        idempotency_key="payment-x-1-1-abcd",
        metadata={"payment_id": "1"},
        connect=Connect(account="acct_east", mode="destination", application_fee_minor=300),
    )
    assert result.ok and result.reference == "pi_connect_1"
    call = http.calls[0]
    assert call["url"].endswith("/v1/payment_intents")
    assert call["params"]["transfer_data[destination]"] == ["acct_east"]
    assert call["params"]["application_fee_amount"] == ["300"]
    assert call["params"]["payment_method_types[0]"] == ["card"]
    assert call["params"]["amount"] == ["10000"] and call["params"]["currency"] == ["cny"]
    assert call["headers"]["Idempotency-Key"] == "payment-x-1-1-abcd"
    assert "Stripe-Account" not in call["headers"]


def test_direct_charge_runs_on_the_connected_account(stripe_settings):
    http = CapturingClient()
    gateway = StripeGateway(http_client=http)
    connect = Connect(account="acct_riverside", mode="direct", application_fee_minor=150)
    gateway.create_intent(amount_minor=5_000, currency="CNY", idempotency_key="k-direct", metadata={}, connect=connect)
    gateway.refund(reference="pi_connect_1", amount_minor=100, idempotency_key="k-direct-refund-1", connect=connect)
    create, refund = http.calls
    assert create["headers"]["Stripe-Account"] == "acct_riverside"
    assert create["params"]["application_fee_amount"] == ["150"]
    assert "transfer_data[destination]" not in create["params"]
    assert refund["headers"]["Stripe-Account"] == "acct_riverside"
    assert refund["headers"]["Idempotency-Key"] == "k-direct-refund-1"


@pytest.mark.django_db
def test_payee_with_a_connected_account_gets_a_connect_charge(stripe_settings, demo, test_purpose, monkeypatch):
    east = Organization.objects.get(code="east")
    east.stripe_account_id = "acct_east"
    east.save()
    http = CapturingClient()
    monkeypatch.setattr("payments.actions.create.gateway_for", lambda name: StripeGateway(http_client=http))
    payment = new_payment(demo.staff_infodev, payee_organization=east, application_fee_minor=200)
    assert (payment.payee_stripe_account, payment.connect_mode) == ("acct_east", "destination")
    actions.payment_ensure_intent(payment_id=payment.pk)
    params = http.calls[0]["params"]
    assert params["transfer_data[destination]"] == ["acct_east"]
    assert params["application_fee_amount"] == ["200"]
    assert params["metadata[payment_id]"] == [str(payment.pk)]
    assert http.calls[0]["headers"]["Idempotency-Key"] == payment.idempotency_key


@pytest.mark.django_db(transaction=True)
def test_localstripe_delivers_signed_webhooks_that_we_verify(localstripe, live_server, test_purpose):
    """localstripe signs its payment_intent.* deliveries with Stripe's scheme; a live test
    server receives them on /payments/stripe/webhook/ and settles the payment."""
    from django.contrib.auth import get_user_model

    from tests.factories import OrganizationFactory

    OrganizationFactory(code="home", is_home=True)
    payer = get_user_model().objects.create_user("payer_live", password="x-Good-password-42")
    data = urllib.parse.urlencode(
        {"url": f"{live_server.url}/payments/stripe/webhook/", "secret": WEBHOOK_SECRET}
    ).encode()
    urllib.request.urlopen(  # noqa: S310 (loopback)
        urllib.request.Request(f"{localstripe}/_config/webhooks/payments-test", data=data, method="POST"), timeout=5
    )
    payment = new_payment(payer)
    actions.payment_ensure_intent(payment_id=payment.pk, payment_method="pm_card_visa")
    # Confirm straight at the provider, as Stripe.js would: our server learns only by webhook.
    stripe.StripeClient("sk_test_123", base_addresses={"api": localstripe}).v1.payment_intents.confirm(
        Payment.objects.get(pk=payment.pk).provider_reference
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        payment.refresh_from_db()
        if payment.notified_status == Payment.Status.SUCCEEDED:  # handler ran after commit
            break
        time.sleep(0.2)
    assert payment.status == Payment.Status.SUCCEEDED
    event = WebhookEvent.objects.get(provider="stripe", type="payment_intent.succeeded")
    assert event.payment_id == payment.pk and event.outcome == WebhookEvent.Outcome.APPLIED
    assert test_purpose.succeeded == [payment.pk]
