"""The payer hears (in-app, and by e-mail after commit) when a payment succeeds, fails or is
refunded: exactly once per outcome, however often the provider repeats itself."""

from __future__ import annotations

import json

import pytest

from office.models import Notification
from payments import actions, webhooks
from payments.gateways.simulated import SimulatedGateway, charge_payload, intent_payload, sign
from payments.models import Payment, SimulatedIntent
from tests.payments.conftest import new_payment

pytestmark = pytest.mark.django_db


def _notices(payment: Payment, verb: str | None = None):
    """Notifications about this payment (the demo's own paid payment has its notice too)."""
    qs = Notification.objects.filter(
        recipient_id=payment.payer_user_id, verb__startswith="payments.payment.", url=f"/payments/{payment.pk}/"
    )
    return qs.filter(verb=verb) if verb else qs


def _started(payer) -> Payment:
    payment = new_payment(payer, amount=12_345, description="Novelty search 查新")
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    return payment


def _redeliver(event_type: str, obj: dict, settings, *, event_id: str | None = None) -> str:
    """What the provider sends again: the very same event (same id), or the same news under a
    new id (Stripe sends both kinds of repeats)."""
    from tests.payments.conftest import make_event

    event = make_event(event_type, obj)
    if event_id:
        event["id"] = event_id
    body = json.dumps(event).encode()
    return webhooks.receive(
        provider="simulated", payload=body, signature_header=sign(body, settings.SIMULATED_WEBHOOK_SECRET)
    )[1]


def test_success_is_notified_once_in_app_and_by_email(
    demo, test_purpose, settings, mailoutbox, django_capture_on_commit_callbacks
):
    payment = _started(demo.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED

    notice = _notices(payment).get()
    assert notice.verb == "payments.payment.succeeded"
    assert notice.url == f"/payments/{payment.pk}/"
    assert "¥123.45" in notice.title_text and "查新" in notice.title_text
    assert payment.receipt_number in notice.body_text
    assert notice.emailed_at is not None
    assert [m.to for m in mailoutbox] == [[demo.client_a.email]]
    assert mailoutbox[0].subject == notice.title_text

    # The same event again, the same news under a new event id, a redelivered task and the
    # sweep's catch-up: nobody is told twice.
    intent = SimulatedIntent.objects.get(reference=payment.provider_reference)
    webhook_event = payment.webhook_events.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _redeliver("payment_intent.succeeded", intent_payload(intent), settings, event_id=webhook_event.event_id)
            == "duplicate"
        )
        _redeliver("payment_intent.succeeded", intent_payload(intent), settings)
        actions.payment_notify_purpose(payment_id=payment.pk)
        actions.payment_reconcile(older_than_seconds=0)
    assert _notices(payment).count() == 1
    assert len(mailoutbox) == 1


def test_failure_is_notified_with_the_reason_then_success_after_retry(
    demo, test_purpose, settings, mailoutbox, django_capture_on_commit_callbacks
):
    payment = _started(demo.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4000000000000341")
    failed = _notices(payment, "payments.payment.failed").get()
    assert "Your card was declined." in failed.body_text and "try again" in failed.body
    intent = SimulatedIntent.objects.get(reference=payment.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        _redeliver("payment_intent.payment_failed", intent_payload(intent), settings)
        actions.payment_notify_purpose(payment_id=payment.pk)
    assert _notices(payment, "payments.payment.failed").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    assert list(_notices(payment).order_by("pk").values_list("verb", flat=True)) == [
        "payments.payment.failed",
        "payments.payment.succeeded",
    ]
    assert len(mailoutbox) == 2


def test_refunds_are_notified_once_each(demo, test_purpose, settings, django_capture_on_commit_callbacks):
    payment = _started(demo.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="Part dropped", amount_minor=2_345)
    refunds = _notices(payment, "payments.payment.refunded")
    assert refunds.count() == 1
    assert "¥23.45" in refunds.get().title_text
    # The provider's charge.refunded for the same refund arrives (twice): no new notice.
    intent = SimulatedIntent.objects.get(reference=payment.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        _redeliver("charge.refunded", charge_payload(intent), settings)
        _redeliver("charge.refunded", charge_payload(intent), settings)
    assert refunds.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="All of it")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert refunds.count() == 2
    last = refunds.order_by("-pk").first()
    assert "¥100.00" in last.title_text and "¥123.45" in last.body_text
    assert _notices(payment, "payments.payment.succeeded").count() == 1


def test_email_leaves_only_after_commit_and_not_if_rolled_back(
    demo, test_purpose, mailoutbox, django_capture_on_commit_callbacks
):
    payment = _started(demo.client_a)
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")  # event lost
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.payment_sync(payment_id=payment.pk)  # reconciliation finds it paid
    assert _notices(payment).count() == 0  # the notify task runs after commit
    with django_capture_on_commit_callbacks(execute=False) as email_callbacks:
        for callback in callbacks:
            callback()
    assert _notices(payment).count() == 1
    assert mailoutbox == []  # the e-mail copy waits for the commit
    for callback in email_callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_a_failing_purpose_handler_rolls_the_notice_back_and_the_sweep_sends_it_once(
    demo, test_purpose, mailoutbox, django_capture_on_commit_callbacks
):
    import dataclasses

    from payments import payables
    from tests.payments.conftest import TEST_PURPOSE

    broken = {"fail": True}

    def on_paid(target, payment):
        if broken["fail"]:
            raise RuntimeError("purpose app is down")

    payables.register_payable(dataclasses.replace(payables.get(TEST_PURPOSE), on_paid=on_paid))
    payment = _started(demo.client_a)
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    actions.payment_sync(payment_id=payment.pk)
    with pytest.raises(RuntimeError):
        actions.payment_notify_purpose(payment_id=payment.pk)
    assert _notices(payment).count() == 0
    broken["fail"] = False
    with django_capture_on_commit_callbacks(execute=True):
        actions.payment_reconcile(older_than_seconds=0)
        actions.payment_reconcile(older_than_seconds=0)
    assert _notices(payment).count() == 1 and len(mailoutbox) == 1


def test_payments_without_a_paying_user_notify_nobody(demo, test_purpose, django_capture_on_commit_callbacks):
    payment = _started(None)
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert not Notification.objects.filter(url=f"/payments/{payment.pk}/").exists()
