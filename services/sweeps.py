"""The catch-up sweep of information-services work whose task never ran (issue 17): a broker
outage loses what `enqueue_on_commit` could not publish, and a Redis restart without
persistence loses what was queued. The database says what is still to do:

- a delivery by e-mail or fax not yet sent (`Delivery.emailed_at` empty): sent now
  (`delivery_send` sends once, under the row lock);
- a self-registered client who has not confirmed the e-mail address a while after
  registering: one more confirmation e-mail, once (audit `services.client.confirmation_resent`).
  Nothing records that the first e-mail went out, so the sweep cannot tell a lost e-mail from
  an unread one: a client who has not confirmed within CONFIRMATION_REMIND_AFTER gets one
  reminder either way. A `confirmation_sent_at` on ClientAccount, set by
  `client_send_confirmation`, would let it send only what was lost.

Digests (`digest_email_sweep_task`) have their own sweep already.

Beat runs `services_catch_up_task` (services/apps.py); CELERY_IMPORTS loads this module in
the worker. It is a module of its own, not part of services/actions/ and tasks.py, because
those were being reorganised when it was written; it may move there later.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from office import audit
from office.models import AuditEvent, ClientAccount
from services import actions
from services.models import Delivery, DeliveryChannel

logger = logging.getLogger(__name__)

CATCH_UP_AFTER = timedelta(minutes=2)  # the task's own chance first: it runs within seconds
DELIVERY_WINDOW = timedelta(days=7)  # an older unsent delivery needs a person, not a retry loop
MAILED_CHANNELS = (DeliveryChannel.EMAIL, DeliveryChannel.FAX)  # as delivery_send's
CONFIRMATION_REMIND_AFTER = timedelta(minutes=15)
CONFIRMATION_RESENT = "services.client.confirmation_resent"


def deliveries_send_unsent(*, now: datetime | None = None) -> int:
    """Send every e-mail or fax delivery of the last DELIVERY_WINDOW still unsent after
    CATCH_UP_AFTER; returns how many were sent. A failure is logged and retried next run."""
    now = now or timezone.now()
    unsent = Delivery.objects.filter(
        channel__in=MAILED_CHANNELS,
        emailed_at__isnull=True,
        created_at__gte=now - DELIVERY_WINDOW,
        created_at__lte=now - CATCH_UP_AFTER,
    ).values_list("pk", flat=True)
    sent = 0
    for delivery_id in unsent:
        try:
            sent += actions.delivery_send(delivery_id=delivery_id)
        except (SMTPException, OSError) as exc:  # mail server down, file missing: next run
            logger.warning("Delivery %s still not sent: %r", delivery_id, exc)
    return sent


def client_confirmations_resend(*, now: datetime | None = None) -> int:
    """Send one more confirmation e-mail to each client who registered between the token's
    lifetime and CONFIRMATION_REMIND_AFTER ago and has not confirmed; returns how many."""
    now = now or timezone.now()
    events = AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(ClientAccount))
    registered = events.filter(
        verb="services.client.registered",
        created_at__gte=now - timedelta(seconds=actions.CONFIRM_MAX_AGE),
        created_at__lte=now - CONFIRMATION_REMIND_AFTER,
    ).values_list("target_id", flat=True)
    reminded = set(events.filter(verb=CONFIRMATION_RESENT).values_list("target_id", flat=True))
    candidates = ClientAccount.objects.filter(
        pk__in=[int(pk) for pk in set(registered) - reminded], email_confirmed=False
    ).values_list("pk", flat=True)
    sent = 0
    for account_id in candidates:
        try:
            sent += _confirmation_resend(account_id)
        except (SMTPException, OSError) as exc:
            logger.warning("Confirmation e-mail of client account %s not sent: %r", account_id, exc)
    return sent


@transaction.atomic
def _confirmation_resend(account_id: int) -> bool:
    """Once per account: the lock and the audit row make a doubled sweep send one e-mail."""
    account = ClientAccount.objects.select_for_update().get(pk=account_id)
    already = AuditEvent.objects.filter(
        verb=CONFIRMATION_RESENT,
        target_type=ContentType.objects.get_for_model(ClientAccount),
        target_id=str(account.pk),
    ).exists()
    if account.email_confirmed or already:
        return False
    actions.client_send_confirmation(user_id=account.user_id)
    audit.record(actor=None, target=account, verb=CONFIRMATION_RESENT)
    return True


@shared_task
def services_catch_up_task() -> dict[str, int]:
    """Beat: send unsent deliveries and remind clients who have not confirmed their e-mail."""
    return {"deliveries_sent": deliveries_send_unsent(), "confirmations_resent": client_confirmations_resend()}
