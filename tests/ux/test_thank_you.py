"""Issue 20: after paying, a client lands on what was bought, not on a payment record — a store
order's page (and a delivery request's, a subscription's, a training's) with the payments'
thank-you notice; staff paying a vendor or a fee keep the payment page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketing.store import actions as store_actions
from payments import views as payment_views
from payments.models import Payment
from tests.store.factories import placed_order

pytestmark = pytest.mark.django_db
CARD = {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123"}


def _store_checkout(demo):
    order = placed_order(demo.client_a, seats=1)
    payment = store_actions.order_pay(order_id=order.pk, actor=demo.client_a)
    client = demo.client("client_a")
    client.get(reverse("payments:payment_checkout", args=[payment.pk]))  # creates the provider's intent
    return order, payment, client


def test_paying_a_store_order_lands_on_the_order_with_a_thank_you(demo, django_capture_on_commit_callbacks):
    order, payment, client = _store_checkout(demo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:simulated_pay", args=[payment.pk]), CARD)
    assert response.status_code == 302
    assert response.url == reverse("store:order_detail", args=[order.pk]) + f"?payment={payment.pk}"
    body = client.get(response.url).content.decode()
    assert 'id="paid-notice"' in body
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.receipt_number and payment.receipt_number in body
    assert "Thank you: ¥" in body and 'data-status="succeeded"' in body


def test_the_notice_shows_only_the_viewers_own_payment(demo, django_capture_on_commit_callbacks):
    order, payment, client = _store_checkout(demo)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:simulated_pay", args=[payment.pk]), CARD)
    page = reverse("store:order_detail", args=[order.pk])
    # Somebody else's payment number, an unknown one or garbage: no notice.
    other = demo.client("client_b")
    assert 'id="paid-notice"' not in other.get(reverse("office:home") + f"?payment={payment.pk}").content.decode()
    assert 'id="paid-notice"' not in client.get(page + "?payment=999999").content.decode()
    assert 'id="paid-notice"' not in client.get(page + "?payment=x1").content.decode()
    assert 'id="paid-notice"' not in client.get(page).content.decode()


def test_a_failed_payment_gets_no_thank_you(demo):
    order, payment, client = _store_checkout(demo)
    page = reverse("store:order_detail", args=[order.pk]) + f"?payment={payment.pk}"
    # Started but not answered yet: the notice says it is being confirmed, with the polling status box.
    body = client.get(page).content.decode()
    assert 'id="paid-notice"' in body and "is being confirmed" in body and 'id="payment-status"' in body
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)
    assert 'id="paid-notice"' not in client.get(page).content.decode()


def test_every_payer_page_purpose_is_registered_with_a_page():
    from payments import payables

    for purpose in payment_views.PAYER_PAGE_PURPOSES | payment_views.THANK_YOU_PURPOSES:
        payable = payables.get(purpose)
        assert payable is not None and payable.url is not None, purpose
