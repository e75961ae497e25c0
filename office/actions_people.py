"""Personnel writes for the leadership office (issue 16): invite staff by e-mail with a
set-password link, transfer them, deactivate them (never delete) once their open work has a
new owner, and name deputies who approve while a head is on leave.

Open work in other apps is read by `office.actions_personnel.open_work`; what has an owner is handed
over by `reassign_open_work`, one row at a time, with each app's invariants kept (an order
goes to someone who may work on it, a ticket to technical services of its office).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit, permissions
from office.access import staff_profile, sync_role_groups
from office.exceptions import DomainError
from office.models import Department, Position, Preference, StaffProfile

logger = logging.getLogger(__name__)

INVITE_SUBJECT = gettext_noop("Your account on the office intranet")
INVITE_BODY = gettext_noop(
    "Hello %(name)s,\n\n%(office)s has opened an intranet account for you (user name: %(username)s).\n"
    "Choose your password here: %(link)s\n\nThe link works once and expires in a few days."
)


def _check(actor: Any, organization_id: int | None) -> None:
    profile = staff_profile(actor)
    if profile is None or not permissions.can_manage_org(actor) or profile.organization_id != organization_id:
        raise PermissionDenied(_("Only the leadership office manages personnel."))


def _lock_profile(user_id: int) -> StaffProfile:
    profile = StaffProfile.objects.select_for_update().select_related("user", "department").filter(user_id=user_id)
    found = profile.first()
    if found is None:
        raise DomainError(_("This person has no staff profile."))
    return found


def _open_unit(organization_id: int, department_id: int) -> Department:
    unit = Department.objects.filter(pk=department_id, organization_id=organization_id, closed_at__isnull=True).first()
    if unit is None:
        raise DomainError(_("Choose an open unit of your office."))
    return unit


def set_password_link(user: Any) -> str:
    """Django's password-reset token: works once (it changes with the password) and expires."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return settings.SITE_URL.rstrip("/") + path


def send_invitation(user: Any) -> None:
    """The invitation e-mail in the invitee's chosen language (after commit)."""
    profile = user.staff_profile
    send_account_link(user, name=profile.display_name, office=str(profile.organization))


def send_account_link(user: Any, *, name: str, office: str) -> None:
    """An e-mail in the recipient's language with a set-password link for a new account."""
    from office.texts import language_for

    with translation.override(language_for(user)):
        params = {"name": name, "office": office, "username": user.username}
        body = _(INVITE_BODY) % {**params, "link": set_password_link(user)}
        subject = _(INVITE_SUBJECT)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # the mail server is down: the page sends it again
        logger.exception("Invitation e-mail to user %s not sent", user.pk)


@transaction.atomic
def staff_invite(
    *, actor: Any, email: str, username: str, display_name: str, department_id: int, position_id: int,
    language: str = "", title: str = "",
) -> Any:  # fmt: skip
    """A new staff account without a password; the invitee chooses one from the e-mailed link."""
    organization_id = getattr(staff_profile(actor), "organization_id", None)
    _check(actor, organization_id)
    unit = _open_unit(organization_id, department_id)
    position = Position.objects.filter(pk=position_id).first()
    if position is None:
        raise DomainError(_("Choose a position."))
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists() or User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("Somebody already has this user name or e-mail address."))
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose a language from the list."))
    user = User.objects.create_user(username=username, email=email, password=None)
    StaffProfile.objects.create(
        user=user, organization_id=organization_id, department=unit, position=position,
        display_name=display_name, title=title,
    )  # fmt: skip
    if language:
        Preference.objects.update_or_create(user=user, defaults={"language": language})
    sync_role_groups(user)
    audit.record(
        actor=actor, target=user, verb="office.staff.invited",
        data={"department": unit.pk, "position": position.pk, "email": email},
    )  # fmt: skip
    transaction.on_commit(lambda: send_invitation(user))
    return user


@transaction.atomic
def staff_reinvite(*, actor: Any, user_id: int) -> Any:
    profile = _lock_profile(user_id)
    _check(actor, profile.organization_id)
    if not profile.user.is_active or profile.user.last_login is not None:
        raise DomainError(_("Only a person who has not signed in yet gets the invitation again."))
    audit.record(actor=actor, target=profile.user, verb="office.staff.reinvited", data={})
    transaction.on_commit(lambda: send_invitation(profile.user))
    return profile.user


@transaction.atomic
def staff_transfer(*, actor: Any, user_id: int, department_id: int, position_id: int | None = None) -> StaffProfile:
    """Move a person to another unit (and position) of the same office."""
    profile = _lock_profile(user_id)
    _check(actor, profile.organization_id)
    if not profile.user.is_active:
        raise DomainError(_("This person's account is deactivated."))
    unit = _open_unit(profile.organization_id, department_id)
    position = Position.objects.filter(pk=position_id).first() if position_id else profile.position
    if position is None:
        raise DomainError(_("Choose a position."))
    before = {"department": profile.department_id, "position": profile.position_id}
    if before == {"department": unit.pk, "position": position.pk}:
        raise DomainError(_("Nothing to change: this is already their unit and position."))
    profile.department, profile.position = unit, position
    profile.save(update_fields=["department", "position", "updated_at"])
    sync_role_groups(profile.user)
    audit.record(
        actor=actor, target=profile.user, verb="office.staff.transferred",
        data={"from": before, "to": {"department": unit.pk, "position": position.pk}},
    )  # fmt: skip
    return profile


