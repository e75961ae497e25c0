"""Technical services' pages (issue 16): schedules within safe bounds, the equipment
inventory (add, edit, assign, retire, documents behind a checking view)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from office import actions_techsvc
from office.exceptions import DomainError
from office.models import AuditEvent, Equipment
from office.schedules import ensure_periodic_tasks
from tests import factories
from tests.factories import People, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    return People()


@pytest.fixture
def backup(db: Any) -> PeriodicTask:
    ensure_periodic_tasks()
    return PeriodicTask.objects.get(name="nightly backup")


def test_technical_services_move_the_backup_time(people: People, backup: PeriodicTask) -> None:
    client = logged_in(people.staff_techsvc)
    url = reverse("office:schedule_edit", kwargs={"pk": backup.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"enabled": "on", "time": "01:15"})
    assert response.status_code == 302
    backup.refresh_from_db()
    assert (backup.crontab.hour, backup.crontab.minute, backup.crontab.day_of_month) == ("1", "15", "*")
    assert backup.enabled
    assert AuditEvent.objects.filter(verb="office.schedule.changed").exists()


def test_the_backup_cannot_be_switched_off_nor_others_go_below_the_floor(people: People, backup: PeriodicTask) -> None:
    with pytest.raises(DomainError) as refused, translation.override("zh-hans"):
        actions_techsvc.schedule_update(actor=people.staff_techsvc, task_id=backup.pk, enabled=False)
    assert "备份" in str(refused.value)
    backup.refresh_from_db()
    assert backup.enabled
    sweep = PeriodicTask.objects.get(name="notification e-mail sweep")
    for minutes in (0, 24 * 60 + 1):
        with pytest.raises(DomainError):
            actions_techsvc.schedule_update(
                actor=people.staff_techsvc, task_id=sweep.pk, enabled=True, every_minutes=minutes
            )
    before = sweep.interval_id
    sweep.refresh_from_db()
    assert sweep.interval_id == before
    page = logged_in(people.staff_techsvc).post(
        reverse("office:schedule_edit", kwargs={"pk": backup.pk}), {"time": "03:00"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert page.status_code == 200 and "不能关闭" in page.content.decode()


def test_only_technical_services_edit_schedules(people: People, backup: PeriodicTask) -> None:
    for username in ("director", "head_infodev", "staff_east"):
        with pytest.raises(PermissionDenied):
            actions_techsvc.schedule_update(actor=people[username], task_id=backup.pk, enabled=True)
        assert (
            logged_in(people[username]).get(reverse("office:schedule_edit", kwargs={"pk": backup.pk})).status_code
            == 403
        )


def test_inventory_add_assign_document_retire(people: People) -> None:
    client = logged_in(people.staff_techsvc)
    data = {"asset_tag": "AV-0100", "name": "Meeting-room projector", "kind": Equipment.Kind.AV,
            "custodian": factories.department("techsvc").pk, "location": "Room 301",
            "assigned_to": people.staff_custsvc.staff_profile.pk, "purchase_date": "2026-01-10",
            "warranty_until": "2028-01-10"}  # fmt: skip
    response = client.post(reverse("office:equipment_create"), data)
    assert response.status_code == 302
    item = Equipment.objects.get(asset_tag="av-0100")
    assert item.assigned_to == people.staff_custsvc and item.warranty_until == datetime.date(2028, 1, 10)
    bad = client.post(
        reverse("office:equipment_edit", kwargs={"pk": item.pk}), {**data, "warranty_until": "2025-01-01"}
    )
    assert bad.status_code == 200
    item.refresh_from_db()
    assert item.warranty_until == datetime.date(2028, 1, 10)

    upload = SimpleUploadedFile("manual.pdf", b"%PDF-1.4 manual", content_type="application/pdf")
    assert (
        client.post(
            reverse("office:equipment_document_add", kwargs={"pk": item.pk}), {"title": "Manual", "file": upload}
        ).status_code
        == 302
    )
    document = item.documents.get()
    url = reverse("office:equipment_document", kwargs={"pk": item.pk, "doc": document.pk})
    download = logged_in(people.staff_infodev).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 manual"
    assert logged_in(people.staff_east).get(url).status_code == 404
    assert logged_in(people.client_a).get(url).status_code == 403

    assert client.post(reverse("office:equipment_retire", kwargs={"pk": item.pk})).status_code == 302
    item.refresh_from_db()
    assert item.status == Equipment.Status.RETIRED and item.assigned_to is None
    with pytest.raises(PermissionDenied):
        actions_techsvc.equipment_retire(actor=people.director, equipment_id=item.pk)


def test_retention_is_set_within_the_floor(people: People) -> None:
    from office.backups.retention import current_retention
    from office.models import BackupRetention

    client = logged_in(people.staff_techsvc)
    url = reverse("office:backup_retention")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"daily": 3, "weekly": 4, "monthly": 6}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and "至少保留" in refused.content.decode()
    assert not BackupRetention.objects.exists()
    assert client.post(url, {"daily": 14, "weekly": 8, "monthly": 12}).status_code == 302
    assert current_retention() == {"daily": 14, "weekly": 8, "monthly": 12}
    assert AuditEvent.objects.filter(verb="office.backup_retention.changed").exists()
    with pytest.raises(PermissionDenied):
        actions_techsvc.retention_update(actor=people.director, daily=30, weekly=8, monthly=12)
