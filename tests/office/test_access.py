"""Who heads a unit: one answer (office.access.unit_head_ids), the chain is_head_of walks."""

from __future__ import annotations

import pytest

from office.access import is_head_of, unit_head_ids
from office.models import Department
from tests.factories import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> People:
    """The heads of two home departments and staff of the units below them (no heads)."""
    people = People()
    people.build("head_infodev", "head_custsvc", "staff_infodev", "staff_nav", "staff_custsvc", "director")
    return people


def test_a_groups_heads_are_its_departments_heads_nearest_first(people):
    navigation = Department.objects.get(code="navigation", organization__is_home=True)
    infodev = navigation.parent
    assert unit_head_ids(infodev) == [people.head_infodev.pk]
    assert unit_head_ids(navigation) == [people.head_infodev.pk]
    assert is_head_of(people.head_infodev, navigation) and not is_head_of(people.head_custsvc, navigation)


def test_inactive_heads_and_other_units_heads_are_left_out(people):
    infodev = people.head_infodev.staff_profile.department
    custsvc = people.head_custsvc.staff_profile.department
    assert people.head_custsvc.pk not in unit_head_ids(infodev)
    people.head_infodev.is_active = False
    people.head_infodev.save(update_fields=["is_active"])
    assert unit_head_ids(infodev) == []
    assert unit_head_ids(custsvc) == [people.head_custsvc.pk]
