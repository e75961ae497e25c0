"""Every write of the services app.

Service order (DESIGN.md §4, `ServiceOrder.TRANSITIONS`):

    requested -> quoted -> accepted -> paid -> assigned -> in_progress -> delivered -> completed
        |          |  \\-> declined -> quoted (again)  \\-> refunded (finance, before delivery)
        +----------+----------+-> cancelled (client or head, before payment)

Fixed-price offerings are quoted by the system at the list price when ordered. The amount
paid is the quoted amount from our row; the payment's success handler (`order_mark_paid`)
checks it again and is idempotent. Every transition: lock, permission, state, write plus
audit, then e-mail and notifications after commit.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.access import Role, staff_profile, sync_role_groups
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.models import ClientAccount, Department, StaffProfile
from office.queue import enqueue_on_commit
from payments.actions import refund_automatically
from services import permissions
from services.models import (
    Consultation,
    ConsultationMessage,
    Delivery,
    DeliveryChannel,
    Digest,
    DownloadLink,
    Offering,
    OrderFile,
    OrderMessage,
    Report,
    ReportCounter,
    ServiceOrder,
    Subscription,
    SubscriptionItem,
    SubscriptionPeriod,
    TrainingRegistration,
    TrainingSession,
)
from services.uploads import check_upload

logger = logging.getLogger(__name__)
User = get_user_model()
Status = ServiceOrder.Status
ORDER_PURPOSE = "services.order"
PERIOD_PURPOSE = "services.subscription_period"
TRAINING_PURPOSE = "services.training_registration"
CONFIRM_SALT = "services.client-confirm"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def _order_url(order: ServiceOrder) -> str:
    return reverse("services:order_detail", kwargs={"pk": order.pk})


def _lock(order_id: int) -> ServiceOrder:
    # of=self: lock the order row only, not the offering, department and client joined in.
    return (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("offering", "department", "client")
        .get(pk=order_id)
    )


def _move(order: ServiceOrder, new_status: str) -> None:
    if not order.can_move_to(new_status):
        raise InvalidTransition(order, ServiceOrder.Status(new_status).label)
    order.status = new_status


def heads_of(department: Department) -> list[int]:
    """User ids of the heads of `department` and of the units above it (nearest first)."""
    ids: list[int] = []
    unit: Department | None = department
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        ids += StaffProfile.objects.filter(department=unit, position__role=Role.HEAD, user__is_active=True).values_list(
            "user_id", flat=True
        )
        unit = unit.parent
    return ids


def _notify_client(order: ServiceOrder, verb: str, title: str) -> None:
    notify(recipient_id=order.client.user_id, verb=verb, title=title, url=_order_url(order))


# --- catalog ----------------------------------------------------------------------------------


@transaction.atomic
def offering_save(*, offering: Offering, actor: Any) -> Offering:
    """Create or edit a catalog offering; heads edit their own department's, leadership all."""
    created = offering.pk is None
    if not permissions.can_manage_offerings(actor):
        raise PermissionDenied(_("You cannot manage the service catalog."))
    if not permissions.can_edit_offering(actor, offering):
        raise PermissionDenied(_("You can only manage your own department's services."))
    if not created:
        Offering.objects.select_for_update().get(pk=offering.pk)
    offering.full_clean()
    offering.save()
    audit.record(
        actor=actor,
        target=offering,
        verb="services.offering.created" if created else "services.offering.changed",
        organization=offering.department.organization,
        data={"pricing": offering.pricing, "price_minor": offering.price_minor, "active": offering.is_active},
    )
    return offering


# --- client accounts ----------------------------------------------------------------------------


@transaction.atomic
def client_register(
    *, username: str, email: str, password: str, kind: str, display_name: str, **details: str
) -> ClientAccount:
    """A remote client registers: a user and its `ClientAccount`, e-mail not yet confirmed.
    The confirmation e-mail (signed token) goes out after commit."""
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This user name is taken."))
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("An account with this e-mail address exists already; log in or reset the password."))
    user = User.objects.create_user(username=username, email=email, password=password)
    allowed = {"organisation_name", "phone", "fax", "postal_address", "invoice_title", "tax_id"}
    account = ClientAccount.objects.create(
        user=user, kind=kind, display_name=display_name, **{k: v for k, v in details.items() if k in allowed}
    )
    sync_role_groups(user)
    audit.record(actor=user, target=account, verb="services.client.registered", data={"kind": kind})
    from services.tasks import client_confirmation_email_task

    enqueue_on_commit(client_confirmation_email_task, user_id=user.pk)
    return account


def client_confirmation_token(user: Any) -> str:
    # The e-mail is part of the token: a changed address needs a new confirmation.
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=CONFIRM_SALT, compress=True)


def client_confirmation_resend(*, actor: Any) -> bool:
    """Queue the confirmation e-mail again for a client whose address is not yet confirmed
    (after commit). Returns whether one was queued: a confirmed address needs none."""
    from services.tasks import client_confirmation_email_task

    account = ClientAccount.objects.filter(user_id=actor.pk).first()
    if account is None or account.email_confirmed:
        return False
    enqueue_on_commit(client_confirmation_email_task, user_id=actor.pk)
    return True


