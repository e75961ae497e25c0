"""Backups page (issue 20): technical services run a backup by hand (after a confirmation); the
empty state says how the first backup comes about."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from office import tasks
from office.models import AuditEvent, BackupRun, Preference
from tests.factories import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    return People()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The backup task's sends (instead of a worker running pg_dump)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.backup_run_task, "apply_async", lambda kwargs=None, **_: calls.append(kwargs or {}))
    return calls


def test_empty_backups_page_offers_technical_services_the_button(people: People) -> None:
    html = people.client("staff_techsvc").get(reverse("office:backup_list")).content.decode()
    assert 'id="backup-run-form"' in html
    assert f'action="{reverse("office:backup_run")}"' in html
    assert 'data-confirm="#backup-run-confirm"' in html
    assert "csrfmiddlewaretoken" in html
    empty = html[html.find('id="backup-empty"') :]
    assert "Run a backup now" in empty[: empty.find("</p>")]


def test_leadership_sees_the_list_without_the_button_and_may_not_run(people: People, sent: list[Any]) -> None:
    director = people.client("director")
    html = director.get(reverse("office:backup_list")).content.decode()
    assert 'id="backup-run-form"' not in html
    assert "technical services can also run one now" in html
    assert director.post(reverse("office:backup_run"), {"confirm": "yes"}).status_code == 403
    assert sent == []


def test_without_confirmation_the_page_asks_first(
    people: People, sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = people.client("staff_techsvc").post(reverse("office:backup_run"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="confirm-page"' in html and 'name="confirm" value="yes"' in html
    assert sent == []
    assert not AuditEvent.objects.filter(verb="office.backup.requested").exists()


def test_confirmed_run_queues_a_manual_backup_and_says_so(
    people: People, sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = people.client("staff_techsvc")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("office:backup_run"), {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("office:backup_list")
    assert sent == [{"trigger": "manual"}]
    assert "A backup was queued" in response.content.decode()
    event = AuditEvent.objects.get(verb="office.backup.requested")
    assert event.actor == people["staff_techsvc"]


def test_a_running_backup_refuses_a_second(
    people: People, sent: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    BackupRun.objects.create(status=BackupRun.Status.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        response = people.client("staff_techsvc").post(reverse("office:backup_run"), {"confirm": "yes"}, follow=True)
    assert "A backup is running already" in response.content.decode()
    assert sent == []


def test_the_task_records_a_manual_trigger(monkeypatch: pytest.MonkeyPatch) -> None:
    from office.backups import run as run_module

    seen: list[str] = []

    def fake_backup_run(*, trigger: str) -> BackupRun:
        seen.append(trigger)
        return BackupRun.objects.create(status=BackupRun.Status.SUCCEEDED, trigger=trigger)

    monkeypatch.setattr(run_module, "backup_run", fake_backup_run)
    pk = tasks.backup_run_task(trigger="manual")
    assert seen == [BackupRun.Trigger.MANUAL]
    assert BackupRun.objects.get(pk=pk).trigger == "manual"
    tasks.backup_run_task()
    assert seen[-1] == BackupRun.Trigger.SCHEDULED


def test_button_and_empty_state_in_chinese(people: People) -> None:
    Preference.objects.update_or_create(user=people["staff_techsvc"], defaults={"language": "zh-hans"})
    html = (
        people.client("staff_techsvc")
        .get(reverse("office:backup_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "Run a backup now" not in html
    assert "立即备份" in html
    assert "尚未运行过数据备份。点击" in html  # no space between Chinese sentences
