"""Org structure in the intranet (issue 16): only the leadership office changes it; a unit
never moves under itself or its own units; functions assigned here drive access."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from cataloging import permissions as catalog_permissions
from office import actions_org
from office.exceptions import DomainError
from office.models import AuditEvent, Department, Function, Position
from tests import factories
from tests.factories import People, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    return People()


def _group(people: People, code: str = "metadata", parent: str = "infodev") -> Department:
    return actions_org.department_create(
        actor=people.admin_assistant, code=code, name="Metadata group", name_zh="元数据小组",
        kind=Department.Kind.GROUP, parent_id=factories.department(parent).pk,
    )  # fmt: skip


def test_only_the_leadership_office_changes_the_structure(people: People) -> None:
    for username in ("head_infodev", "staff_techsvc", "business_assistant"):
        with pytest.raises(PermissionDenied):
            actions_org.department_create(
                actor=people[username], code="x", name="X", kind=Department.Kind.DEPARTMENT, parent_id=None
            )
    for username in ("head_infodev", "staff_infodev", "client_a", "staff_east"):
        assert logged_in(people[username]).get(reverse("office:org_chart")).status_code == 403
    assert logged_in(people.director).get(reverse("office:org_chart")).status_code == 200


def test_the_administrative_assistant_creates_a_group_and_it_is_audited(people: People) -> None:
    group = _group(people)
    assert group.parent.code == "infodev" and group.organization.is_home
    assert AuditEvent.objects.filter(verb="office.department.created", target_id=str(group.pk)).exists()
    page = logged_in(people.admin_assistant).get(reverse("office:org_chart"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "元数据小组" in page.content.decode()


def test_a_unit_never_moves_under_its_own_unit(people: People) -> None:
    infodev = factories.department("infodev")
    topic = factories.department("topic")
    for parent in (topic, infodev):
        with pytest.raises(DomainError) as refused, translation.override("zh-hans"):
            actions_org.department_move(actor=people.admin_assistant, department_id=infodev.pk, parent_id=parent.pk)
        assert "不能" in str(refused.value)
    infodev.refresh_from_db()
    assert infodev.parent_id is None
    assert not AuditEvent.objects.filter(verb="office.department.moved").exists()


def test_moving_under_a_descendant_by_the_page_shows_the_error_and_changes_nothing(people: People) -> None:
    infodev, topic = factories.department("infodev"), factories.department("topic")
    response = logged_in(people.director).post(
        reverse("office:org_unit_move", kwargs={"pk": infodev.pk}), {"parent": topic.pk}
    )
    assert response.status_code == 200
    assert "cannot move under itself" in response.content.decode()
    infodev.refresh_from_db()
    assert infodev.parent_id is None


def test_a_group_moves_to_another_department(people: People) -> None:
    group = _group(people)
    custsvc = factories.department("custsvc")
    actions_org.department_move(actor=people.admin_assistant, department_id=group.pk, parent_id=custsvc.pk)
    group.refresh_from_db()
    assert group.parent_id == custsvc.pk


def test_closing_needs_an_empty_unit(people: People) -> None:
    group = _group(people)
    member = factories.staff(department=group)
    with pytest.raises(DomainError):
        actions_org.department_close(actor=people.admin_assistant, department_id=group.pk)
    member.is_active = False
    member.save()
    actions_org.department_close(actor=people.admin_assistant, department_id=group.pk)
    group.refresh_from_db()
    assert group.closed_at is not None
    with pytest.raises(DomainError):
        actions_org.department_close(actor=people.admin_assistant, department_id=factories.department("leadership").pk)


def test_a_new_group_given_catalog_review_by_the_page_can_review(people: People) -> None:
    group = _group(people)
    member = factories.staff(department=group)
    assert not catalog_permissions.is_reviewer(member)
    response = logged_in(people.admin_assistant).post(
        reverse("office:org_unit_functions", kwargs={"pk": group.pk}), {"functions": [Function.CATALOG_REVIEW]}
    )
    assert response.status_code == 302
    member = type(member).objects.get(pk=member.pk)
    assert catalog_permissions.is_reviewer(member)
    event = AuditEvent.objects.get(verb="office.department.functions_changed", target_id=str(group.pk))
    assert event.data == {"added": [Function.CATALOG_REVIEW], "removed": []}


def test_positions_and_job_duties(people: People) -> None:
    position = actions_org.position_save(
        actor=people.admin_assistant, code="archivist", name="Archivist", name_zh="档案员",
        role=Position.Role.STAFF, rank=90, duties="Keeps the archive.", duties_zh="管理档案。",
    )  # fmt: skip
    actions_org.position_save(actor=people.admin_assistant, position_id=position.pk, duties="Keeps the files.")
    position.refresh_from_db()
    assert position.duties == "Keeps the files."
    page = logged_in(people.admin_assistant).get(reverse("office:org_positions"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "管理档案" in page.content.decode()
    with pytest.raises(PermissionDenied):
        actions_org.position_save(actor=people.head_infodev, position_id=position.pk, duties="x")
