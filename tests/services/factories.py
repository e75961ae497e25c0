"""Helpers that drive a service order through the real actions to a given state.

Payment goes through the simulated provider exactly as the payments demo does: intent,
card payment, provider read-back, then the purpose handler."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from services import actions
from services.models import Offering, OrderFile, ServiceOrder

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

STEPS = ["requested", "quoted", "accepted", "paid", "assigned", "in_progress", "delivered", "completed"]


def pdf_upload(name: str = "result.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pay(payment: Any, card: str = "4242424242424242") -> Any:
    from payments import actions as payment_actions
    from payments.gateways.simulated import SimulatedGateway

    payment_actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number=card)
    payment_actions.payment_sync(payment_id=payment.pk)
    payment_actions.payment_notify_purpose(payment_id=payment.pk)
    payment.refresh_from_db()
    return payment


def order_in(
    demo: Any, state: str, *, client: str = "client_a", code: str = "novelty-search", **kw: Any
) -> ServiceOrder:
    """A fresh order of `client` in `state` (one of STEPS), reached through the actions."""
    user = demo.users[client]
    offering = Offering.objects.get(code=code)
    order = actions.order_create(
        actor=user,
        offering_id=offering.pk,
        topic=kw.get("topic", "Sodium-ion battery separators 钠离子电池隔膜"),
        keywords="graphene; separator",
        delivery_channel=kw.get("channel", offering.delivery_channels[0]),
    )
    target = STEPS.index(state)
    if target >= 1 and order.status == ServiceOrder.Status.REQUESTED:
        actions.order_quote(
            order_id=order.pk,
            actor=demo.head_infodev,
            amount_minor=kw.get("amount", 80_000),
            due_date=timezone.localdate() + timedelta(days=10),
        )
    if target >= 2:
        actions.order_accept(order_id=order.pk, actor=user)
    if target >= 3:
        pay(actions.order_pay(order_id=order.pk, actor=user))
    if target >= 4:
        actions.order_assign(order_id=order.pk, actor=demo.head_infodev, assignee_id=demo.staff_infodev.pk)
    if target >= 5:
        actions.order_start(order_id=order.pk, actor=demo.staff_infodev)
    if target >= 6:
        item = actions.order_file_add(
            order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind=OrderFile.Kind.DELIVERABLE
        )
        actions.order_deliver(order_id=order.pk, actor=demo.staff_infodev, channel="download", file_ids=[item.pk])
    if target >= 7:
        actions.order_confirm(order_id=order.pk, actor=user, rating=5, comment="Very useful")
    order.refresh_from_db()
    assert order.status == state, (order.status, state)
    return order