def client_send_confirmation(*, user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    account = ClientAccount.objects.get(user=user)
    if account.email_confirmed:
        return
    link = settings.SITE_URL + reverse("services:client_confirm", kwargs={"token": client_confirmation_token(user)})
    EmailMessage(
        _("Confirm your e-mail address"),
        _(
            "Please confirm your e-mail address for the office's information services:\n\n%(link)s\n\n"
            "The link is valid for three days."
        )
        % {"link": link},
        to=[user.email],
    ).send()


@transaction.atomic
def client_confirm_email(*, token: str) -> ClientAccount:
    """Mark the account's e-mail confirmed. Idempotent; refuses bad or expired tokens."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise DomainError(_("This confirmation link has expired; log in to ask for a new one.")) from None
    except signing.BadSignature:
        raise DomainError(_("This confirmation link is not valid.")) from None
    account = (
        ClientAccount.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user_id=data.get("u"))
        .first()
    )
    if account is None or account.user.email.lower() != data.get("e"):
        raise DomainError(_("This confirmation link is not valid."))
    if not account.email_confirmed:
        account.email_confirmed = True
        account.save(update_fields=["email_confirmed", "updated_at"])
        audit.record(actor=account.user, target=account, verb="services.client.email_confirmed")
    return account


PROFILE_FIELDS = ("kind", "display_name", "organisation_name", "phone", "fax", "postal_address", "invoice_title",
                  "tax_id")  # fmt: skip


@transaction.atomic
def client_profile_update(*, actor: Any, **values: str) -> ClientAccount:
    """The client edits its own contact and invoice details (validated by the form). The
    e-mail address is not among them: it is the login identity and the delivery address and
    changes only through customer service. Audited with the names of the changed fields."""
    account = ClientAccount.objects.select_for_update(of=("self",)).filter(user=actor).first()
    if account is None:
        raise PermissionDenied
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("These details cannot be changed here."))
    changed = [name for name, value in values.items() if getattr(account, name) != value]
    if not changed:
        return account
    for name in changed:
        setattr(account, name, values[name])
    account.full_clean(exclude=["user"])
    account.save(update_fields=[*changed, "updated_at"])
    audit.record(actor=actor, target=account, verb="services.client.profile_changed", data={"fields": changed})
    return account


# --- orders: requested -> quoted -> accepted ----------------------------------------------------


@transaction.atomic
def order_create(
    *,
    actor: Any,
    offering_id: int,
    topic: str,
    delivery_channel: str,
    keywords: str = "",
    scope: str = "",
    deadline: date | None = None,
    attachments: list[Any] | None = None,
) -> ServiceOrder:
    """A confirmed client orders an offering. Fixed-price offerings are quoted at once at the
    list price. Attachments are validated before anything is written."""
    if not permissions.can_order(actor):
        raise PermissionDenied(_("Confirm your e-mail address before ordering."))
    offering = Offering.objects.active().select_related("department").filter(pk=offering_id).first()
    if offering is None:
        raise DomainError(_("This service is not offered at the moment."))
    if offering.pricing == Offering.Pricing.SUBSCRIPTION:
        raise DomainError(_("Subscribe to this service instead of ordering it."))
    if delivery_channel not in offering.delivery_channels:
        raise DomainError(_("This service is not delivered by the channel you chose."))
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("The deadline cannot be in the past."))
    if not topic.strip():
        raise DomainError(_("Describe the topic."))
    checked = [check_upload(f) for f in attachments or []]
    account = ClientAccount.objects.get(user=actor)
    order = ServiceOrder.objects.create(
        number=f"tmp{uuid.uuid4().hex[:16]}",  # replaced below, once the pk is known
        client=account,
        offering=offering,
        department=offering.department,
        topic=topic.strip(),
        keywords=keywords.strip(),
        scope=scope.strip(),
        deadline=deadline,
        delivery_channel=delivery_channel,
        currency=offering.currency,
    )
    order.number = f"SO{timezone.localdate().year}-{order.pk:06d}"
    fields = ["number"]
    if offering.pricing == Offering.Pricing.FIXED:
        order.status = Status.QUOTED
        order.quoted_amount_minor = offering.price_minor
        order.due_date = _due_date(offering, deadline)
        order.quoted_at = timezone.now()
        fields += ["status", "quoted_amount_minor", "due_date", "quoted_at"]
    order.save(update_fields=fields)
    for item in checked:
        _store_file(order=order, checked=item, kind=OrderFile.Kind.REQUIREMENT, actor=actor)
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.requested",
        organization=offering.department.organization,
        data={"offering": offering.code, "files": len(checked), "auto_quoted": order.status == Status.QUOTED},
    )
    for head_id in heads_of(order.department):
        notify(
            recipient_id=head_id,
            verb="services.order.requested",
            title=_("New service order %(number)s: %(topic)s") % {"number": order.number, "topic": order.topic},
            url=_order_url(order),
        )
    return order


def _due_date(offering: Offering, deadline: date | None) -> date:
    due = timezone.localdate() + timedelta(days=offering.turnaround_days)
    return min(due, deadline) if deadline and deadline >= timezone.localdate() else due


@transaction.atomic
def order_quote(*, order_id: int, actor: Any, amount_minor: int, due_date: date, note: str = "") -> ServiceOrder:
    """Staff of the providing department quote a price and due date; the client is told."""
    order = _lock(order_id)
    if not permissions.can_quote(actor, order):
        if not permissions.works_on(actor, order):
            raise PermissionDenied(_("You cannot quote this order."))
        raise InvalidTransition(order, Status.QUOTED.label)
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise DomainError(_("The price must be positive."))
    if due_date < timezone.localdate():
        raise DomainError(_("The due date cannot be in the past."))
    _move(order, Status.QUOTED)
    order.quoted_amount_minor = amount_minor
    order.due_date = due_date
    order.quote_note = note.strip()
    order.quoted_by = actor
    order.quoted_at = timezone.now()
    order.save(
        update_fields=[
            "status",
            "quoted_amount_minor",
            "due_date",
            "quote_note",
            "quoted_by",
            "quoted_at",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.quoted",
        data={"amount_minor": amount_minor, "due": str(due_date)},
    )
    _notify_client(order, "services.order.quoted", _("Your order %(number)s has a quote") % {"number": order.number})
    return order


@transaction.atomic
def order_accept(*, order_id: int, actor: Any) -> ServiceOrder:
    """The client accepts the quote; next it pays."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_respond_to_quote(actor, order):
        raise InvalidTransition(order, Status.ACCEPTED.label)
    _move(order, Status.ACCEPTED)
    order.accepted_at = timezone.now()
    order.save(update_fields=["status", "accepted_at", "updated_at"])
    audit.record(
        actor=actor, target=order, verb="services.order.accepted", data={"amount_minor": order.quoted_amount_minor}
    )
    return order


@transaction.atomic
def order_decline(*, order_id: int, actor: Any, reason: str = "") -> ServiceOrder:
    """The client declines the quote; staff may quote again or the order is cancelled."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_respond_to_quote(actor, order):
        raise InvalidTransition(order, Status.DECLINED.label)
    _move(order, Status.DECLINED)
    order.save(update_fields=["status", "updated_at"])
    if reason.strip():
        OrderMessage.objects.create(order=order, author=actor, body=reason.strip())
    audit.record(actor=actor, target=order, verb="services.order.declined", data={"reason": reason})
    for head_id in heads_of(order.department):
        notify(
            recipient_id=head_id,
            verb="services.order.declined",
            title=_("Quote for %(number)s declined") % {"number": order.number},
            url=_order_url(order),
        )
    return order


def order_cancel(*, order_id: int, actor: Any, reason: str = "") -> ServiceOrder:
    """Cancel an order before delivery (`permissions.can_cancel`).

    Not paid yet: a payment still open for it is cancelled first, at the provider and holding
    no lock of ours (STYLE §9), so it can never be paid later; a processing one refuses. Paid
    and not delivered: the order is closed as refunded and a full refund of the payment is
    issued automatically through the payments app (`refund_automatically`), in the same transaction;
    the provider is called after commit."""
    from payments.actions import payment_cancel
    from payments.models import Payment

    def check(order: ServiceOrder) -> Payment | None:
        if not (permissions.is_order_client(actor, order) or permissions.leads(actor, order)):
            raise PermissionDenied
        if not permissions.can_cancel(actor, order):
            raise InvalidTransition(order, Status.CANCELLED.label)
        payment = Payment.objects.filter(pk=order.payment_id).first() if order.payment_id else None
        if order.paid_at is not None:
            return payment
        if payment is not None and (payment.status == Payment.Status.PROCESSING or payment.is_paid):
            raise DomainError(_("The payment for this order is being processed; it cannot be cancelled now."))
        return payment

    with transaction.atomic():
        payment = check(_lock(order_id))
    if payment is not None and (payment.is_open or payment.status == Payment.Status.FAILED):
        payment_cancel(payment_id=payment.pk, actor=actor, purpose_closed=True)
    with transaction.atomic():
        # Lock order as in the payment's handlers: the payment first, then the order.
        payment_id = ServiceOrder.objects.values_list("payment_id", flat=True).get(pk=order_id)
        if payment_id:
            Payment.objects.select_for_update().get(pk=payment_id)
        order = _lock(order_id)
        payment = check(order)  # again: the order or its payment may have moved meanwhile
        reason = reason.strip()
        if order.paid_at is not None:
            _move(order, Status.REFUNDED)
            order.closed_reason = reason
            order.save(update_fields=["status", "closed_reason", "updated_at"])
            refund = refund_automatically(
                payment_id=order.payment_id,
                requested_by=actor,
                reason=_("Order %(number)s cancelled before delivery.") % {"number": order.number}
                + (f" {reason}" if reason else ""),
            )
            audit.record(
                actor=actor,
                target=order,
                verb="services.order.cancelled",
                data={"reason": reason, "refund": refund.pk if refund else None},
            )
            if order.assignee_id:
                notify(
                    recipient_id=order.assignee_id,
                    verb="services.order.cancelled",
                    title=_("Order %(number)s was cancelled") % {"number": order.number},
                    url=_order_url(order),
                )
        else:
            if payment is not None and payment.status != Payment.Status.CANCELLED:
                raise DomainError(_("The payment for this order is being processed; it cannot be cancelled now."))
            _move(order, Status.CANCELLED)
            order.closed_reason = reason
            order.save(update_fields=["status", "closed_reason", "updated_at"])
            audit.record(actor=actor, target=order, verb="services.order.cancelled", data={"reason": reason})
        if not permissions.is_order_client(actor, order):
            _notify_client(
                order, "services.order.cancelled", _("Order %(number)s was cancelled") % {"number": order.number}
            )
    return order


# --- payment -----------------------------------------------------------------------------------


@transaction.atomic
def order_pay(*, order_id: int, actor: Any) -> Any:
    """Start (or resume) paying an accepted order; returns the `Payment` for the checkout.
    The amount is the quoted amount in our database; a second call returns the same payment."""
    from payments.actions import payment_create

    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_pay(actor, order):
        raise InvalidTransition(order, Status.PAID.label)
    payment = payment_create(
        purpose_type=ORDER_PURPOSE,
        purpose_id=order.pk,
        amount_minor=order.quoted_amount_minor,
        currency=order.currency,
        description=_("Service order %(number)s: %(name)s") % {"number": order.number, "name": order.offering.name},
        payer_user=actor,
        payee_organization=order.department.organization,
    )
    if payment.amount_minor != order.quoted_amount_minor:  # an old attempt for another amount
        raise DomainError(_("An earlier payment for this order is still open; cancel it first."))
    if order.payment_id != payment.pk:
        order.payment = payment
        order.save(update_fields=["payment", "updated_at"])
    return payment


def invoice_buyer_of(client: ClientAccount) -> dict[str, str]:
    """The buyer as an invoice names it, from the client's current invoice details."""
    return {
        "title": client.invoice_title or f"{client.display_name} {client.organisation_name}".strip(),
        "tax_id": client.tax_id,
        "address": client.postal_address,
    }


def order_paid(order: ServiceOrder, payment: Any) -> None:
    """On-paid handler of the "services.order" payable (`services.payables`): the payments
    app has checked that the order was accepted and not paid, and the amount is the quote's."""
    _move(order, Status.PAID)
    order.paid_at = payment.succeeded_at or timezone.now()
    order.payment_id = payment.pk
    order.invoice_buyer = invoice_buyer_of(order.client)
    order.save(update_fields=["status", "paid_at", "payment", "invoice_buyer", "updated_at"])
    audit.record(actor=None, target=order, verb="services.order.paid", data={"payment": payment.pk})
    # Optional: skip the head's step and give the work to the least-loaded staff member at once.
    if settings.SERVICES_AUTO_ASSIGN_ON_PAYMENT:
        assignee = least_loaded(order)
        if assignee is not None:
            _assign(order, assignee, actor=None, automatic=True)
            return
    for head_id in heads_of(order.department):
        notify(
            recipient_id=head_id,
            verb="services.order.paid",
            title=_("Order %(number)s is paid and waits for assignment") % {"number": order.number},
            url=_order_url(order),
        )


def order_refunded(order: ServiceOrder, payment: Any) -> None:
    """Refund handler: a fully refunded payment closes an undelivered order. Idempotent."""
    from payments.models import Payment

    if payment.status != Payment.Status.REFUNDED or not order.can_move_to(Status.REFUNDED):
        return
    order.status = Status.REFUNDED
    order.save(update_fields=["status", "updated_at"])
    audit.record(actor=None, target=order, verb="services.order.refunded", data={"payment": payment.pk})
    _notify_client(order, "services.order.refunded", _("Order %(number)s was refunded") % {"number": order.number})


def order_refund(*, order_id: int, actor: Any, reason: str) -> ServiceOrder:
    """Finance staff refund a paid, undelivered order in full. The order moves to refunded
    when the payment is refunded (handler above); the provider is called holding no lock."""
    from payments.actions import payment_refund

    if not reason.strip():
        raise DomainError(_("Give a reason for the refund."))
    with transaction.atomic():
        order = _lock(order_id)
        if not permissions.can_refund(actor, order):
            if order.status not in ServiceOrder.ACTIVE:
                raise InvalidTransition(order, Status.REFUNDED.label)
            raise PermissionDenied(_("You cannot refund this order."))
        order.closed_reason = reason.strip()
        order.save(update_fields=["closed_reason", "updated_at"])
        audit.record(actor=actor, target=order, verb="services.order.refund_requested", data={"reason": reason})
    payment_refund(payment_id=order.payment_id, actor=actor, reason=reason)
    order.refresh_from_db()
    return order


# --- assignment and work ------------------------------------------------------------------------


def assignable_staff(order: ServiceOrder) -> Any:
    """Active staff of the providing department and its groups (heads take work too). An
    offering provided by a group is staffed from the whole department above it."""
    department = order.department
    if department.kind == Department.Kind.GROUP and department.parent_id:
        department = department.parent
    return (
        StaffProfile.objects.filter(Q(department=department) | Q(department__parent=department))
        .filter(user__is_active=True, organization_id=department.organization_id)
        .select_related("user")
        .order_by("display_name")
    )


def least_loaded(order: ServiceOrder) -> Any:
    """The staff member (not head) with the fewest open assigned orders; ties by user id."""
    candidates = assignable_staff(order).filter(position__role=Role.STAFF).values_list("user_id", flat=True)
    loads = (
        User.objects.filter(pk__in=list(candidates))
        .annotate(
            load=Count(
                "assigned_service_orders",
                filter=Q(assigned_service_orders__status__in=[Status.ASSIGNED, Status.IN_PROGRESS]),
            )
        )
        .order_by("load", "pk")
    )
    return loads.first()


@transaction.atomic
def order_assign(*, order_id: int, actor: Any, assignee_id: int | None = None) -> ServiceOrder:
    """The head assigns a paid order to a member of the providing department, or, without an
    assignee, to the least-loaded one. Reassigning before work starts is allowed."""
    order = _lock(order_id)
    if not permissions.leads(actor, order) or not permissions.works_on(actor, order):
        raise PermissionDenied(_("Only the department head assigns orders."))
    if not permissions.can_assign(actor, order):
        raise InvalidTransition(order, Status.ASSIGNED.label)
    if assignee_id is None:
        assignee = least_loaded(order)
        if assignee is None:
            raise DomainError(_("Nobody in the department can take this order."))
    else:
        profile = assignable_staff(order).filter(user_id=assignee_id).first()
        if profile is None:
            raise DomainError(_("Choose a member of the providing department."))
        assignee = profile.user
    _assign(order, assignee, actor=actor, automatic=assignee_id is None)
    return order


def _assign(order: ServiceOrder, assignee: Any, *, actor: Any, automatic: bool) -> None:
    """The write of an assignment; the caller holds the order's lock and checked the rules."""
    previous = order.assignee_id
    _move(order, Status.ASSIGNED)
    order.assignee = assignee
    order.assigned_at = timezone.now()
    order.save(update_fields=["status", "assignee", "assigned_at", "updated_at"])
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.assigned",
        data={"assignee": assignee.pk, "previous": previous, "automatic": automatic},
    )
    notify(
        recipient_id=assignee.pk,
        verb="services.order.assigned",
        title=_("Order %(number)s was assigned to you") % {"number": order.number},
        url=_order_url(order),
    )


