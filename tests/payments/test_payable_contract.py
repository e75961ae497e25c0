"""The payable contract: every registered purpose goes through the same cases, so a new
purpose is covered the day it is declared (a purpose without a builder here fails).

For each purpose: a success is applied once; a second successful payment is refunded
automatically; a success after the target was closed is refunded automatically; a success
for another amount is refused and finance staff are told; replayed and out-of-order
provider events change nothing. Payments go through the simulated provider for real
(intent, card, signed event, purpose told after commit); refunds reach the provider after
commit."""

from __future__ import annotations

import dataclasses
import datetime
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cataloging import actions as cataloging_actions
from cataloging.models import Statement
from office.models import AuditEvent, Notification, Organization
from payments import actions, payables
from payments.gateways.simulated import SimulatedGateway
from payments.models import Payment, PaymentRequest, Refund, WebhookEvent
from procurement import actions as procurement_actions
from procurement.consortia import actions as consortia_actions
from procurement.consortia.models import Contract
from procurement.models import PurchaseOrder
from services import actions as services_actions
from services.models import ServiceOrder, Subscription, TrainingRegistration, TrainingSession
from tests.payments.conftest import intent_object, make_event
from tests.payments.contract import Case, app_builders

pytestmark = pytest.mark.django_db


def _service_order(demo: Any) -> Case:
    from tests.services.factories import order_in

    order = order_in(demo, "accepted")
    return Case(
        order.pk,
        lambda: services_actions.order_pay(order_id=order.pk, actor=demo.client_a),
        lambda: ServiceOrder.objects.filter(pk=order.pk).update(status=ServiceOrder.Status.CANCELLED),
    )


def _subscription_period(demo: Any) -> Case:
    from services.models import Offering

    subscription = services_actions.subscription_create(
        actor=demo.client_a,
        offering_id=Offering.objects.get(code="tracking").pk,
        topic="Battery separators",
        search_terms="graphene separator",
    )
    period = subscription.periods.get()
    return Case(
        period.pk,
        lambda: services_actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_a),
        lambda: Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.CANCELLED),
    )


def _training_registration(demo: Any) -> Case:
    start = timezone.now() + datetime.timedelta(days=2)
    session = TrainingSession.objects.create(
        title="Patent searching",
        description="Hands-on",
        department=demo.head_custsvc.staff_profile.department,
        trainer=demo.staff_custsvc,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        location="Room 301",
        capacity=5,
        fee_minor=20_000,
    )
    registration = services_actions.training_register(session_id=session.pk, actor=demo.client_a)
    return Case(
        registration.pk,
        lambda: services_actions.training_pay(registration_id=registration.pk, actor=demo.client_a),
        lambda: TrainingRegistration.objects.filter(pk=registration.pk).update(
            status=TrainingRegistration.Status.CANCELLED
        ),
    )


def _purchase_order(demo: Any) -> Case:
    from tests.procurement.test_refunds import placed_orders

    _pr, (order,) = placed_orders(demo, [("BH-1001", 1)])
    return Case(
        order.pk,
        lambda: procurement_actions.purchase_order_pay(order_id=order.pk, actor=demo.director),
        lambda: PurchaseOrder.objects.filter(pk=order.pk).update(status=PurchaseOrder.Status.CANCELLED),
    )


def _consortium_contract(demo: Any) -> Case:
    from tests.procurement.test_consortia_payments import _signed_contract

    contract = _signed_contract(demo)
    return Case(
        contract.pk,
        lambda: consortia_actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside),
        lambda: Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.EXPIRED),
    )


def _statement(demo: Any) -> Case:
    statement = Statement.objects.create(
        organization=Organization.objects.get(code="east"),
        period_start=datetime.date(2024, 1, 1),
        charges_minor=1_500,
        credits_minor=400,
        net_minor=1_100,
    )
    # A statement is issued and stays payable until paid: it has no closed state.
    return Case(
        statement.pk,
        lambda: cataloging_actions.statement_pay(statement_id=statement.pk, actor=demo.director_east),
        None,
    )


def _payment_request(demo: Any) -> Case:
    request = actions.payment_request_create(
        actor=demo.director, payer=demo.client_a, amount_minor=3_300, description="Photocopies 复印费"
    )
    return Case(
        request.pk,
        lambda: actions.payment_request_pay(request_id=request.pk, actor=demo.client_a),
        lambda: PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentRequest.Status.CANCELLED),
    )


BUILDERS: dict[str, Callable[[Any], Case]] = {
    "services.order": _service_order,
    "services.subscription_period": _subscription_period,
    "services.training_registration": _training_registration,
    "procurement.purchase_order": _purchase_order,
    "procurement.consortium_contract": _consortium_contract,
    "cataloging.statement": _statement,
    "payments.request": _payment_request,
    # Newer apps declare their builders in tests/payments/contract_<app>.py (no shared edits).
    **app_builders(),
}
TEST_ONLY = {"tests.order"}  # registered by the payments tests' own fixture


def test_every_registered_purpose_has_a_contract_case():
    registered = {payable.purpose for payable in payables.registered()} - TEST_ONLY
    assert registered == set(BUILDERS), "declare a builder here for every new payable"


@pytest.fixture(params=sorted(BUILDERS))
def purpose(request: Any, demo: Any) -> Any:
    """The purpose under test, its handlers counted (the real ones still run)."""
    real = payables.get(request.param)
    calls: list[int] = []

    def on_paid(target: Any, payment: Payment) -> None:
        calls.append(payment.pk)
        real.on_paid(target, payment)

    payables.register_payable(dataclasses.replace(real, on_paid=on_paid))
    yield real, BUILDERS[request.param](demo), calls
    payables.register_payable(real)


