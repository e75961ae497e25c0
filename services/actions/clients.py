"""Client accounts: a remote client registers (e-mail not yet confirmed), confirms the
address with a signed, expiring link (sent after commit, again on request), and keeps its
own contact and invoice details.

    registered (email_confirmed=False) -> confirmed (may order and subscribe)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from office import audit
from office.access import sync_role_groups
from office.exceptions import DomainError
from office.models import ClientAccount
from office.queue import enqueue_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CONFIRM_SALT = "services.client-confirm"
CONFIRM_MAX_AGE = 3 * 24 * 3600
CONFIRMATION_TASK = "services.tasks.client_confirmation_email_task"
PROFILE_FIELDS = ("kind", "display_name", "organisation_name", "phone", "fax", "postal_address", "invoice_title",
                  "tax_id")  # fmt: skip


@transaction.atomic
def client_register(
    *, username: str, email: str, password: str, kind: str, display_name: str, **details: str
) -> ClientAccount:
    """A remote client registers: a user and its `ClientAccount`, e-mail not yet confirmed.
    The confirmation e-mail (signed token) goes out after commit."""
    users = get_user_model().objects
    if users.filter(username__iexact=username).exists():
        raise DomainError(_("This user name is taken."))
    if users.filter(email__iexact=email).exists():
        raise DomainError(_("An account with this e-mail address exists already; log in or reset the password."))
    user = users.create_user(username=username, email=email, password=password)
    allowed = {"organisation_name", "phone", "fax", "postal_address", "invoice_title", "tax_id"}
    account = ClientAccount.objects.create(
        user=user, kind=kind, display_name=display_name, **{k: v for k, v in details.items() if k in allowed}
    )
    sync_role_groups(user)
    audit.record(actor=user, target=account, verb="services.client.registered", data={"kind": kind})
    enqueue_on_commit(CONFIRMATION_TASK, user_id=user.pk)
    return account


def client_confirmation_token(user: User) -> str:
    # The e-mail is part of the token: a changed address needs a new confirmation.
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=CONFIRM_SALT, compress=True)


def client_confirmation_resend(*, actor: User) -> bool:
    """Queue the confirmation e-mail again for a client whose address is not yet confirmed
    (after commit). Returns whether one was queued: a confirmed address needs none."""
    account = ClientAccount.objects.filter(user_id=actor.pk).first()
    if account is None or account.email_confirmed:
        return False
    enqueue_on_commit(CONFIRMATION_TASK, user_id=actor.pk)
    return True


def client_send_confirmation(*, user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
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


@transaction.atomic
def client_profile_update(*, actor: User, **values: str) -> ClientAccount:
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
