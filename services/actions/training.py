"""Training sessions and registrations (`services.payables` declares the fee as a payable):

    registered | waitlisted -> cancelled (its owner; a freed place goes to the first waiting,
    a paid fee is refunded in full)
    registered -> attended (staff running the session)

The session row lock serialises registrations, so capacity is never exceeded. Registered
people are reminded once before their session.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.money import check_amount
from office.texts import language_for
from payments.actions import payment_create, refund_automatically
from payments.models import Payment
from services import permissions
from services.models import TrainingRegistration, TrainingSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TRAINING_PURPOSE = "services.training_registration"
Registration = TrainingRegistration.Status


@transaction.atomic
def training_register(*, session_id: int, actor: User) -> TrainingRegistration:
    """Register for a session: a place while there are free places, else the waiting list.
    The session row lock serialises registrations, so capacity is never exceeded."""
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    if not permissions.can_register_training(actor, session):
        raise PermissionDenied
    if session.starts_at <= timezone.now():
        raise DomainError(_("This session has started already."))
    if session.registrations.filter(user=actor).exclude(status=Registration.CANCELLED).exists():
        raise DomainError(_("You are registered for this session already."))
    taken = session.registrations.filter(status=Registration.REGISTERED).count()
    status = Registration.REGISTERED if taken < session.capacity else Registration.WAITLISTED
    registration = TrainingRegistration.objects.create(session=session, user=actor, status=status)
    audit.record(actor=actor, target=session, verb="services.training.registered", data={"status": status})
    return registration


@transaction.atomic
def training_cancel(*, registration_id: int, actor: User) -> TrainingRegistration:
    """Cancel a registration (its owner); a freed place goes to the first on the waiting list."""
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
    if registration.status not in (Registration.REGISTERED, Registration.WAITLISTED):
        raise InvalidTransition(registration, Registration.CANCELLED.label)
    freed = registration.status == Registration.REGISTERED
    registration.status = Registration.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    if registration.paid_at is not None:
        # The fee was paid: refunded in full, automatically (payments app, after commit).
        refund_automatically(
            payment_id=registration.payment_id,
            requested_by=actor,
            reason=gettext_noop("Training registration for %(title)s cancelled."),
            params={"title": session.title},
        )
    audit.record(
        actor=actor, target=session, verb="services.training.cancelled", data={"registration": registration.pk}
    )
    if freed:
        _promote_first_waiting(session)
    return registration


def _promote_first_waiting(session: TrainingSession) -> None:
    """Give a freed place to the first on the waiting list (the caller holds the session lock)."""
    promoted = (
        session.registrations.select_for_update()
        .filter(status=Registration.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if promoted is None:
        return
    promoted.status = Registration.REGISTERED
    promoted.save(update_fields=["status", "updated_at"])
    audit.record(actor=None, target=session, verb="services.training.promoted", data={"registration": promoted.pk})
    notify(
        recipient_id=promoted.user_id,
        verb="services.training.promoted",
        title=gettext_noop("A place is free for you: %(title)s"),
        url=reverse("services:training_detail", kwargs={"pk": session.pk}),
        params={"title": session.title},
    )


@transaction.atomic
def training_mark_attended(*, registration_id: int, actor: User) -> TrainingRegistration:
    """Staff running the session mark a registered person as attended."""
    session_id = TrainingRegistration.objects.values_list("session_id", flat=True).get(pk=registration_id)
    session = TrainingSession.objects.select_for_update().get(pk=session_id)
    registration = TrainingRegistration.objects.select_for_update().get(pk=registration_id)
    if not permissions.runs_training(actor, session):
        raise PermissionDenied
    if registration.status != Registration.REGISTERED:
        raise InvalidTransition(registration, Registration.ATTENDED.label)
    registration.status = Registration.ATTENDED
    registration.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=session, verb="services.training.attended", data={"registration": registration.pk})
    return registration


def training_send_reminders(*, hours: int = 24) -> int:
    """E-mail registered people once, in the `hours` before their session starts."""
    now = timezone.now()
    due = TrainingRegistration.objects.filter(
        status=Registration.REGISTERED,
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
            if registration.reminded_at or registration.status != Registration.REGISTERED:
                continue
            session = registration.session
            if registration.user.email:
                start = timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
                with translation.override(language_for(registration.user)):
                    subject = _("Reminder: %(title)s") % {"title": session.title}
                    body = _("Your training session starts at %(start)s. Place: %(place)s") % {
                        "start": start,
                        "place": session.location or session.online_url,
                    }
                EmailMessage(subject, body, to=[registration.user.email]).send()
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            sent += 1
    return sent


@transaction.atomic
def training_session_save(*, session: TrainingSession, actor: User) -> TrainingSession:
    """Create or edit a training session: the head of its department (or of a unit above it)
    or the home leadership, for the session as stored and as it will be (a head cannot move
    a session into, or create one in, a department they do not lead)."""
    created = session.pk is None
    if not permissions.can_edit_training(actor, session):
        raise PermissionDenied
    check_amount(session.fee_minor, session.currency, allow_zero=True)  # 0: a free session
    if not created:
        stored = TrainingSession.objects.select_for_update().select_related("department").get(pk=session.pk)
        if not permissions.can_edit_training(actor, stored):
            raise PermissionDenied
        if session.capacity < session.registrations.filter(status=Registration.REGISTERED).count():
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
def training_pay(*, registration_id: int, actor: User) -> Payment:
    """Start paying the fee of a registration that holds a place; amount from the session."""
    registration = (
        TrainingRegistration.objects.select_for_update(of=("self",))
        .select_related("session__department__organization")
        .get(pk=registration_id)
    )
    if registration.user_id != actor.pk:
        raise PermissionDenied
    session = registration.session
    if registration.status != Registration.REGISTERED or registration.paid_at or not session.fee_minor:
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


def training_registration_paid(registration: TrainingRegistration, payment: Payment) -> None:
    """On-paid handler of the "services.training_registration" payable: the fee is paid (the
    payments app checked amount, an earlier payment and cancellation)."""
    registration.paid_at = payment.succeeded_at or timezone.now()
    registration.payment_id = payment.pk
    registration.save(update_fields=["paid_at", "payment", "updated_at"])
    audit.record(
        actor=None, target=registration.session, verb="services.training.paid", data={"registration": registration.pk}
    )
