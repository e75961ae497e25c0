"""Actions and selectors behind the org-structure pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from office import actions, selectors
from office.exceptions import DomainError, InsufficientBudget
from office.models import (
    Announcement,
    AuditEvent,
    Budget,
    BudgetEntry,
    Department,
    Document,
    DocumentVersion,
    Notification,
)
from tests import factories
from tests.factories import (
    People,
    budget_line,
    document,
    home_office,
    member_office,
    office_units,
    welcome_note,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


def _dept(code: str) -> Department:
    return factories.department(code, home_office())


# --- budgets ---------------------------------------------------------------------------------------


def test_budget_allocate_adds_to_the_line_with_entry_and_audit(people):
    department = _dept("custsvc")
    budget = budget_line(department)
    before = budget.allocated_minor

    actions.budget_allocate(
        department_id=department.pk, fiscal_year=budget.fiscal_year, amount_minor=12_345, actor=people.director
    )

    budget.refresh_from_db()
    assert budget.allocated_minor == before + 12_345
    assert budget.entries.filter(kind=BudgetEntry.Kind.ALLOCATE, amount_minor=12_345).exists()
    assert AuditEvent.objects.filter(verb="office.budget.allocated", target_id=str(budget.pk)).count() == 1


def test_budget_allocate_cannot_go_below_encumbered_plus_spent(people):
    budget = budget_line(_dept("techsvc"))
    actions.budget_encumber(budget_id=budget.pk, amount_minor=300_000, actor=people.director)
    actions.budget_spend(budget_id=budget.pk, amount_minor=100_000, actor=people.director, encumbered_minor=100_000)
    budget.refresh_from_db()
    entries = budget.entries.count()
    floor = budget.encumbered_minor + budget.spent_minor

    with pytest.raises(InsufficientBudget):
        actions.budget_allocate(
            department_id=budget.department_id,
            fiscal_year=budget.fiscal_year,
            amount_minor=floor - budget.allocated_minor - 1,
            actor=people.director,
        )

    allocated = budget.allocated_minor
    budget.refresh_from_db()
    assert budget.allocated_minor == allocated
    assert budget.entries.count() == entries
    # Exactly down to the floor is allowed.
    actions.budget_allocate(
        department_id=budget.department_id,
        fiscal_year=budget.fiscal_year,
        amount_minor=floor - budget.allocated_minor,
        actor=people.director,
    )
    budget.refresh_from_db()
    assert budget.available_minor == 0


@pytest.mark.parametrize("username", ["head_infodev", "admin_assistant", "staff_infodev", "director_east"])
def test_budget_allocate_refuses_anyone_but_the_offices_director(people, username):
    people.build("director")  # the office has its director: the others are still refused
    department = _dept("infodev")
    with pytest.raises(PermissionDenied):
        actions.budget_allocate(department_id=department.pk, fiscal_year=2026, amount_minor=100, actor=people[username])
    assert not AuditEvent.objects.filter(verb="office.budget.allocated").exists()


def test_budget_allocate_opens_a_line_for_a_new_year(people):
    department = _dept("custsvc")
    budget_line(department)  # this year's line exists; 2099 has none
    budget = actions.budget_allocate(
        department_id=department.pk, fiscal_year=2099, amount_minor=5_000, actor=people.director
    )
    assert (budget.fiscal_year, budget.allocated_minor) == (2099, 5_000)


def _spent_line(people: People, spent_minor: int) -> Budget:
    budget = budget_line(_dept("techsvc"))
    actions.budget_encumber(budget_id=budget.pk, amount_minor=spent_minor, actor=people.director)
    return actions.budget_spend(budget_id=budget.pk, amount_minor=spent_minor, actor=people.director)


def test_budget_unspend_returns_refunded_money_to_available_with_entry_and_audit(people):
    budget = _spent_line(people, 100_000)
    spent, available, encumbered = budget.spent_minor, budget.available_minor, budget.encumbered_minor

    actions.budget_unspend(
        budget_id=budget.pk, amount_minor=30_000, actor=people.director, reference="PO-1", note="Refund of payment #7"
    )

    budget.refresh_from_db()
    assert budget.spent_minor == spent - 30_000
    assert budget.available_minor == available + 30_000
    assert budget.encumbered_minor == encumbered  # nothing is re-encumbered
    entry = budget.entries.get(amount_minor=-30_000)
    assert (entry.kind, entry.reference, entry.note, entry.actor) == (
        BudgetEntry.Kind.SPEND,
        "PO-1",
        "Refund of payment #7",
        people.director,
    )
    event = AuditEvent.objects.get(verb="office.budget.refunded", target_id=str(budget.pk))
    assert event.actor == people.director
    assert event.data == {"amount_minor": 30_000, "reference": "PO-1"}


@pytest.mark.parametrize("amount", ["above", 0, -1])
def test_budget_unspend_refuses_more_than_was_spent_or_a_non_positive_amount(people, amount):
    budget = _spent_line(people, 100_000)
    amount_minor = budget.spent_minor + 1 if amount == "above" else amount
    entries = budget.entries.count()

    with pytest.raises(DomainError, match="Only money that was spent can be refunded"):
        actions.budget_unspend(budget_id=budget.pk, amount_minor=amount_minor, actor=people.director)

    spent = budget.spent_minor
    budget.refresh_from_db()
    assert budget.spent_minor == spent
    assert budget.entries.count() == entries
    assert not AuditEvent.objects.filter(verb="office.budget.refunded").exists()


def _budget_policy() -> Document:
    """The demo's budget allocation policy, at its first version."""
    return document("budget-policy", home_office())


# --- documents -------------------------------------------------------------------------------------