@transaction.atomic
def order_start(*, order_id: int, actor: Any) -> ServiceOrder:
    order = _lock(order_id)
    if order.assignee_id != actor.pk:
        raise PermissionDenied(_("Only the assigned staff member starts the work."))
    if not permissions.can_start(actor, order):
        raise InvalidTransition(order, Status.IN_PROGRESS.label)
    _move(order, Status.IN_PROGRESS)
    order.started_at = timezone.now()
    order.save(update_fields=["status", "started_at", "updated_at"])
    audit.record(actor=actor, target=order, verb="services.order.started")
    _notify_client(order, "services.order.started", _("Work on %(number)s has started") % {"number": order.number})
    return order


@transaction.atomic
def order_message_post(
    *, order_id: int, actor: Any, body: str, internal: bool = False, minutes_spent: int = 0
) -> OrderMessage:
    """A message between client and staff, or (staff only) a work-log entry with time spent."""
    order = _lock(order_id)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."))
    if internal or minutes_spent:
        if not permissions.can_log_work(actor, order):
            raise PermissionDenied(_("Only staff working on the order keep its work log."))
        internal = True
    elif not permissions.can_post_message(actor, order):
        raise PermissionDenied
    if minutes_spent < 0 or minutes_spent > 24 * 60:
        raise DomainError(_("Enter the minutes spent (0 to 1440)."))
    message = OrderMessage.objects.create(
        order=order, author=actor, body=body, internal=internal, minutes_spent=minutes_spent
    )
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.work_logged" if internal else "services.order.message_posted",
        data={"message": message.pk, "minutes": minutes_spent},
    )
    if internal:
        return message
    if permissions.is_order_client(actor, order):
        recipients = [order.assignee_id] if order.assignee_id else heads_of(order.department)
    else:
        recipients = [order.client.user_id]
    for user_id in recipients:
        notify(
            recipient_id=user_id,
            verb="services.order.message_posted",
            title=_("New message on order %(number)s") % {"number": order.number},
            url=_order_url(order),
        )
    return message


