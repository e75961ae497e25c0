"""Actions: creation and exactly-once, purpose handlers, reconciliation, receipts."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from office.exceptions import DomainError
from payments import actions, receipts
from payments.gateways.base import ChargeResult, GatewayUnavailable
from payments.gateways.simulated import SimulatedGateway
from payments.models import Payment, Refund, SimulatedIntent
from tests.payments.conftest import TEST_PURPOSE, new_payment

pytestmark = pytest.mark.django_db


def _paid(payer, django_capture_on_commit_callbacks, **kwargs) -> Payment:
    payment = new_payment(payer, **kwargs)
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    payment.refresh_from_db()
    return payment


def test_create_twice_returns_the_same_payment(demo, test_purpose):
    first = new_payment(demo.client_a, purpose_id="order-1")
    second = new_payment(demo.client_a, purpose_id="order-1")
    assert first.pk == second.pk
    assert first.idempotency_key.startswith(f"payment-{TEST_PURPOSE}-order-1-1-")


def test_unknown_purpose_and_bad_amounts_are_refused(demo, test_purpose):
    with pytest.raises(DomainError):
        actions.payment_create(
            purpose_type="nobody.knows", purpose_id=1, amount_minor=100, currency="CNY", description="x"
        )
    for amount in (0, -5):
        with pytest.raises(DomainError):
            new_payment(demo.client_a, amount=amount)


def test_database_refuses_a_second_live_payment_for_a_purpose(demo, test_purpose):
    from django.db import IntegrityError, transaction

    payment = new_payment(demo.client_a, purpose_id="order-db")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            purpose_type=TEST_PURPOSE,
            purpose_id="order-db",
            attempt=2,
            idempotency_key="another",
            amount_minor=1,
            currency="CNY",
            description="x",
            payee_name="x",
            provider="simulated",
        )
    assert payment.pk


def test_handlers_run_once_per_outcome(demo, test_purpose, django_capture_on_commit_callbacks):
    payment = _paid(demo.client_a, django_capture_on_commit_callbacks)
    assert test_purpose.succeeded == [payment.pk]
    for _ in range(3):  # Celery may deliver twice; the sweep may call again
        actions.payment_notify_purpose(payment_id=payment.pk)
    assert test_purpose.succeeded == [payment.pk]
    with django_capture_on_commit_callbacks(execute=True):
        actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="x", amount_minor=345)
    actions.payment_notify_purpose(payment_id=payment.pk)
    assert test_purpose.refunded == [(payment.pk, 345)]


def test_handler_failure_is_retried_by_reconciliation(demo, test_purpose, django_capture_on_commit_callbacks):
    import dataclasses

    from payments import payables

    broken = {"fail": True}

    def on_paid(target, payment):
        if broken["fail"]:
            raise RuntimeError("business app down")
        test_purpose.succeeded.append(payment.pk)

    payables.register_payable(dataclasses.replace(payables.get(TEST_PURPOSE), on_paid=on_paid))
    payment = new_payment(demo.client_a)
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    actions.payment_sync(payment_id=payment.pk)
    with pytest.raises(RuntimeError):
        actions.payment_notify_purpose(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.notified_status == ""  # rolled back with the handler
    broken["fail"] = False
    counts = actions.payment_reconcile(older_than_seconds=0)
    assert counts["notified"] >= 1
    assert test_purpose.succeeded == [payment.pk]


def test_reconcile_settles_payments_whose_webhook_never_came(demo, test_purpose, settings):
    payment = new_payment(demo.client_a)
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")  # event lost
    assert actions.payment_reconcile(older_than_seconds=3600)["synced"] == 0  # not old enough yet
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    from payments.tasks import payment_reconcile_task

    assert payment_reconcile_task.delay().get()["synced"] >= 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_reconciliation_is_scheduled():
    from office.schedules import DEFAULT_SCHEDULES

    assert DEFAULT_SCHEDULES["payment reconciliation"] == ("payments.tasks.payment_reconcile_task", 300)


def test_refund_while_provider_down_is_retried_with_the_same_key(
    demo, test_purpose, monkeypatch, django_capture_on_commit_callbacks
):
    payment = _paid(demo.client_a, django_capture_on_commit_callbacks, amount=9_000)
    keys = []

    def down(self, **kwargs):
        keys.append(kwargs["idempotency_key"])
        raise GatewayUnavailable("connection reset")

    monkeypatch.setattr(SimulatedGateway, "refund", down)
    refund = actions.payment_refund(
        payment_id=payment.pk, actor=demo.director, reason="Wrong amount", amount_minor=1_000
    )
    assert refund.status == Refund.Status.PENDING
    # While pending, the amount is reserved: nobody can refund more than is left.
    with pytest.raises(DomainError):
        actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="again", amount_minor=8_500)
    monkeypatch.undo()
    real_refund = SimulatedGateway.refund

    def up(self, **kwargs):
        keys.append(kwargs["idempotency_key"])
        return real_refund(self, **kwargs)

    monkeypatch.setattr(SimulatedGateway, "refund", up)
    actions.payment_reconcile(older_than_seconds=0)
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment.refunded_minor == 1_000
    assert keys == [refund.idempotency_key, refund.idempotency_key]
    assert SimulatedIntent.objects.get(reference=payment.provider_reference).amount_refunded_minor == 1_000


def test_refund_refused_by_provider_is_recorded_failed(
    demo, test_purpose, monkeypatch, django_capture_on_commit_callbacks
):
    payment = _paid(demo.client_a, django_capture_on_commit_callbacks)
    monkeypatch.setattr(SimulatedGateway, "refund", lambda self, **kw: ChargeResult(ok=False, error="charge disputed"))
    refund = actions.payment_refund(payment_id=payment.pk, actor=demo.business_assistant, reason="x")
    assert (refund.status, refund.error) == (Refund.Status.FAILED, "charge disputed")
    payment.refresh_from_db()
    assert payment.refunded_minor == 0 and payment.status == Payment.Status.SUCCEEDED


def test_refund_permission_and_state(demo, test_purpose, django_capture_on_commit_callbacks):
    unpaid = new_payment(demo.client_a)
    with pytest.raises(DomainError):
        actions.payment_refund(payment_id=unpaid.pk, actor=demo.director, reason="x")
    payment = _paid(demo.client_a, django_capture_on_commit_callbacks)
    for user in (demo.client_a, demo.staff_infodev, demo.head_infodev, demo.admin_assistant, demo.director_east):
        with pytest.raises(PermissionDenied):
            actions.payment_refund(payment_id=payment.pk, actor=user, reason="x")
    with pytest.raises(DomainError):
        actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="  ")


def test_gateway_unavailable_on_create_is_a_retryable_error(demo, test_purpose, monkeypatch):
    def down(self, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SimulatedGateway, "create_intent", down)
    payment = new_payment(demo.client_a)
    response = demo.client("client_a").get(f"/payments/{payment.pk}/checkout/")
    assert response.status_code == 302  # back to the payment page with a message, not a 500
    payment.refresh_from_db()
    assert payment.provider_reference == "" and payment.status == Payment.Status.CREATED
    monkeypatch.undo()
    assert demo.client("client_a").get(f"/payments/{payment.pk}/checkout/").status_code == 200


def test_receipt_numbers_are_sequential(demo, test_purpose, django_capture_on_commit_callbacks):
    numbers = [_paid(demo.client_a, django_capture_on_commit_callbacks).receipt_number for _ in range(3)]
    tails = [int(n.split("-")[1]) for n in numbers]
    assert tails == list(range(tails[0], tails[0] + 3))


def test_receipt_pdf_embeds_a_cjk_font_and_escapes_text(demo, test_purpose, django_capture_on_commit_callbacks):
    payment = _paid(demo.client_a, django_capture_on_commit_callbacks, description="R&D <Lab> 查新报告")
    pdf = receipts.receipt_pdf(payment)
    assert pdf.startswith(b"%PDF")
    if receipts.WQY_PATH.exists():
        assert b"/FontFile2" in pdf  # the TrueType CJK font is embedded (subset)
    if shutil.which("pdftotext"):  # poppler, installed in CI
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert "查新报告" in text and "R&D <Lab>" in text
        assert payment.receipt_number in text


def test_receipt_falls_back_to_stsong_without_the_font_file(
    demo, test_purpose, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(receipts, "_font_name", None)
    assert receipts.cjk_font_name(Path("/nonexistent/font.ttc")) == "STSong-Light"
    payment = _paid(demo.client_a, django_capture_on_commit_callbacks)
    assert b"STSong-Light" in receipts.receipt_pdf(payment)
    monkeypatch.setattr(receipts, "_font_name", None)


def test_seed_demo_hook_is_idempotent(demo):
    from django.core.management import call_command

    from payments.models import PaymentRequest

    before = (PaymentRequest.objects.count(), Payment.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (PaymentRequest.objects.count(), Payment.objects.count()) == before
    assert Payment.objects.filter(payer_user=demo.client_a, status=Payment.Status.SUCCEEDED).exists()
