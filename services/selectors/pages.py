"""The detail pages: what each shows and which buttons it draws (the views add the forms)."""

from __future__ import annotations

from typing import Any

from services import permissions
from services.models import (
    DownloadLink,
    Offering,
    OrderFile,
    ServiceOrder,
    Subscription,
    TrainingRegistration,
    TrainingSession,
)
from services.selectors.orders import _person_fields, order_files


def order_detail_context(*, user: Any, order: ServiceOrder) -> dict[str, Any]:
    """The order page for `user`: internal notes and deliverables only for staff on the order,
    download links only for its client, and the can_* flags of its buttons."""
    is_client = permissions.is_order_client(user, order)
    works_on = permissions.works_on(user, order)
    files = list(order_files(order=order, user=user))
    order_messages = order.messages.select_related(*_person_fields("author"))
    if not works_on:
        order_messages = order_messages.filter(internal=False)
    report = getattr(order, "report", None)  # the reverse one-to-one raises AttributeError if none
    can_work = permissions.can_work(user, order) and works_on
    return {
        "order": order,
        "is_client": is_client,
        "works_on": works_on,
        "requirement_files": [f for f in files if f.kind == OrderFile.Kind.REQUIREMENT],
        "deliverables": [f for f in files if f.kind != OrderFile.Kind.REQUIREMENT] if works_on else [],
        "order_messages": order_messages,
        "deliveries": order.deliveries.select_related(*_person_fields("sent_by")).prefetch_related("files"),
        "links": DownloadLink.objects.filter(file__order=order, user=user).select_related("file") if is_client else [],
        "report": report,
        "can_quote": permissions.can_quote(user, order),
        "can_respond": permissions.can_respond_to_quote(user, order),
        "can_pay": permissions.can_pay(user, order),
        "can_cancel": permissions.can_cancel(user, order),
        "can_refund": permissions.can_refund(user, order),
        "can_assign": permissions.can_assign(user, order) and works_on,
        "can_start": permissions.can_start(user, order),
        "can_work": can_work,
        "can_issue_report": can_work and report is None and order.offering.kind == Offering.Kind.NOVELTY,
        "can_confirm": permissions.can_confirm(user, order),
        "can_view_invoice": permissions.can_view_invoice(user, order),
        "can_message": permissions.can_post_message(user, order),
        "can_log_work": permissions.can_log_work(user, order),
        "can_attach": permissions.can_attach(user, order),
    }


def subscription_detail_context(*, user: Any, subscription: Subscription) -> dict[str, Any]:
    """The subscription page: its periods and digests, the items waiting for the next digest
    (staff on it only), and what the user may do: pay the open period, renew once none is
    open, cancel (its client or the head of the providing unit), add items (staff on it)."""
    is_client = permissions.is_subscription_client(user, subscription)
    works_on = permissions.works_on_subscription(user, subscription)
    open_period = subscription.periods.filter(paid_at__isnull=True).first()
    active = subscription.status != Subscription.Status.CANCELLED
    return {
        "subscription": subscription,
        "periods": subscription.periods.all(),
        "digests": subscription.digests.all(),
        "pending_items": subscription.items.filter(digest__isnull=True) if works_on else [],
        "can_pay": is_client and active and open_period is not None,
        "can_renew": is_client and active and open_period is None,
        "can_cancel": active and (is_client or permissions.leads_department(user, subscription.offering.department)),
        "can_add_item": works_on and active,
    }


def training_detail_context(*, user: Any, session: TrainingSession) -> dict[str, Any]:
    """The session page: places taken and free, the user's own registration, and the list of
    registrations for whoever runs the session."""
    Reg = TrainingRegistration.Status
    registrations = session.registrations
    runs = user.is_authenticated and permissions.runs_training(user, session)
    mine = None
    if user.is_authenticated:
        mine = registrations.filter(user_id=user.pk).exclude(status=Reg.CANCELLED).first()
    counts = {s: registrations.filter(status=s).count() for s in (Reg.REGISTERED, Reg.WAITLISTED, Reg.ATTENDED)}
    return {
        "session": session,
        "mine": mine,
        "counts": counts,
        "free": max(session.capacity - counts[Reg.REGISTERED] - counts[Reg.ATTENDED], 0),
        "can_register": user.is_authenticated and mine is None and permissions.can_register_training(user, session),
        "registrations": registrations.select_related("user").exclude(status=Reg.CANCELLED) if runs else [],
        "runs": runs,
        "can_edit": user.is_authenticated and permissions.can_edit_training(user, session),
    }