# --- files ---------------------------------------------------------------------------------------


def _store_file(*, order: ServiceOrder, checked: Any, kind: str, actor: Any) -> OrderFile:
    item = OrderFile(
        order=order,
        kind=kind,
        extension=checked.extension,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    item.file.save("upload", checked.upload, save=False)  # name from `_order_file_path`
    item.save()
    return item


@transaction.atomic
def order_file_add(*, order_id: int, actor: Any, upload: Any, kind: str) -> OrderFile:
    """The client adds a requirement attachment, or staff working on it upload a deliverable.
    Refuses files of the wrong type or size and names with paths (message for the user)."""
    order = _lock(order_id)
    if kind == OrderFile.Kind.REQUIREMENT:
        if not permissions.is_order_client(actor, order):
            raise PermissionDenied
        if not permissions.can_attach(actor, order):
            raise DomainError(_("Attachments can no longer be added to this order."))
    elif kind == OrderFile.Kind.DELIVERABLE:
        if not permissions.works_on(actor, order):
            raise PermissionDenied
        if not permissions.can_work(actor, order):
            raise DomainError(_("Deliverables are uploaded while the order is in progress."))
    else:
        raise DomainError(_("Unknown kind of file."))
    checked = check_upload(upload)
    item = _store_file(order=order, checked=checked, kind=kind, actor=actor)
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.file_added",
        data={"file": item.pk, "kind": kind, "name": item.original_name, "size": item.size},
    )
    return item


# --- delivery ------------------------------------------------------------------------------------


def download_link_days() -> int:
    return settings.SERVICES_DOWNLOAD_LINK_DAYS


