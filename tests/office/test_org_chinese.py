"""Every page of issue 16's org, personnel and technical-services areas reads in Chinese:
none of their English texts is left on the Chinese page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.urls import reverse

from office.models import Department, Equipment, Position
from office.schedules import ensure_periodic_tasks
from tests import factories
from tests.factories import People, logged_in

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[2] / "office/locale/zh_Hans/LC_MESSAGES/django.po"
ENGLISH = sorted(
    {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if len(entry.msgid) > 6 and "%(" not in entry.msgid},
    key=len,
    reverse=True,
)


@pytest.fixture
def people(db: Any) -> People:
    return People()


def _visible_text(html: str) -> str:
    main = html.split("<main", 1)[-1]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _pages(people: People) -> list[tuple[Any, str]]:
    from django_celery_beat.models import PeriodicTask

    from procurement.models import Vendor

    ensure_periodic_tasks()
    infodev = factories.department("infodev")
    item = factories.equipment("AV-0001")
    vendor = Vendor.objects.create(organization=factories.home_office(), code="dbcorp", name="DB Corp")
    person = {"user_id": people.staff_techsvc.pk}
    leader, tech = people.admin_assistant, people.staff_techsvc
    return [
        (leader, reverse("office:org_chart")),
        (leader, reverse("office:org_unit", kwargs={"pk": infodev.pk})),
        (leader, reverse("office:org_unit_create")),
        (leader, reverse("office:org_positions")),
        (leader, reverse("office:org_position_edit", kwargs={"pk": Position.objects.get(code="staff").pk})),
        (leader, reverse("office:org_people")),
        (leader, reverse("office:org_person_invite")),
        (leader, reverse("office:org_person", kwargs=person)),
        (leader, reverse("office:org_person_deactivate", kwargs=person)),
        (tech, reverse("office:schedule_list")),
        (tech, reverse("office:schedule_edit", kwargs={"pk": PeriodicTask.objects.get(name="nightly backup").pk})),
        (tech, reverse("office:backup_retention")),
        (tech, reverse("office:equipment_list")),
        (tech, reverse("office:equipment_create")),
        (tech, reverse("office:equipment_edit", kwargs={"pk": item.pk})),
        (tech, reverse("office:equipment_detail", kwargs={"pk": item.pk})),
        (people.director, reverse("cataloging:fee_schedules")),
        (people.director, reverse("procurement:vendor_representatives", kwargs={"pk": vendor.pk})),
    ]


def test_the_pages_have_no_english_left_in_chinese(people: People) -> None:
    people.build("head_infodev")
    left = {}
    for user, url in _pages(people):
        response = logged_in(user).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode())
        found = [msgid for msgid in ENGLISH if msgid in text]
        if found:
            left[url] = found
    assert left == {}
    assert Department.objects.exists() and Equipment.objects.exists()
