"""Paying a member contract: the contract keeps the payment that paid it, a repeated success of
that payment changes nothing, and any other payment that succeeds for it is refunded."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from office.models import AuditEvent
from payments import actions as payment_actions
from payments.gateways.simulated import SimulatedGateway
from payments.models import Payment, Refund
from procurement.consortia import actions
from procurement.consortia.models import Contract
from tests.factories import retell_purpose
from tests.procurement.consortia_helpers import agreed, commit_all

pytestmark = pytest.mark.django_db


def _signed_contract(demo: Any) -> Contract:
    """Riverside's contract, signed by both sides and waiting for payment."""
    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    contract = Contract.objects.get(consortium=consortium, organization__code="riverside")
    for actor, name, as_provider in ((demo.staff_riverside, "He Ping", False), (demo.director_east, "Rep", True)):
        actions.contract_sign(
            contract_id=contract.pk,
            actor=actor,
            signed_name=name,
            seen_sha256=contract.pdf_sha256,
            as_provider=as_provider,
        )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED
    return contract


def _pay(payment: Payment, callbacks: Any) -> Payment:
    """The payer pays on the simulated provider's page; the success reaches the contract."""
    with callbacks(execute=True):
        payment_actions.payment_ensure_intent(payment_id=payment.pk)
        payment.refresh_from_db()
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
        payment_actions.payment_sync(payment_id=payment.pk)
        payment_actions.payment_notify_purpose(payment_id=payment.pk)
    payment.refresh_from_db()
    return payment


def _late_second_payment(first: Payment) -> Payment:
    """Another payment for the same contract: an attempt that was closed, paid late at the
    provider (the payments app records it with `paid_after_close_at`)."""
    return Payment.objects.create(
        purpose_type=first.purpose_type,
        purpose_id=first.purpose_id,
        amount_minor=first.amount_minor,
        currency=first.currency,
        description=first.description,
        payer_user=first.payer_user,
        payer_organization=first.payer_organization,
        payee_organization=first.payee_organization,
        payee_name=first.payee_name,
        provider=first.provider,
        attempt=first.attempt + 1,
        idempotency_key=f"contract-{first.purpose_id}-second",
        paid_after_close_at=timezone.now(),
    )


def _audits(verb: str, contract: Contract) -> int:
    return AuditEvent.objects.filter(verb=verb, target_id=str(contract.pk)).count()


def test_contract_payment_succeeded_records_the_paying_payment_on_the_contract(
    demo, django_capture_on_commit_callbacks
):
    contract = _signed_contract(demo)
    first = _pay(
        actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside), django_capture_on_commit_callbacks
    )

    contract.refresh_from_db()
    assert first.status == Payment.Status.SUCCEEDED
    assert contract.status == Contract.Status.PAID and contract.payment_id == first.pk
    assert contract.licence is not None
    assert AuditEvent.objects.get(verb="procurement.contract.paid", target_id=str(contract.pk)).data["payment"] == (
        first.pk
    )
    page = demo.client("staff_riverside").get(reverse("procurement:contract_detail", kwargs={"pk": contract.pk}))
    assert f'href="/payments/{first.pk}/"' in page.content.decode()


def test_contract_payment_succeeded_twice_for_the_same_payment_changes_nothing(
    demo, django_capture_on_commit_callbacks
):
    contract = _signed_contract(demo)
    first = _pay(
        actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside), django_capture_on_commit_callbacks
    )
    contract.refresh_from_db()
    paid = (contract.status, contract.paid_at, contract.payment_id, contract.licence_id, contract.updated_at)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        payment_actions.payment_notify_purpose(payment_id=first.pk)  # a redelivered notify task
    retell_purpose(first)  # as if its "told" marker had been lost

    contract.refresh_from_db()
    first.refresh_from_db()
    assert (contract.status, contract.paid_at, contract.payment_id, contract.licence_id, contract.updated_at) == paid
    assert callbacks == []
    assert first.status == Payment.Status.SUCCEEDED and first.refunded_minor == 0
    assert not Refund.objects.filter(payment=first).exists()
    assert _audits("procurement.contract.paid", contract) == 1
    assert _audits("payments.payable.paid_twice", contract) == 0


def test_contract_payment_succeeded_refunds_a_second_payment_automatically(demo, django_capture_on_commit_callbacks):
    contract = _signed_contract(demo)
    first = _pay(
        actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside), django_capture_on_commit_callbacks
    )
    contract.refresh_from_db()
    licence_id, paid_at = contract.licence_id, contract.paid_at

    second = _pay(_late_second_payment(first), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        Payment.objects.filter(pk=second.pk).update(notified_status="")  # its success told again
        payment_actions.payment_notify_purpose(payment_id=second.pk)
    second.refresh_from_db()

    contract.refresh_from_db()
    first.refresh_from_db()
    assert contract.status == Contract.Status.PAID and contract.payment_id == first.pk
    assert (contract.licence_id, contract.paid_at) == (licence_id, paid_at)
    assert second.status == Payment.Status.REFUNDED and second.refunded_minor == second.amount_minor
    refund = Refund.objects.get(payment=second)
    assert refund.amount_minor == second.amount_minor and refund.requested_by is None
    assert refund.status == Refund.Status.SUCCEEDED and contract.number in refund.reason_text
    assert first.status == Payment.Status.SUCCEEDED and not Refund.objects.filter(payment=first).exists()
    assert second.purpose_outcome == Payment.PurposeOutcome.DUPLICATE
    assert first.purpose_outcome == Payment.PurposeOutcome.APPLIED
    event = AuditEvent.objects.get(verb="payments.payable.paid_twice", target_id=str(contract.pk))
    assert event.data == {
        "purpose": "procurement.consortium_contract",
        "payment": second.pk,
        "refund": refund.number,
        "amount_minor": second.amount_minor,
    }
    assert _audits("procurement.contract.paid", contract) == 1
    page = demo.client("staff_riverside").get(reverse("procurement:contract_detail", kwargs={"pk": contract.pk}))
    assert f'href="/payments/{first.pk}/"' in page.content.decode()


def test_migration_links_contracts_paid_before_they_recorded_their_payment(demo, django_capture_on_commit_callbacks):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("procurement.migrations.0006_contract_payment")
    contract = _signed_contract(demo)
    first = _pay(
        actions.contract_pay(contract_id=contract.pk, actor=demo.staff_riverside), django_capture_on_commit_callbacks
    )
    Contract.objects.filter(pk=contract.pk).update(payment=None)

    migration.link_paid_contracts(apps, None)

    contract.refresh_from_db()
    assert contract.payment_id == first.pk