def fax_gateway_address(number: str) -> str:
    """The e-mail-to-fax gateway's address for a fax number, e.g. "{number}@fax.example"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 5:
        raise DomainError(_("Enter the client's fax number."))
    template = settings.SERVICES_FAX_GATEWAY_ADDRESS
    if "{number}" not in template:
        raise DomainError(_("Fax delivery is not configured (SERVICES_FAX_GATEWAY_ADDRESS)."))
    return template.format(number=digits)


@transaction.atomic
def order_deliver(
    *,
    order_id: int,
    actor: Any,
    channel: str,
    file_ids: list[int],
    fax_number: str = "",
    postal_address: str = "",
    tracking_number: str = "",
    note: str = "",
) -> Delivery:
    """Deliver deliverables by one channel and record it: e-mail with attachments, expiring
    download links for the client, fax through the e-mail gateway, or post (address and
    tracking number). The first delivery moves the order to delivered; more may follow."""
    order = _lock(order_id)
    if not permissions.works_on(actor, order):
        raise PermissionDenied
    if not permissions.can_work(actor, order):
        raise InvalidTransition(order, Status.DELIVERED.label)
    if channel not in DeliveryChannel.values:
        raise DomainError(_("Choose a delivery channel."))
    files = list(order.files.filter(pk__in=file_ids, kind__in=[OrderFile.Kind.DELIVERABLE, OrderFile.Kind.REPORT]))
    if not files and channel != DeliveryChannel.POST:
        raise DomainError(_("Choose at least one deliverable to send."))
    if len(files) != len(set(file_ids)):
        raise DomainError(_("Choose deliverables of this order only."))
    client_user = order.client.user
    recipient = ""
    if channel == DeliveryChannel.EMAIL:
        recipient = client_user.email
    elif channel == DeliveryChannel.FAX:
        recipient = fax_gateway_address(fax_number or order.client.fax)
    elif channel == DeliveryChannel.POST:
        postal_address = (postal_address or order.client.postal_address).strip()
        if not postal_address or not tracking_number.strip():
            raise DomainError(_("Enter the postal address and the tracking number."))
    _move(order, Status.DELIVERED)
    delivery = Delivery.objects.create(
        order=order,
        channel=channel,
        recipient=recipient,
        postal_address=postal_address if channel == DeliveryChannel.POST else "",
        tracking_number=tracking_number.strip(),
        note=note.strip(),
        sent_by=actor,
    )
    delivery.files.set(files)
    if channel == DeliveryChannel.DOWNLOAD:
        expires = timezone.now() + timedelta(days=download_link_days())
        for item in files:
            DownloadLink.objects.create(file=item, user=client_user, delivery=delivery, expires_at=expires)
    if order.delivered_at is None:
        order.delivered_at = timezone.now()
    order.save(update_fields=["status", "delivered_at", "updated_at"])
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.delivered",
        data={"delivery": delivery.pk, "channel": channel, "files": [f.pk for f in files], "to": recipient},
    )
    if channel in (DeliveryChannel.EMAIL, DeliveryChannel.FAX):
        from services.tasks import delivery_send_task

        enqueue_on_commit(delivery_send_task, delivery_id=delivery.pk)
    _notify_client(order, "services.order.delivered", _("Order %(number)s was delivered") % {"number": order.number})
    return delivery


def delivery_send(*, delivery_id: int) -> bool:
    """Send an e-mail or fax delivery once (idempotent: `emailed_at` is set under the lock)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(of=("self",)).select_related("order").get(pk=delivery_id)
        if delivery.emailed_at or delivery.channel not in (DeliveryChannel.EMAIL, DeliveryChannel.FAX):
            return False
        order = delivery.order
        message = EmailMessage(
            _("Order %(number)s: %(topic)s") % {"number": order.number, "topic": order.topic},
            _("Please find the results of your order %(number)s attached.") % {"number": order.number},
            to=[delivery.recipient],
        )
        for item in delivery.files.all():
            with item.file.open("rb") as handle:
                message.attach(item.original_name, handle.read(), item.content_type.split(";")[0])
        message.send()
        delivery.emailed_at = timezone.now()
        delivery.save(update_fields=["emailed_at"])
    return True


def download_link_resolve(*, link_id: int, user: Any) -> DownloadLink:
    """The link for `user`, or `DownloadLink.DoesNotExist` (404) for anyone else or once it
    has expired. Counts the download."""
    link = DownloadLink.objects.select_related("file", "file__order").get(pk=link_id, user_id=user.pk)
    if link.is_expired:
        raise DownloadLink.DoesNotExist
    DownloadLink.objects.filter(pk=link.pk).update(download_count=F("download_count") + 1)
    return link


