"""Inquiries: new -> answered (reply e-mailed in the inquirer's language) -> closed; new -> spam.

`inquiry_create` is the entry point other areas call too (the chat takes a message outside
staffed hours and files it here with kind "chat")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing import permissions
from marketing.models import Inquiry
from office import audit
from office.actions import notify
from office.exceptions import DomainError
from office.functions import member_user_ids
from office.models import Function
from office.queue import enqueue_on_commit

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _check_fields(*, kind: str, name: str, email: str, message: str) -> None:
    if kind not in Inquiry.Kind.values:
        raise DomainError(_("Unknown kind of inquiry."))
    if not name.strip() or not message.strip():
        raise DomainError(_("Please give your name and a message."))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Please give a valid e-mail address.")) from exc


def _queue_staff_ids() -> list[int]:
    """Who hears of a new inquiry: the home office's customer service (office.functions)."""
    return sorted(member_user_ids(Function.CUSTOMER_SERVICE, organization__is_home=True))


@transaction.atomic
def inquiry_create(
    *,
    kind: str,
    name: str,
    email: str,
    message: str,
    subject: str = "",
    organisation: str = "",
    language: str = "en",
    source_url: str = "",
    user: Any = None,
    campaign: str = "",
) -> Inquiry:
    """File an inquiry in customer service's queue and tell the department. Refuses an unknown
    kind, an empty name or message and an invalid address (DomainError)."""
    _check_fields(kind=kind, name=name, email=email, message=message)
    inquiry = Inquiry.objects.create(
        kind=kind,
        name=name.strip()[:200],
        email=email.strip(),
        message=message.strip(),
        subject=subject.strip()[:200],
        organisation=organisation.strip()[:200],
        language=language if language in LANGUAGES else settings.LANGUAGE_CODE,
        source_url=source_url[:500],
        campaign=campaign[:100],
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    audit.record(actor=user, target=inquiry, verb="marketing.inquiry.created", data={"kind": kind})
    url = reverse("marketing_manage:inquiry_detail", args=[inquiry.pk])
    for staff_id in _queue_staff_ids():
        notify(
            recipient_id=staff_id,
            verb="marketing.inquiry.created",
            title=gettext_noop("New inquiry from %(name)s"),
            body=gettext_noop("%(name)s (%(email)s) wrote: %(subject)s"),
            params={"name": inquiry.name, "email": inquiry.email, "subject": inquiry.subject or inquiry.message[:80]},
            url=url,
        )
    return inquiry


@transaction.atomic
def inquiry_answer(*, inquiry_id: int, actor: Any, reply: str) -> Inquiry:
    """Record the reply and e-mail it (after commit) to the inquirer in their language."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
    if not permissions.can_edit_site(actor):
        raise PermissionDenied(_("Only the leadership office and customer service answer inquiries."))
    if not reply.strip():
        raise DomainError(_("Please write the reply."))
    inquiry.move_to(Inquiry.Status.ANSWERED)
    inquiry.reply, inquiry.answered_by, inquiry.answered_at = reply.strip(), actor, timezone.now()
    inquiry.reply_emailed_at = None
    inquiry.save(update_fields=["status", "reply", "answered_by", "answered_at", "reply_emailed_at", "updated_at"])
    audit.record(actor=actor, target=inquiry, verb="marketing.inquiry.answered", data={})
    enqueue_on_commit("marketing.tasks.inquiry_reply_email_task", inquiry_id=inquiry.pk)
    return inquiry


@transaction.atomic
def inquiry_set_status(*, inquiry_id: int, actor: Any, status: str) -> Inquiry:
    """Close an inquiry, mark it as spam, or take it back from spam."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
    if not permissions.can_edit_site(actor):
        raise PermissionDenied(_("Only the leadership office and customer service answer inquiries."))
    inquiry.move_to(status)
    inquiry.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=inquiry, verb=f"marketing.inquiry.{status}", data={})
    return inquiry


def inquiry_send_reply(*, inquiry_id: int) -> bool:
    """E-mail the reply once, in the inquirer's language. Idempotent (`reply_emailed_at`)."""
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
        if inquiry.reply_emailed_at or not inquiry.reply:
            return False
        with translation.override(inquiry.language):
            subject = _("Re: %(subject)s") % {"subject": inquiry.subject or _("your inquiry")}
            greeting = _("Dear %(name)s,") % {"name": inquiry.name}
            quoted = _("You wrote:")
        body = f"{greeting}\n\n{inquiry.reply}\n\n-- \n{quoted}\n{inquiry.message}"
        send_mail(subject, body, None, [inquiry.email])
        inquiry.reply_emailed_at = timezone.now()
        inquiry.save(update_fields=["reply_emailed_at"])
    return True


def inquiry_reply_sweep() -> int:
    """Catch-up: replies a broker outage left unsent."""
    ids = Inquiry.objects.filter(
        status__in=[Inquiry.Status.ANSWERED, Inquiry.Status.CLOSED], reply_emailed_at__isnull=True
    ).exclude(reply="")
    return sum(1 for pk in ids.values_list("pk", flat=True) if inquiry_send_reply(inquiry_id=pk))
