"""Demo content for `seed_demo`: two payment requests for client_a, one of them paid with
the simulated provider. Idempotent like the command."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction


def seed_payments_demo(stdout: Any) -> None:
    from payments import actions
    from payments.gateways.simulated import SimulatedGateway
    from payments.models import Payment, PaymentRequest

    User = get_user_model()
    staff = User.objects.filter(username="business_assistant").first()
    client = User.objects.filter(username="client_a").first()
    if staff is None or client is None or PaymentRequest.objects.filter(payer=client).exists():
        return
    with transaction.atomic():
        actions.payment_request_create(
            actor=staff, payer=client, amount_minor=35_000, description="Novelty search report 查新报告 (deposit)"
        )
        paid = actions.payment_request_create(
            actor=staff, payer=client, amount_minor=12_800, description="Document delivery fee 文献传递费"
        )
    payment = actions.payment_request_pay(request_id=paid.pk, actor=client)
    if payment.provider != Payment.Provider.SIMULATED:
        return
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    actions.payment_sync(payment_id=payment.pk)  # no worker may be running during seeding
    actions.payment_notify_purpose(payment_id=payment.pk)
    stdout.write("Payments demo: two payment requests for client_a, one paid.\n")