def _pay(payment: Payment, capture: Any) -> Payment:
    """The payer pays on the simulated provider's page; everything after commit runs."""
    with capture(execute=True):
        actions.payment_ensure_intent(payment_id=payment.pk)
        payment.refresh_from_db()
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
        actions.payment_sync(payment_id=payment.pk)
    payment.refresh_from_db()
    return payment


def _target(payable: payables.Payable, case: Case) -> Any:
    return payable.lock(str(case.purpose_id))


def _second_attempt(first: Payment) -> Payment:
    """Another payment for the same target: an attempt that was closed and then paid late at
    the provider (the payments app records those with `paid_after_close_at`)."""
    fields = ["purpose_type", "purpose_id", "amount_minor", "currency", "description", "payer_user",
              "payer_organization", "payee_organization", "payee_name", "provider"]  # fmt: skip
    return Payment.objects.create(
        **{name: getattr(first, name) for name in fields},
        attempt=first.attempt + 1,
        idempotency_key=f"second-{first.purpose_type}-{first.purpose_id}-{secrets.token_hex(3)}",
        paid_after_close_at=timezone.now(),
    )


def _audited(verb: str, case: Case) -> int:
    return AuditEvent.objects.filter(verb=verb, target_id=str(case.purpose_id)).count()


def test_a_success_is_applied_once(purpose, django_capture_on_commit_callbacks):
    payable, case, calls = purpose
    payment = _pay(case.start(), django_capture_on_commit_callbacks)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.purpose_outcome == Payment.PurposeOutcome.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        actions.payment_notify_purpose(payment_id=payment.pk)  # a redelivered notify task
    assert payable.is_paid(_target(payable, case))
    assert calls == [payment.pk]
    assert not Refund.objects.filter(payment=payment).exists()


def test_a_second_payment_is_refunded_automatically(purpose, django_capture_on_commit_callbacks):
    payable, case, calls = purpose
    first = _pay(case.start(), django_capture_on_commit_callbacks)
    second = _pay(_second_attempt(first), django_capture_on_commit_callbacks)
    assert second.purpose_outcome == Payment.PurposeOutcome.DUPLICATE
    assert second.status == Payment.Status.REFUNDED and second.refunded_minor == second.amount_minor
    refund = Refund.objects.get(payment=second)
    assert refund.requested_by is None and refund.status == Refund.Status.SUCCEEDED
    assert calls == [first.pk] and not Refund.objects.filter(payment=first).exists()
    assert payable.is_paid(_target(payable, case))
    assert _audited("payments.payable.paid_twice", case) == 1
    if second.payer_user_id:  # the payer is told the money goes back, not "thank you"
        notice = Notification.objects.filter(recipient_id=second.payer_user_id, verb="payments.payment.succeeded")
        assert "no longer needed" in notice.latest("pk").body_text
    # Told again: still one refund, one audit.
    with django_capture_on_commit_callbacks(execute=True):
        Payment.objects.filter(pk=second.pk).update(notified_status="")
        actions.payment_notify_purpose(payment_id=second.pk)
    assert Refund.objects.filter(payment=second).count() == 1
    assert _audited("payments.payable.paid_twice", case) == 1


def test_a_payment_after_the_target_closed_is_refunded_automatically(purpose, django_capture_on_commit_callbacks):
    payable, case, calls = purpose
    if case.close is None:
        assert payable.is_open(_target(payable, case))
        return  # nothing can close this target before it is paid (see its builder)
    payment = case.start()
    case.close()
    payment = _pay(payment, django_capture_on_commit_callbacks)
    assert payment.purpose_outcome == Payment.PurposeOutcome.CLOSED
    assert payment.status == Payment.Status.REFUNDED
    assert Refund.objects.get(payment=payment).requested_by is None
    assert calls == [] and not payable.is_paid(_target(payable, case))
    assert _audited("payments.payable.paid_when_closed", case) == 1


def test_a_payment_of_another_amount_is_refused_and_finance_told(purpose, django_capture_on_commit_callbacks):
    payable, case, calls = purpose
    payment = case.start()
    # The provider took what our row said, but that is not what the target costs.
    Payment.objects.filter(pk=payment.pk).update(amount_minor=payment.amount_minor + 1)
    payment = _pay(payment, django_capture_on_commit_callbacks)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.purpose_outcome == Payment.PurposeOutcome.MISMATCH and payment.discrepancy
    assert calls == [] and not payable.is_paid(_target(payable, case))
    assert not Refund.objects.filter(payment=payment).exists()  # finance staff decide
    assert _audited("payments.payable.payment_mismatched", case) == 1
    assert Notification.objects.filter(verb="payments.payable.payment_mismatched").exists()


def test_replayed_and_out_of_order_events_change_nothing(purpose, django_capture_on_commit_callbacks):
    payable, case, calls = purpose
    payment = _pay(case.start(), django_capture_on_commit_callbacks)
    paid_at = payment.succeeded_at
    now = int(timezone.now().timestamp())
    success = make_event("payment_intent.succeeded", intent_object(payment, "succeeded"), created=now)
    older = [
        make_event("payment_intent.processing", intent_object(payment, "processing"), created=now - 60),
        make_event(
            "payment_intent.payment_failed", intent_object(payment, "requires_payment_method"), created=now - 30
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [actions.webhook_event_apply(provider=payment.provider, event=event) for event in [success, success]]
        outcomes += [actions.webhook_event_apply(provider=payment.provider, event=event) for event in older]
    assert outcomes[1] == "duplicate"
    assert WebhookEvent.Outcome.APPLIED not in outcomes
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.succeeded_at == paid_at
    assert calls == [payment.pk] and payable.is_paid(_target(payable, case))
    assert not Refund.objects.filter(payment=payment).exists()
