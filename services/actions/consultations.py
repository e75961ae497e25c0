"""Consultations: a client's question thread, answered by customer service (DESIGN §3).

open -> answered (a staff reply; the first sets the first-response time) -> open (the
client writes again) ... -> closed (client or staff)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import unit_head_ids
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.models import ClientAccount
from services import permissions
from services.models import Consultation, ConsultationMessage
from services.selectors import consultation_department

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _consultation_url(consultation: Consultation) -> str:
    return reverse("services:consultation_detail", kwargs={"pk": consultation.pk})


@transaction.atomic
def consultation_open(*, actor: User, subject: str, body: str) -> Consultation:
    """A client asks customer service a question; the department's heads are told."""
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
    for user_id in unit_head_ids(consultation.department):
        notify(
            recipient_id=user_id,
            verb="services.consultation.opened",
            title=gettext_noop("New consultation: %(subject)s"),
            url=_consultation_url(consultation),
            params={"subject": consultation.subject},
        )
    return consultation


@transaction.atomic
def consultation_reply(*, consultation_id: int, actor: User, body: str) -> ConsultationMessage:
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
        recipients = unit_head_ids(consultation.department)
    consultation.save(update_fields=["status", "first_response_at", "updated_at"])
    audit.record(actor=actor, target=consultation, verb="services.consultation.replied", data={"staff": from_staff})
    for user_id in recipients:
        notify(
            recipient_id=user_id,
            verb="services.consultation.replied",
            title=gettext_noop("New answer: %(subject)s"),
            url=_consultation_url(consultation),
            params={"subject": consultation.subject},
        )
    return message


@transaction.atomic
def consultation_close(*, consultation_id: int, actor: User) -> Consultation:
    """The client or customer-service staff close the thread; no more messages."""
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
