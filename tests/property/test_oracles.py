"""Guards the guards: the oracles of the property tests notice what they must notice."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.property.support import example, read_only

pytestmark = pytest.mark.django_db


def test_example_sees_a_new_row_and_rolls_it_back() -> None:
    with example() as changes:
        Group.objects.create(name="property-oracle")
    assert changes.counts == {"auth_group": (0, 1)}
    assert not Group.objects.filter(name="property-oracle").exists()


def test_example_sees_a_changed_watched_row() -> None:
    group = Group.objects.create(name="before")
    with example({"group": Group.objects.filter(pk=group.pk)}) as changes:
        Group.objects.filter(pk=group.pk).update(name="after")
    assert list(changes.rows) == ["group"] and not changes.counts
    group.refresh_from_db()
    assert group.name == "before"


def test_example_of_a_read_changes_nothing() -> None:
    with example({"groups": Group.objects.all()}) as changes:
        list(Group.objects.all())
    assert not changes


def test_read_only_sees_a_write_and_rolls_it_back() -> None:
    with pytest.raises(AssertionError, match="wrote to the database"), read_only("a write"):
        Group.objects.create(name="property-oracle")
    assert not Group.objects.filter(name="property-oracle").exists()
