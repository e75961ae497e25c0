"""The services chore beat runs (issue 19 item 4): client accounts registered on the site whose
address was never confirmed and that nobody ever used are removed after 30 days; idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from office.models import AuditEvent, ClientAccount, Department
from services import actions
from services.models import Consultation
from services.tasks import client_registrations_unconfirmed_remove_task

pytestmark = pytest.mark.django_db


def _register(name: str, *, days_ago: int = 31) -> ClientAccount:
    account = actions.client_register(
        username=name, email=f"{name}@client.example", password="pw-unused-123", kind="person", display_name=name
    )
    ClientAccount.objects.filter(pk=account.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return account


def test_unconfirmed_unused_registrations_are_removed_after_thirty_days(demo):
    users = get_user_model().objects
    gone = _register("forgotten")
    recent = _register("recent", days_ago=29)
    confirmed = _register("confirmed")
    ClientAccount.objects.filter(pk=confirmed.pk).update(email_confirmed=True)
    logged_in = _register("logged_in")
    users.filter(pk=logged_in.user_id).update(last_login=timezone.now() - timedelta(days=20))
    with_question = _register("asked")  # something refers to it: kept
    Consultation.objects.create(client=with_question, department=Department.objects.first(), subject="?")
    staff_made_user = users.create_user(username="by_staff", email="by_staff@client.example")
    staff_made = ClientAccount.objects.create(user=staff_made_user, display_name="Made by staff")
    ClientAccount.objects.filter(pk=staff_made.pk).update(created_at=timezone.now() - timedelta(days=90))

    assert client_registrations_unconfirmed_remove_task.delay().get() == 1
    assert not users.filter(username="forgotten").exists()
    assert not ClientAccount.objects.filter(pk=gone.pk).exists()
    kept = (recent, confirmed, logged_in, with_question, staff_made)
    assert ClientAccount.objects.filter(pk__in=[a.pk for a in kept]).count() == len(kept)
    removed = AuditEvent.objects.filter(verb="services.client.unconfirmed_removed")
    assert [(e.actor_id, e.target_id, e.data) for e in removed] == [(None, str(gone.pk), {"username": "forgotten"})]

    # The user name and the address are free again, and a second run removes nothing.
    assert actions.client_registrations_unconfirmed_remove() == 0
    _register("forgotten")
    assert removed.count() == 1