@transaction.atomic
def staff_deactivate(*, actor: Any, user_id: int, successor_id: int | None) -> Any:
    """Deactivate an account (never delete): its open work goes to `successor_id` first; the
    person's deputy periods end. Refused while work that has an owner has nobody to go to."""
    from office.actions_personnel import open_work, reassign_open_work

    profile = _lock_profile(user_id)
    _check(actor, profile.organization_id)
    user = profile.user
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise DomainError(_("This account is already deactivated."))
    work = open_work(user)
    moved: dict[str, int] = {}
    if any(group["reassignable"] and group["rows"] for group in work):
        if successor_id is None:
            raise DomainError(_("Choose who takes over the open work."))
        successor = (
            StaffProfile.objects.filter(
                user_id=successor_id, organization_id=profile.organization_id, user__is_active=True
            )
            .exclude(user_id=user.pk)
            .select_related("user")
            .first()
        )
        if successor is None:
            raise DomainError(_("Choose an active colleague of the same office to take over."))
        moved = reassign_open_work(actor=actor, user=user, successor=successor.user)
    ended = _end_deputy_periods(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor, target=user, verb="office.staff.deactivated",
        data={"successor": successor_id, "reassigned": moved, "deputy_periods_ended": ended},
    )  # fmt: skip
    return user


def _end_deputy_periods(user: Any) -> int:
    from procurement.models import Deputy

    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    current = Deputy.objects.filter(deputy_id=user.pk, ends_on__gte=today)
    count = current.count()
    current.filter(starts_on__lte=yesterday).update(ends_on=yesterday, updated_at=timezone.now())
    current.filter(starts_on__gt=yesterday).update(ends_on=yesterday, starts_on=yesterday, updated_at=timezone.now())
    return count


@transaction.atomic
def staff_reactivate(*, actor: Any, user_id: int) -> Any:
    profile = _lock_profile(user_id)
    _check(actor, profile.organization_id)
    if profile.user.is_active:
        raise DomainError(_("This account is active."))
    if profile.department.closed_at is not None:
        raise DomainError(_("Their unit is closed: reactivate after a transfer."))
    profile.user.is_active = True
    profile.user.save(update_fields=["is_active"])
    audit.record(actor=actor, target=profile.user, verb="office.staff.reactivated", data={})
    return profile.user


@transaction.atomic
def deputy_name(*, actor: Any, head_id: int, deputy_id: int, starts_on: datetime.date, ends_on: datetime.date) -> Any:
    """Leave: while the head is away, the deputy approves for the head's unit (procurement's
    `Deputy`, which the approval rules read). A deactivated person cannot be a deputy."""
    from procurement.models import Deputy

    head = _lock_profile(head_id)
    _check(actor, head.organization_id)
    if head.position.role != Position.Role.HEAD:
        raise DomainError(_("Only a department head has a deputy."))
    if ends_on < starts_on:
        raise DomainError(_("The period must end after it starts."))
    if (ends_on - starts_on).days > 366:
        raise DomainError(_("Name a deputy for at most a year."))
    deputy = (
        StaffProfile.objects.filter(user_id=deputy_id, organization_id=head.organization_id)
        .select_related("user")
        .first()
    )
    if deputy is None or deputy_id == head_id:
        raise DomainError(_("Choose a colleague of the same office."))
    if not deputy.user.is_active:
        raise DomainError(_("A deactivated person cannot be a deputy."))
    row = Deputy.objects.create(
        department_id=head.department_id, head_id=head_id, deputy_id=deputy_id, starts_on=starts_on, ends_on=ends_on
    )
    audit.record(
        actor=actor, target=head.user, verb="office.staff.deputy_named",
        data={"deputy": deputy_id, "from": str(starts_on), "until": str(ends_on), "row": row.pk},
    )  # fmt: skip
    return row


@transaction.atomic
def deputy_end(*, actor: Any, deputy_row_id: int) -> Any:
    from procurement.models import Deputy

    row = Deputy.objects.select_for_update().filter(pk=deputy_row_id).select_related("department").first()
    if row is None:
        raise DomainError(_("This deputy period does not exist."))
    _check(actor, row.department.organization_id)
    today = timezone.localdate()
    if row.ends_on < today:
        raise DomainError(_("This deputy period is already over."))
    end = max(row.starts_on, today - datetime.timedelta(days=1))
    row.starts_on, row.ends_on = min(row.starts_on, end), end
    row.save(update_fields=["starts_on", "ends_on", "updated_at"])
    audit.record(actor=actor, target=row.head, verb="office.staff.deputy_ended", data={"row": row.pk})
    return row
