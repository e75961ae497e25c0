"""Health page (issue 20): each check that is not OK is named in words and says what to do, in
the reader's language; technical codes ("sqla") are not shown as they are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from office.models import BackupRun, Preference
from office.selectors import health
from tests.factories import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    return People()


def _page(people: People, language: str = "en") -> str:
    Preference.objects.update_or_create(user=people["staff_techsvc"], defaults={"language": language})
    response = people.client("staff_techsvc").get(reverse("office:health"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _advice(html: str) -> str:
    start = html.find('id="health-advice"')
    assert start != -1, "no advice box on the page"
    return html[start : html.find("</div>", start)]


def test_redis_down_says_start_redis(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "health_broker", lambda: {"state": health.RED, "detail": "OperationalError"})
    advice = _advice(_page(people))
    assert 'data-check="broker"' in advice
    assert "Message broker (Redis)" in advice
    assert "Start Redis; queued work is caught up by the sweeps when it is back." in advice


def test_transport_code_is_shown_as_a_name(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "health_broker", lambda: {"state": health.GREEN, "detail": "sqla"})
    html = _page(people)
    assert "SQLite (development broker)" in html
    assert ">sqla<" not in html
    assert 'data-check="broker"' not in html  # OK: no advice for it


def test_no_backup_yet_says_run_one_from_the_backups_page(people: People) -> None:
    advice = _advice(_page(people))
    assert 'data-check="backup"' in advice
    assert "No backup has been made yet: run one now from the Backups page." in advice
    assert reverse("office:backup_list") in advice


def test_overdue_backup_says_run_one_now(people: People, settings: Any) -> None:
    finished = timezone.now() - timedelta(hours=settings.BACKUP_MAX_AGE_HOURS + 2)
    BackupRun.objects.create(status=BackupRun.Status.SUCCEEDED, started_at=finished, finished_at=finished)
    advice = _advice(_page(people))
    assert "Run a backup now from the Backups page" in advice


def test_failed_backup_says_read_the_error(people: People) -> None:
    BackupRun.objects.create(status=BackupRun.Status.FAILED, error="pg_dump: no space left")
    advice = _advice(_page(people))
    assert "The latest backup failed" in advice


def test_a_good_backup_needs_no_advice(people: People) -> None:
    BackupRun.objects.create(status=BackupRun.Status.SUCCEEDED, finished_at=timezone.now())
    html = _page(people)
    assert 'data-check="backup"' not in html


def test_advice_is_in_chinese_for_a_chinese_reader(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "health_broker", lambda: {"state": health.RED, "detail": "OperationalError"})
    advice = _advice(_page(people, "zh-hans"))
    assert "Start Redis" not in advice
    assert "No backup has been made yet" not in advice
    assert "Redis" in advice  # the product's name stays
    assert "启动" in advice
    assert "消息代理（Redis）：</strong>" in advice  # a Chinese colon after the name


def test_unread_queue_with_redis_up_does_not_blame_redis(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "health_broker", lambda: {"state": health.GREEN, "detail": "redis"})
    monkeypatch.setattr(health, "health_queues", lambda: [{"name": "celery", "length": None, "state": health.AMBER}])
    advice = _advice(_page(people))
    assert "a queue exists once a worker has started it" in advice
    assert "start Redis" not in advice
