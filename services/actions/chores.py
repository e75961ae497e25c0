"""Clean-up of the services app that beat runs (issue 19 item 4); the schedule is declared in
services/apps.py, the thin task is in services/tasks.py.

    client_registrations_unconfirmed_remove   daily: self-registered client accounts whose
        address was never confirmed and that were never used, UNCONFIRMED_KEEP after registering

Idempotent: a removed account is gone, a kept one is kept again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Cast
from django.utils import timezone

from office import audit
from office.models import AuditEvent, ClientAccount

# Ten times the confirmation link's three days: a person who meant it has long asked for a new
# one (logging in keeps the account). The schedule page (services/apps.py) names this period.
UNCONFIRMED_KEEP = timedelta(days=30)
REGISTERED = "services.client.registered"
REMOVED = "services.client.unconfirmed_removed"


def client_registrations_unconfirmed_remove(*, now: datetime | None = None) -> int:
    """Delete the user and client account of every client who registered on the site more than
    UNCONFIRMED_KEEP ago, never confirmed the address and never logged in: the user name and the
    address are free to register again. Accounts made by staff (no registration) and accounts
    that other rows refer to (protected: an order, a payment) are kept. Audited; returns how many."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEEP
    self_registered = AuditEvent.objects.filter(
        verb=REGISTERED,
        target_type=ContentType.objects.get_for_model(ClientAccount),
        target_id=Cast(OuterRef("pk"), CharField()),
    )
    candidates = (
        ClientAccount.objects.filter(email_confirmed=False, created_at__lt=cutoff, user__last_login__isnull=True)
        .filter(Exists(self_registered))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_remove(account_id) for account_id in list(candidates))


@transaction.atomic
def _remove(account_id: int) -> bool:
    account = (
        ClientAccount.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=account_id, email_confirmed=False, user__last_login__isnull=True)
        .first()
    )
    if account is None or account.user.is_staff or account.user.is_superuser:
        return False  # confirmed or used since the query
    try:
        with transaction.atomic():  # a savepoint: a refused delete leaves no audit row behind
            audit.record(actor=None, target=account, verb=REMOVED, data={"username": account.user.username})
            account.user.delete()  # the client account and its notifications go with it
    except (ProtectedError, RestrictedError):
        return False
    return True