@transaction.atomic
def order_confirm(*, order_id: int, actor: Any, rating: int, comment: str = "") -> ServiceOrder:
    """The client confirms receipt and rates the service 1-5; the order is completed."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_confirm(actor, order):
        raise InvalidTransition(order, Status.COMPLETED.label)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rate the service from 1 to 5."))
    _move(order, Status.COMPLETED)
    order.rating = rating
    order.rating_comment = comment.strip()
    order.completed_at = timezone.now()
    order.save(update_fields=["status", "rating", "rating_comment", "completed_at", "updated_at"])
    audit.record(actor=actor, target=order, verb="services.order.completed", data={"rating": rating})
    if order.assignee_id:
        notify(
            recipient_id=order.assignee_id,
            verb="services.order.completed",
            title=_("%(number)s was rated %(rating)d/5") % {"number": order.number, "rating": rating},
            url=_order_url(order),
            send_email=False,
        )
    return order


# --- formal reports --------------------------------------------------------------------------------


def _next_report_number(year: int) -> str:
    counter, _created = ReportCounter.objects.get_or_create(year=year)
    counter = ReportCounter.objects.select_for_update().get(pk=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"CX-{year}-{counter.last_number:04d}"


@transaction.atomic
def report_issue(*, order_id: int, actor: Any, reviewer_id: int, findings: str, conclusion: str) -> Report:
    """Issue the formal numbered report of an order (novelty search and similar): the author
    works on the order, the reviewer is the department's head (or leadership) and not the
    author. The PDF is rendered and stored as a deliverable of kind "report". One per order."""
    from services.reports import report_pdf

    order = _lock(order_id)
    if not permissions.works_on(actor, order):
        raise PermissionDenied
    if not permissions.can_work(actor, order):
        raise InvalidTransition(order, Status.DELIVERED.label)
    if Report.objects.filter(order=order).exists():
        raise DomainError(_("This order has its report already."))
    reviewer = User.objects.filter(pk=reviewer_id, is_active=True).first()
    if reviewer is None or reviewer.pk == actor.pk or not permissions.leads(reviewer, order):
        raise DomainError(_("The reviewer must be the department's head or the leadership, not the author."))
    if not findings.strip() or not conclusion.strip():
        raise DomainError(_("Enter the findings and the conclusion."))
    report = Report.objects.create(
        order=order,
        number=_next_report_number(timezone.localdate().year),
        findings=findings.strip(),
        conclusion=conclusion.strip(),
        author=actor,
        reviewer=reviewer,
    )
    pdf = report_pdf(report)
    item = OrderFile(
        order=order,
        kind=OrderFile.Kind.REPORT,
        extension=".pdf",
        original_name=f"{report.number}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        uploaded_by=actor,
    )
    item.file.save("report", ContentFile(pdf), save=False)
    item.save()
    report.file = item
    report.save(update_fields=["file", "updated_at"])
    audit.record(
        actor=actor,
        target=order,
        verb="services.report.issued",
        data={"number": report.number, "reviewer": reviewer.pk},
    )
    return report


def reviewers_for(order: ServiceOrder) -> list[Any]:
    ids = heads_of(order.department)
    ids += list(
        StaffProfile.objects.filter(
            organization_id=order.department.organization_id, position__role=Role.DIRECTOR
        ).values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def staff_name(user: Any) -> str:
    profile = staff_profile(user)
    return profile.display_name if profile else user.get_username()


# --- subscriptions ------------------------------------------------------------------------------------
#
#   pending (first period unpaid) -> active (a period paid) -> cancelled
# Each period is paid on its own (renewal); its digest is built once the period has ended.


@transaction.atomic
def subscription_create(*, actor: Any, offering_id: int, topic: str, search_terms: str = "") -> Subscription:
    """A confirmed client subscribes to a subscription offering; the first period starts today
    and waits for payment."""
    if not permissions.can_order(actor):
        raise PermissionDenied(_("Confirm your e-mail address before ordering."))
    offering = Offering.objects.active().filter(pk=offering_id, pricing=Offering.Pricing.SUBSCRIPTION).first()
    if offering is None:
        raise DomainError(_("This service cannot be subscribed to."))
    if not topic.strip():
        raise DomainError(_("Describe the topic."))
    subscription = Subscription.objects.create(
        client=ClientAccount.objects.get(user=actor),
        offering=offering,
        topic=topic.strip(),
        search_terms=search_terms.strip(),
        period_days=offering.period_days,
        price_minor=offering.price_minor,
        currency=offering.currency,
    )
    today = timezone.localdate()
    SubscriptionPeriod.objects.create(
        subscription=subscription,
        starts_on=today,
        ends_on=today + timedelta(days=subscription.period_days),
        amount_minor=subscription.price_minor,
    )
    audit.record(
        actor=actor,
        target=subscription,
        verb="services.subscription.created",
        organization=offering.department.organization,
        data={"offering": offering.code},
    )
    return subscription


def _lock_subscription(subscription_id: int) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("offering__department", "client")
        .get(pk=subscription_id)
    )


@transaction.atomic
def subscription_renew(*, subscription_id: int, actor: Any) -> SubscriptionPeriod:
    """Add the next period (to be paid), starting where the last paid one ends. Refuses while
    a period is still unpaid, and for cancelled subscriptions."""
    subscription = _lock_subscription(subscription_id)
    if not permissions.is_subscription_client(actor, subscription):
        raise PermissionDenied
    if subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("This subscription was cancelled."))
    if subscription.periods.filter(paid_at__isnull=True).exists():
        raise DomainError(_("Pay the open period first."))
    last = subscription.periods.order_by("-starts_on").first()
    starts = max(last.ends_on if last else timezone.localdate(), timezone.localdate())
    period = SubscriptionPeriod.objects.create(
        subscription=subscription,
        starts_on=starts,
        ends_on=starts + timedelta(days=subscription.period_days),
        amount_minor=subscription.price_minor,
    )
    audit.record(actor=actor, target=subscription, verb="services.subscription.renewed", data={"from": str(starts)})
    return period


@transaction.atomic
def subscription_pay(*, subscription_id: int, actor: Any) -> Any:
    """Start paying the subscription's unpaid period; the amount is the period's, from our DB."""
    from payments.actions import payment_create

    subscription = _lock_subscription(subscription_id)
    if not permissions.is_subscription_client(actor, subscription):
        raise PermissionDenied
    period = subscription.periods.filter(paid_at__isnull=True).order_by("starts_on").first()
    if period is None or subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("Nothing is waiting for payment."))
    payment = payment_create(
        purpose_type=PERIOD_PURPOSE,
        purpose_id=period.pk,
        amount_minor=period.amount_minor,
        currency=subscription.currency,
        description=_("%(service)s, %(start)s to %(end)s")
        % {"service": subscription.offering.name, "start": period.starts_on, "end": period.ends_on},
        payer_user=actor,
        payee_organization=subscription.offering.department.organization,
    )
    if period.payment_id != payment.pk:
        period.payment = payment
        period.save(update_fields=["payment", "updated_at"])
    return payment


def subscription_period_paid(period: SubscriptionPeriod, payment: Any) -> None:
    """On-paid handler of the "services.subscription_period" payable: the period is paid and
    the subscription runs to its end (the payments app checked amount and cancellation)."""
    subscription = period.subscription
    period.paid_at = payment.succeeded_at or timezone.now()
    period.payment_id = payment.pk
    period.save(update_fields=["paid_at", "payment", "updated_at"])
    subscription.status = Subscription.Status.ACTIVE
    subscription.paid_until = max(filter(None, [subscription.paid_until, period.ends_on]))
    subscription.save(update_fields=["status", "paid_until", "updated_at"])
    audit.record(
        actor=None,
        target=subscription,
        verb="services.subscription.period_paid",
        data={"period": str(period.starts_on)},
    )


@transaction.atomic
def subscription_cancel(*, subscription_id: int, actor: Any) -> Subscription:
    """The client (or the department's head) stops the subscription; paid periods still get
    their digest. An unpaid period's open payment is cancelled."""
    from payments.actions import payment_cancel
    from payments.models import Payment

    subscription = _lock_subscription(subscription_id)
    if not (permissions.is_subscription_client(actor, subscription) or permissions.leads_department(
        actor, subscription.offering.department
    )):  # fmt: skip
        raise PermissionDenied
    if subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("This subscription was cancelled already."))
    for period in subscription.periods.filter(paid_at__isnull=True, payment__isnull=False).select_related("payment"):
        if period.payment.status == Payment.Status.PROCESSING:
            raise DomainError(_("A payment is being processed; try again in a moment."))
        if period.payment.is_open or period.payment.status == Payment.Status.FAILED:
            payment_cancel(payment_id=period.payment_id, actor=actor, purpose_closed=True)
    subscription.status = Subscription.Status.CANCELLED
    subscription.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=subscription, verb="services.subscription.cancelled")
    return subscription


@transaction.atomic
def subscription_item_add(*, subscription_id: int, actor: Any, title: str, url: str = "", note: str = "") -> Any:
    """Staff of the providing department add an item (a clipping, a link) for the next digest."""
    subscription = _lock_subscription(subscription_id)
    if not permissions.works_on_subscription(actor, subscription):
        raise PermissionDenied
    if subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("This subscription was cancelled."))
    if not title.strip():
        raise DomainError(_("Give the item a title."))
    item = SubscriptionItem.objects.create(
        subscription=subscription, title=title.strip(), url=url.strip(), note=note.strip(), added_by=actor
    )
    audit.record(actor=actor, target=subscription, verb="services.subscription.item_added", data={"item": item.pk})
    return item


def _catalog_matches(subscription: Subscription, since: Any, until: Any) -> list[Any]:
    """Union-catalog records shared in the period whose text contains every saved-search word."""
    from cataloging.models import BibRecord

    terms = [t for t in subscription.search_terms.replace(";", " ").split() if t][:10]
    if not terms:
        return []
    records = BibRecord.objects.shared().filter(shared_at__gte=since, shared_at__lt=until)
    for term in terms:
        records = records.filter(Q(search_text__icontains=term) | Q(title__icontains=term))
    return list(records.order_by("-shared_at")[:100])


