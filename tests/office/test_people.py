"""Personnel in the intranet (issue 16): invitation -> set password -> sign in; deactivation
hands open work over first; deputies for leave; every change on the person's history."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from office import actions_people, equipment
from office.exceptions import DomainError
from office.models import AuditEvent, MaintenanceTicket, Position
from procurement.models import Deputy
from services.models import TrainingSession
from tests import factories
from tests.factories import People, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    return People()


def _invite(people: People, **overrides: Any) -> Any:
    data = {
        "email": "li.na@office.example", "username": "li_na", "display_name": "Li Na 李娜",
        "department_id": factories.department("navigation").pk,
        "position_id": factories.position(Position.Role.STAFF).pk, "language": "zh-hans",
    }  # fmt: skip
    return actions_people.staff_invite(actor=people.admin_assistant, **{**data, **overrides})


def test_invite_set_password_and_sign_in(people: People, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(people)
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li.na@office.example"]
    assert "内网账户" in message.subject and "李娜" in message.body  # the invitee's language
    link = re.search(r"https?://\S+", message.body).group(0)
    browser = Client()
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Lantern-Moss-42", "new_password2": "Lantern-Moss-42"}
    )
    assert done.status_code == 302
    signed_in = browser.post(reverse("login"), {"username": "li_na", "password": "Lantern-Moss-42"})
    assert signed_in.status_code == 302
    assert browser.get(reverse("office:home")).status_code == 200
    assert AuditEvent.objects.filter(verb="office.staff.invited", target_id=str(user.pk)).exists()


def test_invite_by_the_page_and_refusals(people: People) -> None:
    client = logged_in(people.admin_assistant)
    data = {"display_name": "Zhao Lei", "username": "zhao_lei", "email": "zhao@office.example", "language": "en",
            "department": factories.department("infodev").pk, "position": factories.position("staff").pk}  # fmt: skip
    assert client.post(reverse("office:org_person_invite"), data).status_code == 302
    again = client.post(reverse("office:org_person_invite"), data)
    assert again.status_code == 200 and "already has this user name" in again.content.decode()
    assert get_user_model().objects.filter(username="zhao_lei").count() == 1
    with pytest.raises(PermissionDenied):
        actions_people.staff_invite(
            actor=people.head_infodev, email="x@example.com", username="x", display_name="X",
            department_id=factories.department("infodev").pk, position_id=factories.position("staff").pk,
        )  # fmt: skip


def _assigned_ticket(people: People, assignee: Any) -> MaintenanceTicket:
    ticket = equipment.ticket_raise(actor=people.staff_infodev, title="Printer jam", description="Tray 2.")
    return equipment.ticket_assign(ticket_id=ticket.pk, actor=people.head_techsvc, assignee_id=assignee.pk)


def test_deactivation_hands_open_work_over(people: People) -> None:
    people.build("head_techsvc")
    leaver = people.staff_techsvc
    ticket = _assigned_ticket(people, leaver)
    start = timezone.now() + datetime.timedelta(days=7)
    session = TrainingSession.objects.create(
        title="Database search", department=factories.department("techsvc"), trainer=leaver, starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), capacity=10,
    )  # fmt: skip
    with pytest.raises(DomainError):  # open work needs somebody to go to
        actions_people.staff_deactivate(actor=people.admin_assistant, user_id=leaver.pk, successor_id=None)
    with pytest.raises(DomainError):  # a ticket goes to technical services only
        actions_people.staff_deactivate(
            actor=people.admin_assistant, user_id=leaver.pk, successor_id=people.staff_infodev.pk
        )
    ticket.refresh_from_db()
    leaver.refresh_from_db()
    assert ticket.assignee_id == leaver.pk and leaver.is_active  # refused: nothing changed

    actions_people.staff_deactivate(
        actor=people.admin_assistant, user_id=leaver.pk, successor_id=people.head_techsvc.pk
    )
    ticket.refresh_from_db()
    session.refresh_from_db()
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert get_user_model().objects.filter(pk=leaver.pk).exists()  # never deleted
    assert ticket.assignee_id == people.head_techsvc.pk and ticket.status == MaintenanceTicket.Status.ASSIGNED
    assert session.trainer_id == people.head_techsvc.pk
    event = AuditEvent.objects.get(verb="office.staff.deactivated", target_id=str(leaver.pk))
    assert event.data["reassigned"]["tickets"] == 1 and event.data["reassigned"]["training"] == 1
    assert AuditEvent.objects.filter(verb="office.ticket.reassigned", target_id=str(ticket.pk)).exists()
    history = logged_in(people.director).get(reverse("office:org_person", kwargs={"user_id": leaver.pk}))
    assert "office.staff.deactivated" in history.content.decode()


def test_the_guided_page_lists_open_work(people: People) -> None:
    people.build("head_techsvc")
    _assigned_ticket(people, people.staff_techsvc)
    page = logged_in(people.admin_assistant).get(
        reverse("office:org_person_deactivate", kwargs={"user_id": people.staff_techsvc.pk}),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    content = page.content.decode()
    assert "Printer jam" in content and "分配给其的维修工单" in content


def test_transfer_changes_unit_and_is_on_the_history(people: People) -> None:
    person = people.staff_infodev
    actions_people.staff_transfer(
        actor=people.director, user_id=person.pk, department_id=factories.department("custsvc").pk
    )
    person.staff_profile.refresh_from_db()
    assert person.staff_profile.department.code == "custsvc"
    page = logged_in(people.director).get(reverse("office:org_person", kwargs={"user_id": person.pk}))
    assert "office.staff.transferred" in page.content.decode()


def test_deputies_for_leave_and_a_deactivated_person_cannot_be_one(people: People) -> None:
    head, deputy = people.head_infodev, people.staff_infodev
    today = timezone.localdate()
    row = actions_people.deputy_name(
        actor=people.admin_assistant, head_id=head.pk, deputy_id=deputy.pk, starts_on=today,
        ends_on=today + datetime.timedelta(days=10),
    )  # fmt: skip
    assert row.department_id == head.staff_profile.department_id
    from procurement.permissions import is_deputy_for

    assert is_deputy_for(deputy, head.staff_profile.department)
    actions_people.staff_deactivate(actor=people.admin_assistant, user_id=deputy.pk, successor_id=None)
    row.refresh_from_db()
    assert row.ends_on < today  # the period ended with the account
    with pytest.raises(DomainError, match="deactivated"):
        actions_people.deputy_name(
            actor=people.admin_assistant, head_id=head.pk, deputy_id=deputy.pk, starts_on=today, ends_on=today
        )
    assert Deputy.objects.filter(deputy=deputy).count() == 1
