"""Editing a training session (issue 17 item 4): only the head of the session's department (or
of a unit above it) and the home leadership may, in the action, the view and the page's Edit
link; a session goes only to a department its editor leads; an edit that does not touch the
fee keeps it (the form used to have no fee field, and `clean()` set every edited session free)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from services import actions, permissions
from services.forms import TrainingSessionForm
from services.models import TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(demo):
    """customer service's session with a fee of ¥200.00 and two places."""
    start = timezone.localtime() + timedelta(days=10)
    return TrainingSession.objects.create(
        title="Patent searching",
        department=demo.head_custsvc.staff_profile.department,
        trainer=demo.staff_custsvc,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Room 301",
        capacity=2,
        fee_minor=20_000,
        is_published=True,
    )


def _form_data(session, **changes):
    """What the browser posts back: every field of the rendered form, as rendered."""
    local = timezone.localtime
    data = {
        "title": session.title,
        "title_zh": session.title_zh,
        "description": session.description,
        "department": session.department_id,
        "trainer": session.trainer_id,
        "starts_at": local(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "location": session.location,
        "online_url": session.online_url,
        "capacity": session.capacity,
        "currency": session.currency,
        "is_published": "on" if session.is_published else "",
        "fee": "200.00",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("head_custsvc", True),
        ("director", True),
        ("admin_assistant", True),
        ("head_techsvc", False),
        ("head_infodev", False),
        ("staff_custsvc", False),  # the trainer runs the session but does not edit it
        ("director_east", False),
        ("client_a", False),
    ],
)
def test_only_the_sessions_head_or_leadership_may_edit(demo, session, username, allowed):
    assert permissions.can_edit_training(getattr(demo, username), session) is allowed


def test_another_departments_head_is_refused_by_the_action(demo, session):
    session.capacity, session.fee_minor = 50, 1
    with pytest.raises(PermissionDenied):
        actions.training_session_save(session=session, actor=demo.head_techsvc)
    session.refresh_from_db()
    assert (session.capacity, session.fee_minor) == (2, 20_000)


def test_another_departments_head_gets_403_and_changes_nothing(demo, session):
    client = demo.client("head_techsvc")
    url = reverse("services:training_edit", args=[session.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(session, capacity=50, fee="0.01")).status_code == 403
    session.refresh_from_db()
    assert (session.capacity, session.fee_minor) == (2, 20_000)


def test_edit_link_only_for_those_who_may_edit(demo, session):
    url = reverse("services:training_detail", args=[session.pk])
    edit = reverse("services:training_edit", args=[session.pk])
    assert edit in demo.client("head_custsvc").get(url).content.decode()
    assert edit not in demo.client("staff_custsvc").get(url).content.decode()  # the trainer
    assert edit not in demo.client("head_techsvc").get(url).content.decode()


def test_a_head_cannot_move_a_session_to_a_department_they_do_not_lead(demo, session):
    techsvc = demo.head_techsvc.staff_profile.department
    form = TrainingSessionForm(instance=session, user=demo.head_custsvc)
    assert techsvc not in form.fields["department"].queryset
    session.department = techsvc
    with pytest.raises(PermissionDenied):
        actions.training_session_save(session=session, actor=demo.head_custsvc)


def test_a_head_cannot_create_a_session_for_another_department(demo, session):
    other = TrainingSession(
        title="Backups",
        department=demo.head_techsvc.staff_profile.department,
        trainer=demo.staff_techsvc,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=5,
    )
    with pytest.raises(PermissionDenied):
        actions.training_session_save(session=other, actor=demo.head_custsvc)
    actions.training_session_save(session=other, actor=demo.head_techsvc)
    assert other.pk is not None


def test_editing_the_title_keeps_the_fee(demo, session):
    client = demo.client("head_custsvc")
    url = reverse("services:training_edit", args=[session.pk])
    page = client.get(url).content.decode()
    assert re.search(r'name="fee"[^>]*value="200.00"|value="200.00"[^>]*name="fee"', page)
    response = client.post(url, _form_data(session, title="Patent searching, part 2"))
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert (session.title, session.fee_minor, session.capacity) == ("Patent searching, part 2", 20_000, 2)


def test_an_empty_fee_makes_the_session_free(demo, session):
    response = demo.client("director").post(
        reverse("services:training_edit", args=[session.pk]), _form_data(session, fee="")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.fee_minor == 0