def digest_build(*, period_id: int) -> Digest | None:
    """Build, store and queue the e-mail of the digest of one ended, paid period. Idempotent:
    a period has at most one digest (unique constraint, checked under the subscription lock)."""
    with transaction.atomic():
        period = SubscriptionPeriod.objects.select_related("subscription").get(pk=period_id)
        subscription = _lock_subscription(period.subscription_id)
        if period.paid_at is None or period.ends_on > timezone.localdate():
            return None
        if Digest.objects.filter(subscription=subscription, period_start=period.starts_on).exists():
            return None  # built by an earlier run
        tz = timezone.get_current_timezone()
        since = timezone.datetime.combine(period.starts_on, timezone.datetime.min.time(), tzinfo=tz)
        until = timezone.datetime.combine(period.ends_on, timezone.datetime.min.time(), tzinfo=tz)
        records = _catalog_matches(subscription, since, until)
        items = list(subscription.items.filter(digest__isnull=True, created_at__lt=until))
        lines = [
            _("%(service)s · %(topic)s") % {"service": subscription.offering.name, "topic": subscription.topic},
            _("Period: %(start)s to %(end)s") % {"start": period.starts_on, "end": period.ends_on},
            "",
        ]
        if items:
            lines.append(_("Selected by our staff:"))
            lines += [f"- {i.title}" + (f" <{i.url}>" if i.url else "") + (f"\n  {i.note}" if i.note else "")
                      for i in items]  # fmt: skip
            lines.append("")
        if records:
            lines.append(_("New in the union catalog:"))
            lines += [f"- {r.title} ({r.publisher} {r.year or ''})".replace(" )", ")") for r in records]
        if not items and not records:
            lines.append(_("Nothing new on this topic in this period."))
        digest = Digest.objects.create(
            subscription=subscription,
            period_start=period.starts_on,
            body="\n".join(lines),
            record_count=len(records),
            item_count=len(items),
        )
        SubscriptionItem.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
        audit.record(
            actor=None,
            target=subscription,
            verb="services.subscription.digest_built",
            data={"digest": digest.pk, "records": len(records), "items": len(items)},
        )
        notify(
            recipient_id=subscription.client.user_id,
            verb="services.subscription.digest",
            title=_("Your digest: %(topic)s") % {"topic": subscription.topic},
            url=reverse("services:digest_detail", kwargs={"pk": digest.pk}),
            send_email=False,  # the digest itself is e-mailed
        )
        from services.tasks import digest_email_task

        enqueue_on_commit(digest_email_task, digest_id=digest.pk)
    return digest


def digest_send_email(*, digest_id: int) -> bool:
    """E-mail a digest once (idempotent: `emailed_at` under the row lock)."""
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(of=("self",))
            .select_related("subscription__client__user")
            .get(pk=digest_id)
        )
        user = digest.subscription.client.user
        if digest.emailed_at or not user.email:
            return False
        EmailMessage(
            _("Your digest: %(topic)s") % {"topic": digest.subscription.topic}, digest.body, to=[user.email]
        ).send()
        digest.emailed_at = timezone.now()
        digest.save(update_fields=["emailed_at"])
    return True


def digest_run_due() -> int:
    """The periodic job: build every digest that is due (ended, paid periods without one)."""
    due = (
        SubscriptionPeriod.objects.filter(paid_at__isnull=False, ends_on__lte=timezone.localdate())
        .exclude(
            Exists(
                Digest.objects.filter(subscription_id=OuterRef("subscription_id"), period_start=OuterRef("starts_on"))
            )
        )
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in list(due[:500]) if digest_build(period_id=pk) is not None)


# --- consultations ------------------------------------------------------------------------------------


def consultation_department() -> Department:
    """Customer service answers consultations (DESIGN §3); the code is configurable."""
    code = settings.SERVICES_CONSULTATION_DEPARTMENT
    return Department.objects.get(organization__is_home=True, code=code)


@transaction.atomic
def consultation_open(*, actor: Any, subject: str, body: str) -> Consultation:
    account = ClientAccount.objects.filter(user=actor).first()
    if account is None:
        raise PermissionDenied
    if not subject.strip() or not body.strip():
        raise DomainError(_("Enter a subject and your question."))
    consultation = Consultation.objects.create(
        client=account, department=consultation_department(), subject=subject.strip()
    )
    ConsultationMessage.objects.create(consultation=consultation, author=actor, body=body.strip())
    audit.record(actor=actor, target=consultation, verb="services.consultation.opened")
    for user_id in heads_of(consultation.department):
        notify(
            recipient_id=user_id,
            verb="services.consultation.opened",
            title=_("New consultation: %(subject)s") % {"subject": consultation.subject},
            url=reverse("services:consultation_detail", kwargs={"pk": consultation.pk}),
        )
    return consultation


@transaction.atomic
def consultation_reply(*, consultation_id: int, actor: Any, body: str) -> ConsultationMessage:
    """The client or customer-service staff write in the thread; the first staff answer sets
    the first-response time."""
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related("client").get(pk=consultation_id)
    is_client = permissions.is_consultation_client(actor, consultation)
    from_staff = permissions.answers_consultation(actor, consultation)
    if not (is_client or from_staff):
        raise PermissionDenied
    if consultation.status == Consultation.Status.CLOSED:
        raise DomainError(_("This consultation is closed."))
    if not body.strip():
        raise DomainError(_("Write a message."))
    message = ConsultationMessage.objects.create(
        consultation=consultation, author=actor, body=body.strip(), from_staff=from_staff and not is_client
    )
    if message.from_staff:
        consultation.status = Consultation.Status.ANSWERED
        if consultation.first_response_at is None:
            consultation.first_response_at = message.created_at
        recipients = [consultation.client.user_id]
    else:
        consultation.status = Consultation.Status.OPEN
        recipients = heads_of(consultation.department)
    consultation.save(update_fields=["status", "first_response_at", "updated_at"])
    audit.record(actor=actor, target=consultation, verb="services.consultation.replied", data={"staff": from_staff})
    for user_id in recipients:
        notify(
            recipient_id=user_id,
            verb="services.consultation.replied",
            title=_("New answer: %(subject)s") % {"subject": consultation.subject},
            url=reverse("services:consultation_detail", kwargs={"pk": consultation.pk}),
        )
    return message


@transaction.atomic
def consultation_close(*, consultation_id: int, actor: Any) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation_id)
    if not (permissions.is_consultation_client(actor, consultation) or permissions.answers_consultation(
        actor, consultation
    )):  # fmt: skip
        raise PermissionDenied
    if consultation.status == Consultation.Status.CLOSED:
        raise InvalidTransition(consultation, Consultation.Status.CLOSED.label)
    consultation.status = Consultation.Status.CLOSED
    consultation.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=consultation, verb="services.consultation.closed")
    return consultation


