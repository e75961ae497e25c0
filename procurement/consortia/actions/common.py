"""Helpers the consortium actions share: the lock order's first steps, links and the
notifications every phase sends, and the check of a named representative."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from office.access import staff_profile
from office.actions import notify
from office.exceptions import DomainError
from procurement.consortia import selectors
from procurement.consortia.models import Consortium, Election, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CS = Consortium.Status
MS = Membership.Status


def consortium_url(consortium: Consortium) -> str:
    return reverse("procurement:consortium_detail", kwargs={"pk": consortium.pk})


def lock_consortium(consortium_id: int) -> Consortium:
    return Consortium.objects.select_for_update().get(pk=consortium_id)


def lock_election(election_id: int) -> tuple[Consortium, Election]:
    """The election's consortium, then the election (the lock order)."""
    consortium = lock_consortium(Election.objects.get(pk=election_id).consortium_id)
    return consortium, Election.objects.select_for_update().get(pk=election_id)


def notify_members(
    consortium: Consortium,
    *,
    verb: str,
    title: str,
    params: dict,
    exclude: int | None = None,
    email: bool = False,
) -> None:
    """`title` is a gettext_noop message id rendered in each reader's language."""
    for user_id in sorted(selectors.member_representative_ids(consortium) - {exclude}):
        notify(
            recipient_id=user_id,
            verb=verb,
            title=title,
            params=params,
            url=consortium_url(consortium),
            send_email=email,
        )


def notify_provider(consortium: Consortium, *, verb: str, title: str, params: dict, url: str) -> None:
    """The provider's active representatives (their own accounts) hear what they must act on."""
    for user_id in sorted(selectors.provider_representative_ids(consortium)):
        notify(recipient_id=user_id, verb=verb, title=title, params=params, url=url)


def staff_of(user_id: int | None, organization_id: int) -> User | None:
    """A user who is staff of `organization_id`, or DomainError."""
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    profile = staff_profile(user) if user else None
    if profile is None or profile.organization_id != organization_id:
        raise DomainError(_("The representative must be a staff member of that office."))
    return user
