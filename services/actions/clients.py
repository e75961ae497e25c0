"""Client accounts: a remote client registers (e-mail not yet confirmed), confirms the
address with a signed, expiring link (sent after commit, again on request), and keeps its
own contact and invoice details.

    registered (email_confirmed=False) -> confirmed (may order and subscribe)

Self-registration tells nobody which e-mail addresses or user names exist. Like the
password-reset page, the registration page gives every valid request one answer ("we sent
you an e-mail"); what happened is told only to whoever reads the address
(`client_register_or_notify`):
- a new user name and address: the account is made and the confirmation e-mail goes out
  (`client_register`);
- the address has an account already: the address is told so, with links to log in and to
  set a new password;
- the user name is taken: the address is told to register again under another name.
Sign-ups racing for one name or address meet the database's unique indexes (office
migration 0003): `client_register` turns the refused insert into a DomainError and the loser
gets the second or third answer, never a 500. The other two paths hash the password as a
registration does, so the answer takes as long either way. One address gets a few of these
mails an hour at most (office.ratelimit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from office import audit, ratelimit
from office.access import sync_role_groups
from office.exceptions import DomainError
from office.models import ClientAccount, Preference
from office.queue import enqueue_on_commit
from office.texts import language_for

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
    _refuse_taken(username, email)
    try:
        with transaction.atomic():  # a savepoint: the unique indexes may refuse the insert
            user = get_user_model().objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        # A parallel sign-up took the name or address between the check and the insert;
        # PostgreSQL waited for it to commit, so the check finds it now.
        _refuse_taken(username, email)
        raise DomainError(_("We could not register you just now. Please try again.")) from None
    allowed = {"organisation_name", "phone", "fax", "postal_address", "invoice_title", "tax_id"}
    account = ClientAccount.objects.create(
        user=user, kind=kind, display_name=display_name, **{k: v for k, v in details.items() if k in allowed}
    )
    sync_role_groups(user)
    # The language of the page they registered on is theirs until they choose another one:
    # the confirmation e-mail and later notifications use it.
    Preference.objects.update_or_create(user=user, defaults={"language": page_language()})
    audit.record(actor=user, target=account, verb="services.client.registered", data={"kind": kind})
    enqueue_on_commit(CONFIRMATION_TASK, user_id=user.pk)
    return account


def _refuse_taken(username: str, email: str) -> None:
    """One account per user name and per e-mail address, whatever their case (the unique
    indexes of office migration 0003 say the same)."""
    users = get_user_model().objects
    if users.filter(username__iexact=username).exists():
        raise DomainError(_("This user name is taken."))
    if users.filter(email__iexact=email).exists():
        raise DomainError(_("An account with this e-mail address exists already; log in or reset the password."))


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


def page_language() -> str:
    """The language of the page being answered (one of settings.LANGUAGES), for e-mail sent later."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    known = {language for language, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


def client_send_confirmation(*, user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
    account = ClientAccount.objects.get(user=user)
    if account.email_confirmed:
        return
    link = settings.SITE_URL + reverse("services:client_confirm", kwargs={"token": client_confirmation_token(user)})
    with translation.override(language_for(user)):
        _send_confirmation(user, link)


def _send_confirmation(user: User, link: str) -> None:
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


# --- self-registration: one answer for everybody ---------------------------------------------

REGISTERED, ADDRESS_TAKEN, NAME_TAKEN, LIMITED = "registered", "address_taken", "name_taken", "limited"
NOTICE_TASK = "services.tasks.client_registration_notice_task"


def client_register_or_notify(*, username: str, email: str, password: str, **details: str) -> str:
    """Register the client, or tell the address why not (after commit). Returns what happened,
    for tests and logs only: the page says the same in every case. Raises DomainError (a form
    error) only if a unique index refused the account and no clashing account can be found."""
    if not ratelimit.address_allows("registration", email):
        make_password(password)
        return LIMITED
    outcome = _clash(username, email)
    if outcome is None:
        try:
            client_register(username=username, email=email, password=password, **details)
        except DomainError:
            # A parallel sign-up took the name or address between the check and the insert
            # (client_register saw the unique index refuse it): tell the address which.
            outcome = _clash(username, email)
            if outcome is None:
                raise DomainError(_("We could not register you just now. Please try again.")) from None
        else:
            return REGISTERED
    else:
        make_password(password)
    enqueue_on_commit(NOTICE_TASK, email=email, reason=outcome, username=username, language=page_language())
    return outcome


def _clash(username: str, email: str) -> str | None:
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        return ADDRESS_TAKEN
    if users.filter(username__iexact=username).exists():
        return NAME_TAKEN
    return None


def registration_notice_send(*, email: str, reason: str, username: str, language: str = "") -> None:
    """The e-mail that tells an address why a registration made no account, in the language of
    the page the registration came from."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _send_registration_notice(email, reason, username)


def _send_registration_notice(email: str, reason: str, username: str) -> None:
    if reason == ADDRESS_TAKEN:
        user = get_user_model().objects.filter(email__iexact=email).first()
        body = _(
            "Someone, perhaps you, tried to register a client account with this e-mail address. "
            "The address already belongs to an account (user name: %(username)s), so no new account "
            "was made.\n\nLog in: %(login)s\nForgot the password? Set a new one: %(reset)s\n\n"
            "If it was not you, you can ignore this e-mail."
        ) % {
            "username": user.get_username() if user else username,
            "login": settings.SITE_URL + reverse("login"),
            "reset": settings.SITE_URL + reverse("password_reset"),
        }
    else:
        body = _(
            "Someone, perhaps you, tried to register a client account with this e-mail address "
            "under the user name %(username)s. That user name is taken, so no account was made.\n\n"
            "Register again with another user name: %(register)s\n\n"
            "If it was not you, you can ignore this e-mail."
        ) % {"username": username, "register": settings.SITE_URL + reverse("services:client_register")}
    EmailMessage(_("Your registration for the office's information services"), body, to=[email]).send()