def test_document_save_version_numbers_versions_one_after_another(people):
    home = home_office()
    document = Document(organization=home, slug="leave-policy", title="Leave policy")
    first = actions.document_save_version(document=document, body="v1 text", actor=people.admin_assistant)
    second = actions.document_save_version(
        document=Document.objects.get(pk=first.document_id), body="v2 text", change_note="typo", actor=people.director
    )

    assert (first.number, second.number) == (1, 2)
    document.refresh_from_db()
    assert document.current_version == 2
    assert list(document.versions.values_list("body", flat=True)) == ["v2 text", "v1 text"]
    verbs = list(
        AuditEvent.objects.filter(target_id=str(document.pk), verb__startswith="office.document").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == ["office.document.created", "office.document.revised"]


@pytest.mark.parametrize("username", ["head_infodev", "business_assistant", "staff_infodev", "director_east"])
def test_document_save_version_refuses_who_may_not_manage_documents(people, username):
    document = _budget_policy()
    with pytest.raises(PermissionDenied):
        actions.document_save_version(document=document, body="changed", actor=people[username])
    document.refresh_from_db()
    assert document.current_version == 1
    assert document.versions.count() == 1


def test_document_save_version_refuses_empty_text_and_changes_nothing(people):
    document = _budget_policy()
    with pytest.raises(DomainError):
        actions.document_save_version(document=document, body="   ", actor=people.director)
    assert DocumentVersion.objects.filter(document=document).count() == 1


# --- announcements ---------------------------------------------------------------------------------


def test_announcement_publish_notifies_the_department_only(people):
    people.build("director", "head_custsvc", "staff_custsvc", "staff_infodev", "staff_techsvc", "staff_east")
    techsvc = _dept("techsvc")
    announcement = Announcement(
        organization=techsvc.organization, department=techsvc, title="Server move", body="Saturday."
    )
    actions.announcement_publish(announcement=announcement, actor=people.head_techsvc)

    notified = set(
        Notification.objects.filter(verb="office.announcement.published").values_list("recipient__username", flat=True)
    )
    assert notified == {"staff_techsvc"}


def test_announcement_publish_refuses_a_head_addressing_another_department(people):
    custsvc = _dept("custsvc")
    announcement = Announcement(organization=custsvc.organization, department=custsvc, title="x", body="y")
    with pytest.raises(PermissionDenied):
        actions.announcement_publish(announcement=announcement, actor=people.head_techsvc)
    assert not Announcement.objects.filter(title="x").exists()


# --- notifications ---------------------------------------------------------------------------------


def test_notification_mark_read_touches_only_the_users_own(people):
    mine = welcome_note(people.staff_infodev)
    theirs = welcome_note(people.head_infodev)

    assert actions.notification_mark_read(user=people.staff_infodev, notification_id=theirs.pk) == 0
    assert actions.notification_mark_read(user=people.staff_infodev, notification_id=mine.pk) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- selectors -------------------------------------------------------------------------------------


def test_department_tree_nests_groups_under_their_department(people):
    office_units(home_office())
    office_units(member_office("east"))
    people.build("head_infodev", "staff_infodev")
    tree = selectors.department_tree(user=people.staff_nav)
    codes = [unit.code for unit in tree]
    assert codes == ["leadership", "infodev", "custsvc", "techsvc"]
    infodev = tree[1]
    assert [g.code for g in infodev.tree_children] == ["navigation", "topic", "special"]
    assert {g.code: g.staff_count for g in infodev.tree_children}["navigation"] == 1


def test_department_tree_of_a_member_office_holds_only_its_own_units(people):
    office_units(home_office())
    office_units(member_office("east"))
    tree = selectors.department_tree(user=people.staff_east)
    assert {unit.organization.code for unit in tree} == {"east"}


def test_document_diff_marks_added_and_removed_lines():
    lines = selectors.document_diff(old="a\nb\nc", new="a\nB\nc", old_label="v1", new_label="v2")
    kinds = [(line.kind, line.text) for line in lines]
    assert ("del", "-b") in kinds
    assert ("add", "+B") in kinds
    assert kinds[0][0] == "hunk"


def test_contact_update_is_audited_and_refuses_other_people(people):
    from django.core.exceptions import PermissionDenied

    from office.actions import staff_profile_update_contact
    from office.models import AuditEvent

    profile = people.staff_infodev.staff_profile
    staff_profile_update_contact(profile_id=profile.pk, actor=people.staff_infodev, phone="020-1234-5678")
    profile.refresh_from_db()
    assert profile.phone == "020-1234-5678"
    assert (
        AuditEvent.objects.filter(verb="office.staff_profile.contact_updated", target_id=str(profile.pk)).count() == 1
    )
    with pytest.raises(PermissionDenied):
        staff_profile_update_contact(profile_id=profile.pk, actor=people.head_infodev, phone="1")
    profile.refresh_from_db()
    assert profile.phone == "020-1234-5678"


def test_department_announcement_reaches_staff_of_its_groups(people):
    from office.actions import announcement_publish
    from office.models import Announcement, Department, Notification

    people.build("staff_infodev", "staff_custsvc")  # staff of a group under infodev, and of another department
    infodev = Department.objects.get(organization__is_home=True, code="infodev")
    announcement = Announcement(
        organization=infodev.organization, department=infodev, title="Group meeting", body="Friday"
    )
    announcement_publish(announcement=announcement, actor=people.head_infodev)
    # staff_infodev sits in the topic-service group under information development.
    note = Notification.objects.get(recipient=people.staff_infodev, verb="office.announcement.published")
    assert note.url == f"/intranet/announcements/{announcement.pk}/"
    assert not Notification.objects.filter(
        recipient=people.staff_custsvc, verb="office.announcement.published"
    ).exists()