# --- training -------------------------------------------------------------------------------------------


@transaction.atomic
def training_register(*, session_id: int, actor: Any) -> TrainingRegistration:
    """Register for a session: a place while there are free places, else the waiting list.
    The session row lock serialises registrations, so capacity is never exceeded."""
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    if not permissions.can_register_training(actor, session):
        raise PermissionDenied
    if session.starts_at <= timezone.now():
        raise DomainError(_("This session has started already."))
    if session.registrations.filter(user=actor).exclude(status=TrainingRegistration.Status.CANCELLED).exists():
        raise DomainError(_("You are registered for this session already."))
    taken = session.registrations.filter(status=TrainingRegistration.Status.REGISTERED).count()
    status = (
        TrainingRegistration.Status.REGISTERED if taken < session.capacity else TrainingRegistration.Status.WAITLISTED
    )
    registration = TrainingRegistration.objects.create(session=session, user=actor, status=status)
    audit.record(actor=actor, target=session, verb="services.training.registered", data={"status": status})
    return registration


@transaction.atomic
def training_cancel(*, registration_id: int, actor: Any) -> TrainingRegistration:
    """Cancel a registration (its owner); a freed place goes to the first on the waiting list."""
    from payments.models import Payment

    session_id, payment_id = TrainingRegistration.objects.values_list("session_id", "payment_id").get(
        pk=registration_id
    )
    # Lock order: the payment (as its success handler does), the session, its registrations.
    if payment_id:
        Payment.objects.select_for_update().get(pk=payment_id)
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    registration = TrainingRegistration.objects.select_for_update().get(pk=registration_id)
    if registration.payment_id != payment_id:
        raise DomainError(_("A payment is being processed; try again in a moment."))
    if registration.user_id != actor.pk:
        raise PermissionDenied
    if registration.status not in (TrainingRegistration.Status.REGISTERED, TrainingRegistration.Status.WAITLISTED):
        raise InvalidTransition(registration, TrainingRegistration.Status.CANCELLED.label)
    freed = registration.status == TrainingRegistration.Status.REGISTERED
    registration.status = TrainingRegistration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    if registration.paid_at is not None:
        # The fee was paid: refunded in full, automatically (payments app, after commit).
        refund_automatically(
            payment_id=registration.payment_id,
            requested_by=actor,
            reason=_("Training registration for %(title)s cancelled.") % {"title": session.title},
        )
    audit.record(
        actor=actor, target=session, verb="services.training.cancelled", data={"registration": registration.pk}
    )
    if freed:
        promoted = (
            session.registrations.select_for_update()
            .filter(status=TrainingRegistration.Status.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted is not None:
            promoted.status = TrainingRegistration.Status.REGISTERED
            promoted.save(update_fields=["status", "updated_at"])
            audit.record(actor=None, target=session, verb="services.training.promoted",
                         data={"registration": promoted.pk})  # fmt: skip
            notify(
                recipient_id=promoted.user_id,
                verb="services.training.promoted",
                title=_("A place is free for you: %(title)s") % {"title": session.title},
                url=reverse("services:training_detail", kwargs={"pk": session.pk}),
            )
    return registration


@transaction.atomic
def training_mark_attended(*, registration_id: int, actor: Any) -> TrainingRegistration:
    session_id = TrainingRegistration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    registration = TrainingRegistration.objects.select_for_update().get(pk=registration_id)
    if not permissions.runs_training(actor, session):
        raise PermissionDenied
    if registration.status != TrainingRegistration.Status.REGISTERED:
        raise InvalidTransition(registration, TrainingRegistration.Status.ATTENDED.label)
    registration.status = TrainingRegistration.Status.ATTENDED
    registration.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=session, verb="services.training.attended", data={"registration": registration.pk})
    return registration


def training_send_reminders(*, hours: int = 24) -> int:
    """E-mail registered people once, in the `hours` before their session starts."""
    now = timezone.now()
    due = TrainingRegistration.objects.filter(
        status=TrainingRegistration.Status.REGISTERED,
        reminded_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=hours),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            registration = (
                TrainingRegistration.objects.select_for_update(of=("self",))
                .select_related("session", "user")
                .get(pk=pk)
            )
            if registration.reminded_at or registration.status != TrainingRegistration.Status.REGISTERED:
                continue
            session = registration.session
            if registration.user.email:
                start = timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
                EmailMessage(
                    _("Reminder: %(title)s") % {"title": session.title},
                    _("Your training session starts at %(start)s. Place: %(place)s")
                    % {"start": start, "place": session.location or session.online_url},
                    to=[registration.user.email],
                ).send()
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@transaction.atomic
def training_session_save(*, session: TrainingSession, actor: Any) -> TrainingSession:
    """Create or edit a training session (heads and leadership of the home office)."""
    created = session.pk is None
    if not permissions.can_manage_training(actor):
        raise PermissionDenied
    if not created:
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.capacity < session.registrations.filter(status=TrainingRegistration.Status.REGISTERED).count():
            raise DomainError(_("More people are registered than the new number of places."))
    session.full_clean()
    session.save()
    audit.record(
        actor=actor,
        target=session,
        verb="services.training.created" if created else "services.training.changed",
        organization=session.department.organization,
    )
    return session


@transaction.atomic
def training_pay(*, registration_id: int, actor: Any) -> Any:
    """Start paying the fee of a registration that holds a place; amount from the session."""
    from payments.actions import payment_create

    registration = (
        TrainingRegistration.objects.select_for_update(of=("self",))
        .select_related("session__department__organization")
        .get(pk=registration_id)
    )
    if registration.user_id != actor.pk:
        raise PermissionDenied
    session = registration.session
    if registration.status != TrainingRegistration.Status.REGISTERED or registration.paid_at or not session.fee_minor:
        raise DomainError(_("Nothing is waiting for payment."))
    payment = payment_create(
        purpose_type=TRAINING_PURPOSE,
        purpose_id=registration.pk,
        amount_minor=session.fee_minor,
        currency=session.currency,
        description=_("Training: %(title)s") % {"title": session.title},
        payer_user=actor,
        payee_organization=session.department.organization,
    )
    if registration.payment_id != payment.pk:
        registration.payment = payment
        registration.save(update_fields=["payment", "updated_at"])
    return payment


def training_registration_paid(registration: TrainingRegistration, payment: Any) -> None:
    """On-paid handler of the "services.training_registration" payable: the fee is paid (the
    payments app checked amount, an earlier payment and cancellation)."""
    registration.paid_at = payment.succeeded_at or timezone.now()
    registration.payment_id = payment.pk
    registration.save(update_fields=["paid_at", "payment", "updated_at"])
    audit.record(
        actor=None, target=registration.session, verb="services.training.paid", data={"registration": registration.pk}
    )
