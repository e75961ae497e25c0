"""Each transition of a service order: allowed, wrong state, wrong user (STYLE §13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from office.exceptions import DomainError, InvalidTransition
from office.models import AuditEvent, Notification
from payments.actions import payment_notify_purpose, refund_automatically
from payments.models import Payment, Refund
from payments.receipts import WQY_PATH
from services import actions, selectors
from services.models import Offering, OrderFile, ServiceOrder
from tests.factories import retell_purpose
from tests.services.factories import order_in, pay, pdf_upload

pytestmark = pytest.mark.django_db
Status = ServiceOrder.Status


def _audited(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


# --- create -------------------------------------------------------------------------------------


def test_create_quoted_offering_starts_requested_and_tells_the_head(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_in(demo, "requested")
    assert order.number.startswith("SO") and order.department.code == "topic"
    assert Notification.objects.filter(recipient=demo.head_infodev, verb="services.order.requested").exists()
    assert _audited("services.order.requested") >= 1


def test_create_fixed_price_offering_is_quoted_at_list_price(demo):
    order = order_in(demo, "quoted", code="consultation", channel="email")
    assert order.quoted_amount_minor == Offering.objects.get(code="consultation").price_minor


def test_create_refuses_staff_and_unconfirmed_clients(demo):
    offering = Offering.objects.get(code="novelty-search")
    with pytest.raises(PermissionDenied):
        actions.order_create(actor=demo.staff_infodev, offering_id=offering.pk, topic="x", delivery_channel="email")
    account = demo.client_b.client_account
    account.email_confirmed = False
    account.save()
    with pytest.raises(PermissionDenied):
        actions.order_create(actor=demo.client_b, offering_id=offering.pk, topic="x", delivery_channel="email")


def test_create_refuses_a_channel_the_offering_lacks_and_writes_nothing(demo):
    offering = Offering.objects.get(code="novelty-search")
    before = ServiceOrder.objects.count()
    with pytest.raises(DomainError):
        actions.order_create(actor=demo.client_a, offering_id=offering.pk, topic="x", delivery_channel="fax")
    assert ServiceOrder.objects.count() == before


def test_create_with_a_bad_attachment_writes_nothing(demo):
    offering = Offering.objects.get(code="novelty-search")
    before = ServiceOrder.objects.count()
    with pytest.raises(DomainError):
        actions.order_create(
            actor=demo.client_a,
            offering_id=offering.pk,
            topic="x",
            delivery_channel="email",
            attachments=[pdf_upload("evil.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert ServiceOrder.objects.count() == before


# --- quote / accept / decline / cancel -------------------------------------------------------------


def test_quote_moves_requested_to_quoted_and_tells_the_client(demo):
    order = order_in(demo, "requested")
    actions.order_quote(order_id=order.pk, actor=demo.staff_infodev, amount_minor=50_000, due_date=timezone.localdate())
    order.refresh_from_db()
    assert order.status == Status.QUOTED and order.quoted_amount_minor == 50_000
    assert Notification.objects.filter(recipient=demo.client_a, verb="services.order.quoted").exists()


@pytest.mark.parametrize("who", ["client_a", "staff_east", "staff_custsvc"])
def test_quote_refuses_clients_other_offices_and_other_departments(demo, who):
    order = order_in(demo, "requested")
    with pytest.raises(PermissionDenied):
        actions.order_quote(order_id=order.pk, actor=demo.users[who], amount_minor=1, due_date=timezone.localdate())


def test_quote_refuses_wrong_state_and_bad_amounts(demo):
    order = order_in(demo, "accepted")
    with pytest.raises(InvalidTransition):
        actions.order_quote(order_id=order.pk, actor=demo.head_infodev, amount_minor=1, due_date=timezone.localdate())
    fresh = order_in(demo, "requested")
    with pytest.raises(DomainError):
        actions.order_quote(order_id=fresh.pk, actor=demo.head_infodev, amount_minor=0, due_date=timezone.localdate())
    with pytest.raises(DomainError):
        actions.order_quote(
            order_id=fresh.pk,
            actor=demo.head_infodev,
            amount_minor=100,
            due_date=timezone.localdate() - timedelta(days=1),
        )


def test_accept_and_decline(demo):
    order = order_in(demo, "quoted")
    with pytest.raises(PermissionDenied):
        actions.order_accept(order_id=order.pk, actor=demo.client_b)
    with pytest.raises(PermissionDenied):
        actions.order_accept(order_id=order.pk, actor=demo.head_infodev)
    actions.order_decline(order_id=order.pk, actor=demo.client_a, reason="Too expensive")
    order.refresh_from_db()
    assert order.status == Status.DECLINED
    with pytest.raises(InvalidTransition):
        actions.order_accept(order_id=order.pk, actor=demo.client_a)
    actions.order_quote(order_id=order.pk, actor=demo.head_infodev, amount_minor=60_000, due_date=timezone.localdate())
    actions.order_accept(order_id=order.pk, actor=demo.client_a)
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED and order.accepted_at


def test_cancel_by_client_before_payment_cancels_the_open_payment(demo):
    order = order_in(demo, "accepted")
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.order_cancel(order_id=order.pk, actor=demo.client_b)
    with pytest.raises(PermissionDenied):
        actions.order_cancel(order_id=order.pk, actor=demo.staff_infodev)
    actions.order_cancel(order_id=order.pk, actor=demo.client_a, reason="Changed plans")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Status.CANCELLED and payment.status == Payment.Status.CANCELLED


def test_cancel_of_a_paid_order_refunds_it_automatically_once(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "assigned", amount=66_600)
    with pytest.raises(PermissionDenied):
        actions.order_cancel(order_id=order.pk, actor=demo.client_b)
    with django_capture_on_commit_callbacks(execute=True):  # the provider is called after commit
        actions.order_cancel(order_id=order.pk, actor=demo.client_a, reason="Found it elsewhere")
    order.refresh_from_db()
    payment = Payment.objects.get(pk=order.payment_id)
    assert order.status == Status.REFUNDED and order.closed_reason == "Found it elsewhere"
    refund = Refund.objects.get(payment=payment)
    assert refund.amount_minor == 66_600 and refund.status == Refund.Status.SUCCEEDED
    assert refund.requested_by == demo.client_a and "Found it elsewhere" in refund.reason_text
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_minor == 66_600
    assert AuditEvent.objects.filter(verb="payments.refund.requested", data__automatic=True).count() == 1
    # Idempotent: the order is closed, and asking again refunds nothing more.
    with pytest.raises(InvalidTransition):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert refund_automatically(payment_id=payment.pk, requested_by=None, reason="again") is None
    assert Refund.objects.filter(payment=payment).count() == 1
    # The payments app tells the purpose again: the order stays refunded, no second transition.
    with django_capture_on_commit_callbacks(execute=True):
        retell_purpose(payment)
    assert _audited("services.order.refunded") == 0
    assert Refund.objects.filter(payment=payment).count() == 1


def test_only_the_head_cancels_work_in_progress_and_nobody_a_delivered_order(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "in_progress")
    with pytest.raises(InvalidTransition):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.order_cancel(order_id=order.pk, actor=demo.staff_infodev)
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_cancel(order_id=order.pk, actor=demo.head_infodev, reason="No sources")
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.REFUNDED
    assert Notification.objects.filter(recipient=demo.client_a, verb="services.order.cancelled").exists()
    delivered = order_in(demo, "delivered")
    for who in ("client_a", "head_infodev"):
        with pytest.raises(InvalidTransition):
            actions.order_cancel(order_id=delivered.pk, actor=demo.users[who])
    assert not Refund.objects.filter(payment_id=delivered.payment_id).exists()


def test_cancel_and_refund_are_atomic(demo, monkeypatch):
    order = order_in(demo, "paid")

    def broken(**kwargs):
        raise RuntimeError("refund row could not be written")

    monkeypatch.setattr("services.actions.orders.refund_automatically", broken)
    with pytest.raises(RuntimeError):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    order.refresh_from_db()
    assert order.status == Status.PAID and not Refund.objects.exists()


def test_refund_stays_pending_when_the_provider_is_down_and_the_sweep_retries(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    from payments import actions as payment_actions
    from payments.gateways.base import GatewayUnavailable
    from payments.gateways.simulated import SimulatedGateway

    order = order_in(demo, "paid")
    real_refund = SimulatedGateway.refund

    def down(self, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SimulatedGateway, "refund", down)
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    refund = Refund.objects.get(payment_id=order.payment_id)
    assert refund.status == Refund.Status.PENDING
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    monkeypatch.setattr(SimulatedGateway, "refund", real_refund)
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_reconcile(older_than_seconds=-1)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.REFUNDED


def test_a_refused_automatic_refund_is_left_to_finance(demo, monkeypatch, django_capture_on_commit_callbacks):
    from payments.gateways.base import ChargeResult
    from payments.gateways.simulated import SimulatedGateway

    order = order_in(demo, "paid")
    monkeypatch.setattr(SimulatedGateway, "refund", lambda self, **kw: ChargeResult(ok=False, error="Card closed"))
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    assert Refund.objects.get(payment_id=order.payment_id).status == Refund.Status.FAILED
    assert Notification.objects.filter(recipient=demo.director, verb="payments.refund_failed").exists()
    assert not Notification.objects.filter(recipient=demo.client_a, verb="payments.refund_failed").exists()


def test_a_refusal_on_the_sweep_s_retry_is_left_to_finance_too(demo, monkeypatch, django_capture_on_commit_callbacks):
    from payments import actions as payment_actions
    from payments.gateways.base import ChargeResult, GatewayUnavailable
    from payments.gateways.simulated import SimulatedGateway

    order = order_in(demo, "paid")

    def down(self, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SimulatedGateway, "refund", down)
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    assert not Notification.objects.filter(verb="payments.refund_failed").exists()
    monkeypatch.setattr(SimulatedGateway, "refund", lambda self, **kw: ChargeResult(ok=False, error="Card closed"))
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_reconcile(older_than_seconds=-1)
    assert Refund.objects.get(payment_id=order.payment_id).status == Refund.Status.FAILED
    assert Notification.objects.filter(recipient=demo.director, verb="payments.refund_failed").count() == 1


def test_finance_s_own_refused_refund_sends_no_alert(demo, monkeypatch, django_capture_on_commit_callbacks):
    from payments import actions as payment_actions
    from payments.gateways.base import ChargeResult
    from payments.gateways.simulated import SimulatedGateway

    order = order_in(demo, "paid")
    monkeypatch.setattr(SimulatedGateway, "refund", lambda self, **kw: ChargeResult(ok=False, error="Card closed"))
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_refund(payment_id=order.payment_id, actor=demo.director, reason="Goodwill")
    assert Refund.objects.get(payment_id=order.payment_id).status == Refund.Status.FAILED
    assert not Notification.objects.filter(verb="payments.refund_failed").exists()


# --- payment ----------------------------------------------------------------------------------------


def test_pay_uses_the_quoted_amount_and_the_handler_marks_paid_once(demo):
    order = order_in(demo, "accepted", amount=77_700)
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    assert payment.amount_minor == 77_700 and payment.purpose_type == "services.order"
    assert actions.order_pay(order_id=order.pk, actor=demo.client_a).pk == payment.pk  # double click
    pay(payment)
    order.refresh_from_db()
    assert order.status == Status.PAID and order.paid_at and order.payment_id == payment.pk
    paid_at = order.paid_at
    retell_purpose(payment)  # a redelivered success: nothing changes
    retell_purpose(payment)
    order.refresh_from_db()
    assert order.paid_at == paid_at
    assert _audited("services.order.paid") == 1


def test_handler_refuses_a_payment_whose_amount_is_not_the_quote(demo):
    order = order_in(demo, "accepted", amount=80_000)
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    Payment.objects.filter(pk=payment.pk).update(amount_minor=1, status=Payment.Status.SUCCEEDED)
    payment_notify_purpose(payment_id=payment.pk)
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED and order.paid_at is None
    assert _audited("payments.payable.payment_mismatched") == 1


def test_pay_refuses_other_clients_staff_and_wrong_state(demo):
    order = order_in(demo, "quoted")
    with pytest.raises(InvalidTransition):
        actions.order_pay(order_id=order.pk, actor=demo.client_a)
    actions.order_accept(order_id=order.pk, actor=demo.client_a)
    for who in ("client_b", "head_infodev"):
        with pytest.raises(PermissionDenied):
            actions.order_pay(order_id=order.pk, actor=demo.users[who])
    assert not Payment.objects.filter(purpose_type="services.order", purpose_id=str(order.pk)).exists()


def test_refund_by_finance_moves_a_paid_order_to_refunded(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "assigned")
    with pytest.raises(PermissionDenied):
        actions.order_refund(order_id=order.pk, actor=demo.head_infodev, reason="x")
    with pytest.raises(PermissionDenied):
        actions.order_refund(order_id=order.pk, actor=demo.client_a, reason="x")
    with django_capture_on_commit_callbacks(execute=True):  # the purpose is told after commit
        actions.order_refund(order_id=order.pk, actor=demo.director, reason="Client withdrew")
    order.refresh_from_db()
    assert order.status == Status.REFUNDED
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.REFUNDED


def test_refund_refuses_a_delivered_order(demo):
    order = order_in(demo, "delivered")
    with pytest.raises(InvalidTransition):
        actions.order_refund(order_id=order.pk, actor=demo.director, reason="x")


# --- assignment and work ----------------------------------------------------------------------------


def test_assign_by_head_and_automatically_to_the_least_loaded(demo):
    order = order_in(demo, "paid")
    with pytest.raises(PermissionDenied):
        actions.order_assign(order_id=order.pk, actor=demo.staff_infodev)
    with pytest.raises(PermissionDenied):
        actions.order_assign(order_id=order.pk, actor=demo.head_custsvc)
    actions.order_assign(order_id=order.pk, actor=demo.head_infodev)
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED
    first = order.assignee
    other = order_in(demo, "paid")
    actions.order_assign(order_id=other.pk, actor=demo.head_infodev)
    other.refresh_from_db()
    if selectors.assignable_staff(other).filter(position__role="staff").count() > 1:
        assert other.assignee != first  # the first one has one open order now


def test_assign_refuses_outsiders_and_wrong_state(demo):
    order = order_in(demo, "accepted")
    with pytest.raises(InvalidTransition):
        actions.order_assign(order_id=order.pk, actor=demo.head_infodev)
    paid = order_in(demo, "paid")
    with pytest.raises(DomainError):
        actions.order_assign(order_id=paid.pk, actor=demo.head_infodev, assignee_id=demo.staff_east.pk)


def test_start_only_by_the_assignee(demo):
    order = order_in(demo, "assigned")
    with pytest.raises(PermissionDenied):
        actions.order_start(order_id=order.pk, actor=demo.head_infodev)
    actions.order_start(order_id=order.pk, actor=demo.staff_infodev)
    with pytest.raises(InvalidTransition):
        actions.order_start(order_id=order.pk, actor=demo.staff_infodev)


def test_messages_and_work_log(demo):
    order = order_in(demo, "in_progress")
    actions.order_message_post(order_id=order.pk, actor=demo.client_a, body="Any news?")
    assert Notification.objects.filter(recipient=demo.staff_infodev, verb="services.order.message_posted").exists()
    log = actions.order_message_post(
        order_id=order.pk, actor=demo.staff_infodev, body="Searched CNKI", minutes_spent=90
    )
    assert log.internal and log.minutes_spent == 90
    with pytest.raises(PermissionDenied):
        actions.order_message_post(order_id=order.pk, actor=demo.client_a, body="x", internal=True)
    with pytest.raises(PermissionDenied):
        actions.order_message_post(order_id=order.pk, actor=demo.client_b, body="x")
    with pytest.raises(DomainError):
        actions.order_message_post(order_id=order.pk, actor=demo.client_a, body="   ")


# --- delivery ---------------------------------------------------------------------------------------


def test_deliver_by_email_sends_the_attachment_once(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "in_progress")
    item = actions.order_file_add(
        order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload("报告.pdf"), kind=OrderFile.Kind.DELIVERABLE
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.order_deliver(
            order_id=order.pk, actor=demo.staff_infodev, channel="email", file_ids=[item.pk]
        )
    sent = [m for m in mail.outbox if m.to == ["client.a@example.com"] and m.attachments]
    assert len(sent) == 1 and sent[0].attachments[0][0] == "报告.pdf"
    assert actions.delivery_send(delivery_id=delivery.pk) is False  # idempotent
    order.refresh_from_db()
    assert order.status == Status.DELIVERED


def test_deliver_by_fax_goes_to_the_gateway(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "in_progress")
    item = actions.order_file_add(order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind="deliverable")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = actions.order_deliver(
            order_id=order.pk,
            actor=demo.staff_infodev,
            channel="fax",
            file_ids=[item.pk],
            fax_number="+86 20 8888-1002",
        )
    assert delivery.recipient == "862088881002@fax-gateway.example"
    assert [m.to for m in mail.outbox if m.attachments] == [["862088881002@fax-gateway.example"]]


def test_deliver_by_post_needs_address_and_tracking(demo):
    order = order_in(demo, "in_progress")
    with pytest.raises(DomainError):
        actions.order_deliver(order_id=order.pk, actor=demo.staff_infodev, channel="post", file_ids=[])
    delivery = actions.order_deliver(
        order_id=order.pk, actor=demo.staff_infodev, channel="post", file_ids=[], tracking_number="EMS123456789CN"
    )
    assert delivery.postal_address and delivery.tracking_number == "EMS123456789CN"


def test_deliver_refuses_wrong_state_wrong_user_and_foreign_files(demo):
    order = order_in(demo, "assigned")
    with pytest.raises(InvalidTransition):
        actions.order_deliver(order_id=order.pk, actor=demo.staff_infodev, channel="post", file_ids=[])
    order = order_in(demo, "in_progress")
    with pytest.raises(PermissionDenied):
        actions.order_deliver(order_id=order.pk, actor=demo.client_a, channel="post", file_ids=[])
    other = order_in(demo, "in_progress")
    foreign = actions.order_file_add(
        order_id=other.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind="deliverable"
    )
    with pytest.raises(DomainError):
        actions.order_deliver(order_id=order.pk, actor=demo.staff_infodev, channel="download", file_ids=[foreign.pk])


def test_confirm_and_rate(demo):
    order = order_in(demo, "delivered")
    with pytest.raises(PermissionDenied):
        actions.order_confirm(order_id=order.pk, actor=demo.client_b, rating=5)
    with pytest.raises(DomainError):
        actions.order_confirm(order_id=order.pk, actor=demo.client_a, rating=6)
    actions.order_confirm(order_id=order.pk, actor=demo.client_a, rating=4, comment="Good")
    order.refresh_from_db()
    assert order.status == Status.COMPLETED and order.rating == 4
    with pytest.raises(InvalidTransition):
        actions.order_confirm(order_id=order.pk, actor=demo.client_a, rating=4)


# --- formal report -------------------------------------------------------------------------------------


def test_report_is_numbered_signed_off_and_a_pdf(demo):
    order = order_in(demo, "in_progress", topic="R&D <script>alert(1)</script> 石墨烯")
    with pytest.raises(DomainError):  # the author cannot review their own report
        actions.report_issue(
            order_id=order.pk, actor=demo.staff_infodev, reviewer_id=demo.staff_infodev.pk, findings="a", conclusion="b"
        )
    report = actions.report_issue(
        order_id=order.pk,
        actor=demo.staff_infodev,
        reviewer_id=demo.head_infodev.pk,
        findings="No identical prior art found <b>& co</b>.",
        conclusion="新颖 — novel.",
    )
    assert report.number.startswith("CX-") and report.file.kind == OrderFile.Kind.REPORT
    with report.file.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    # The CJK font is embedded (a TrueType subset) when WenQuanYi is installed, else STSong-Light.
    assert b"/FontFile2" in data if WQY_PATH.exists() else b"STSong-Light" in data
    second = order_in(demo, "in_progress")
    other = actions.report_issue(
        order_id=second.pk, actor=demo.staff_infodev, reviewer_id=demo.head_infodev.pk, findings="a", conclusion="b"
    )
    assert int(other.number[-4:]) == int(report.number[-4:]) + 1
    with pytest.raises(DomainError):
        actions.report_issue(
            order_id=order.pk, actor=demo.staff_infodev, reviewer_id=demo.head_infodev.pk, findings="a", conclusion="b"
        )


def test_payment_after_cancellation_is_refunded_automatically_not_accepted(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "accepted")
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    # The provider's success arrives after the order was closed (simulated race).
    ServiceOrder.objects.filter(pk=order.pk).update(status=Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        pay(payment)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Status.CANCELLED and order.paid_at is None
    assert _audited("payments.payable.paid_when_closed") == 1
    assert payment.status == Payment.Status.REFUNDED
    assert Refund.objects.get(payment=payment).requested_by is None
    # A redelivered success changes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        retell_purpose(payment)
    assert Refund.objects.filter(payment=payment).count() == 1


def test_a_second_payment_for_a_paid_order_is_refunded(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "paid")
    first = Payment.objects.get(pk=order.payment_id)
    # A second payment for the same order succeeds: an earlier attempt that was closed, paid
    # late at the provider (the payments app records it, `paid_after_close_at`).
    second = Payment.objects.create(
        purpose_type="services.order",
        purpose_id=str(order.pk),
        amount_minor=first.amount_minor,
        currency=first.currency,
        description=first.description,
        payer_user=demo.client_a,
        payee_organization=first.payee_organization,
        provider=first.provider,
        payee_name=first.payee_name,
        attempt=first.attempt + 1,
        idempotency_key="second-attempt",
        paid_after_close_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay(second)
    second.refresh_from_db()
    order.refresh_from_db()
    assert order.payment_id == first.pk and order.status == Status.PAID
    assert second.status == Payment.Status.REFUNDED
    assert not Refund.objects.filter(payment=first).exists()


def test_cancel_refuses_while_the_payment_is_processing(demo):
    order = order_in(demo, "accepted")
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.PROCESSING)
    with pytest.raises(DomainError):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_auto_assignment_on_payment_when_configured(demo, settings):
    settings.SERVICES_AUTO_ASSIGN_ON_PAYMENT = True
    order = order_in(demo, "accepted")
    pay(actions.order_pay(order_id=order.pk, actor=demo.client_a))
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.assignee is not None
    assert AuditEvent.objects.filter(verb="services.order.assigned", data__automatic=True).exists()


def test_a_heads_cancellation_of_an_unpaid_order_is_audited_as_the_head(demo, django_capture_on_commit_callbacks):
    """The order's open payment is cancelled because the head closed the order: the payments
    app audits the head, not the client who started paying."""
    order = order_in(demo, "accepted")
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_cancel(order_id=order.pk, actor=demo.head_infodev, reason="Out of scope")
    payment.refresh_from_db()
    order.refresh_from_db()
    assert order.status == Status.CANCELLED and payment.status == Payment.Status.CANCELLED
    event = AuditEvent.objects.get(verb="payments.payment.cancel_requested", target_id=str(payment.pk))
    assert event.actor == demo.head_infodev
    assert event.data["purpose_closed"] is True
