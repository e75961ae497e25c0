"""Health page, health JSON and backup history/download pages (issue 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from office.models import AuditEvent, BackupDrill, BackupRun
from tests.factories import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def backup(settings: Any, tmp_path: Path) -> BackupRun:
    settings.BACKUP_DIR = tmp_path
    folder = tmp_path / "20260101T023000Z-1"
    folder.mkdir()
    (folder / "db.dump").write_bytes(b"PGDMP demo")
    (folder / "manifest.json").write_text("{}")
    return BackupRun.objects.create(
        status=BackupRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        location=str(folder),
        size_bytes=10,
        manifest={
            "files": {"db.dump": {"size": 10, "sha256": "a" * 64}},
            "tables": {"office_organization": {"rows": 4, "sha256": "b" * 64}},
            "app_version": "0.1.0",
        },
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [("head_techsvc", 200), ("staff_techsvc", 200), ("director", 200), ("staff_infodev", 403), ("director_east", 403)],
)
def test_health_page_is_for_technical_services_and_leadership(people: People, username: str, status: int) -> None:
    assert people.client(username).get(reverse("office:health")).status_code == status


def test_health_page_shows_backup_drill_disk_and_queues(people: People, backup: BackupRun) -> None:
    BackupDrill.objects.create(
        backup=backup, status=BackupDrill.Status.FAILED, finished_at=timezone.now(), error="3 tables differ"
    )
    html = people.client("staff_techsvc").get(reverse("office:health")).content.decode()
    for marker in ('id="health-backup"', 'id="health-drill"', 'id="health-disk"', 'id="health-queues"'):
        assert marker in html
    assert "3 tables differ" in html
    assert 'data-state="red"' in html  # the failed drill


def test_failed_latest_backup_turns_health_red(db: Any, backup: BackupRun) -> None:
    from office import selectors

    assert selectors.health_last_backup()["state"] == selectors.GREEN
    BackupRun.objects.create(status=BackupRun.Status.FAILED, finished_at=timezone.now(), error="disk full")
    assert selectors.health_last_backup()["state"] == selectors.RED


def test_late_backup_turns_health_red(db: Any, backup: BackupRun, settings: Any) -> None:
    from office import selectors

    BackupRun.objects.filter(pk=backup.pk).update(finished_at=timezone.now() - timezone.timedelta(hours=30))
    check = selectors.health_last_backup()
    assert check["state"] == selectors.RED and check["late"]


def test_health_json_reveals_only_the_overall_state_to_others(people: People, backup: BackupRun) -> None:
    url = reverse("health_live")
    for username in (None, "client_a", "staff_infodev"):
        body = people.client(username).get(url).json()
        assert set(body) == {"status"}, username
    details = people.client("staff_techsvc").get(url).json()
    assert {"checks", "workers", "queues", "version"} <= set(details)
    assert {"backup", "drill", "backup_disk"} <= set(details["checks"])
    assert str(Path(backup.location)) not in str(details)


def test_backup_history_lists_runs_and_feeds_the_chart(people: People, backup: BackupRun) -> None:
    response = people.client("director").get(reverse("office:backup_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="backup-chart-data"' in html and "js/backup-chart.js" in html
    assert response.context["chart"]["sizes"] == [10]
    detail = people.client("director").get(reverse("office:backup_detail", kwargs={"pk": backup.pk})).content.decode()
    assert "office_organization" in detail
    BackupDrill.objects.create(
        backup=backup,
        status=BackupDrill.Status.PASSED,
        finished_at=timezone.now(),
        details={"smoke_test": {"office.Organization": {"count": 4, "newest_pk": 9}}},
    )
    detail = people.client("director").get(reverse("office:backup_detail", kwargs={"pk": backup.pk})).content.decode()
    assert "office.Organization 4 rows" in " ".join(detail.split())
    assert reverse("office:backup_download", kwargs={"pk": backup.pk, "name": "db.dump"}) not in detail


def test_technical_services_download_a_backup_file_as_attachment(people: People, backup: BackupRun) -> None:
    client = people.client("staff_techsvc")
    url = reverse("office:backup_download", kwargs={"pk": backup.pk, "name": "db.dump"})
    assert url in client.get(reverse("office:backup_detail", kwargs={"pk": backup.pk})).content.decode()

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"PGDMP demo"
    assert AuditEvent.objects.filter(verb="office.backup.downloaded", actor=people.staff_techsvc).count() == 1


@pytest.mark.parametrize("name", ["secret.txt", "..%2F..%2Fetc%2Fpasswd", "manifest.json.tmp"])
def test_download_only_serves_files_of_the_manifest(people: People, backup: BackupRun, name: str) -> None:
    (Path(backup.location) / "secret.txt").write_text("no")
    response = people.client("staff_techsvc").get(f"/intranet/backups/{backup.pk}/files/{name}")
    assert response.status_code == 404


def test_download_refused_to_leadership(people: People, backup: BackupRun) -> None:
    url = reverse("office:backup_download", kwargs={"pk": backup.pk, "name": "db.dump"})
    assert people.client("director").get(url).status_code == 403
    assert not AuditEvent.objects.filter(verb="office.backup.downloaded").exists()
