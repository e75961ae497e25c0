"""Client self-registration that tells nobody which e-mail addresses or user names exist.

Like the password-reset page, the registration page gives every valid request one answer
("we sent you an e-mail"); what happened is told only to whoever reads the address:
- a new user name and address: the account is made and the confirmation e-mail goes out
  (actions.client_register);
- the address has an account already: the address is told so, with links to log in and to
  set a new password;
- the user name is taken: the address is told to register again under another name.
Sign-ups racing for one name or address meet the database's unique indexes (office
migration 0003); the loser gets the second or third answer, never a 500. The other two paths
hash the password as a registration does, so the answer takes as long either way. One
address gets a few of these mails an hour at most (office.ratelimit).

TODO(issue 17): `client_register_or_notify` and `registration_notice_send` are writes and
belong with `client_register` in services/actions/clients.py; they live here while that
package is being split (moving them changes no caller but the view and the task).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMessage
from django.db import IntegrityError
from django.urls import reverse
from django.utils.translation import gettext as _

from office import ratelimit
from office.exceptions import DomainError
from office.queue import enqueue_on_commit
from services import actions

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
            actions.client_register(username=username, email=email, password=password, **details)
        except (IntegrityError, DomainError):
            # A parallel sign-up took the name or address between the check and the insert
            # (PostgreSQL waited for it to commit, so it is there to be found now).
            outcome = _clash(username, email)
            if outcome is None:
                raise DomainError(_("We could not register you just now. Please try again.")) from None
        else:
            return REGISTERED
    else:
        make_password(password)
    enqueue_on_commit(NOTICE_TASK, email=email, reason=outcome, username=username)
    return outcome


def _clash(username: str, email: str) -> str | None:
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists():
        return ADDRESS_TAKEN
    if users.filter(username__iexact=username).exists():
        return NAME_TAKEN
    return None


def registration_notice_send(*, email: str, reason: str, username: str) -> None:
    """The e-mail that tells an address why a registration made no account."""
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
