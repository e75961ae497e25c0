"""Who heads a unit: one answer (office.access.unit_head_ids), the chain is_head_of walks."""

from __future__ import annotations

import pytest

from office.access import is_head_of, unit_head_ids
from office.models import Department

pytestmark = pytest.mark.django_db


def test_a_groups_heads_are_its_departments_heads_nearest_first(demo):
    navigation = Department.objects.get(code="navigation", organization__is_home=True)
    infodev = navigation.parent
    assert unit_head_ids(infodev) == [demo.head_infodev.pk]
    assert unit_head_ids(navigation) == [demo.head_infodev.pk]
    assert is_head_of(demo.head_infodev, navigation) and not is_head_of(demo.head_custsvc, navigation)


def test_inactive_heads_and_other_units_heads_are_left_out(demo):
    infodev = demo.head_infodev.staff_profile.department
    custsvc = demo.head_custsvc.staff_profile.department
    assert demo.head_custsvc.pk not in unit_head_ids(infodev)
    demo.head_infodev.is_active = False
    demo.head_infodev.save(update_fields=["is_active"])
    assert unit_head_ids(infodev) == []
    assert unit_head_ids(custsvc) == [demo.head_custsvc.pk]
