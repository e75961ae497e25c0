"""The factory helpers build the demo's people as seed_demo does: the same office, unit,
position, flags, role groups and permissions, so a test moved off the demo means the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from office.access import client_account, staff_profile, user_roles
from tests.conftest import DEMO_USERNAMES
from tests.factories import People, demo_user

pytestmark = pytest.mark.django_db


def _signature(user: Any) -> dict[str, Any]:
    user = get_user_model().objects.get(pk=user.pk)
    profile, account = staff_profile(user), client_account(user)
    return {
        "email": user.email,
        "flags": (user.is_active, user.is_staff, user.is_superuser),
        "password": user.check_password(settings.DEMO_PASSWORD),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "roles": sorted(user_roles(user)),
        "permissions": sorted(user.get_all_permissions()),
        "profile": profile
        and (
            profile.organization.code,
            profile.organization.is_home,
            profile.department.code,
            profile.department.parent and profile.department.parent.code,
            profile.department.kind,
            profile.position.code,
            profile.position.role,
            profile.display_name,
            profile.title,
        ),
        "client": account and (account.kind, account.display_name, account.email_confirmed),
    }


def test_demo_user_matches_the_seeded_user_of_the_same_name(request: pytest.FixtureRequest) -> None:
    with transaction.atomic():
        built = {username: _signature(demo_user(username)) for username in DEMO_USERNAMES}
        transaction.set_rollback(True)
    demo = request.getfixturevalue("demo")
    seeded = {username: _signature(demo.users[username]) for username in DEMO_USERNAMES}
    assert built == seeded


def test_people_build_each_user_once_and_only_who_is_named() -> None:
    people = People()
    assert people.staff_nav is people["staff_nav"] is people.users["staff_nav"]
    assert demo_user("staff_nav") == people.staff_nav
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["staff_nav"]
    with pytest.raises(AttributeError):
        people.nobody  # noqa: B018
