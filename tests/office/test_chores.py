"""Chores beat runs instead of a person (issue 19 item 4): the office's nightly clean-up, every
chore's schedule, and the schedule page that lists them. The apps' own chores are tested in
tests/<app>/test_chores.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_celery_beat.models import PeriodicTask

from office import chores
from office.models import Notification
from office.schedules import DEFAULT_SCHEDULES, SCHEDULE_TEXTS, Crontab, ensure_periodic_tasks
from office.tasks import login_records_remove_task, notifications_remove_read_task, sessions_clear_expired_task

pytestmark = pytest.mark.django_db

# Every chore that used to wait for a person: schedule name -> (task, when).
CHORES = {
    "cataloging statements month close": (
        "cataloging.tasks.statements_close_month_task",
        Crontab(minute="30", hour="0", day_of_month="1"),
    ),
    "cataloging import files clean-up": ("cataloging.tasks.import_files_remove_task", Crontab(minute="25", hour="3")),
    "unconfirmed registrations clean-up": (
        "services.tasks.client_registrations_unconfirmed_remove_task",
        Crontab(minute="15", hour="3"),
    ),
    "stale cart lines clean-up": ("procurement.tasks.cart_lines_remove_stale_task", Crontab(minute="20", hour="3")),
    "expired sessions clean-up": ("office.tasks.sessions_clear_expired_task", Crontab(minute="0", hour="3")),
    "read notifications clean-up": ("office.tasks.notifications_remove_read_task", Crontab(minute="5", hour="3")),
    "login records clean-up": ("office.tasks.login_records_remove_task", Crontab(minute="10", hour="3")),
}


# --- the schedules ----------------------------------------------------------------------------------


def test_every_chore_is_scheduled_as_a_crontab_in_the_database():
    assert {name: DEFAULT_SCHEDULES[name] for name in CHORES} == CHORES
    ensure_periodic_tasks()
    for name, (task, when) in CHORES.items():
        assert callable(import_string(task)), task
        row = PeriodicTask.objects.select_related("crontab").get(name=name)
        assert row.task == task and row.enabled and row.interval is None
        crontab = row.crontab
        assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week) == (
            when.minute,
            when.hour,
            when.day_of_month,
            when.month_of_year,
            when.day_of_week,
        ), name


def test_every_default_schedule_has_a_title_and_description_in_chinese():
    assert set(DEFAULT_SCHEDULES) <= set(SCHEDULE_TEXTS)
    with translation.override("zh-hans"):
        for name in DEFAULT_SCHEDULES:
            title, description = SCHEDULE_TEXTS[name]
            with translation.override("en"):
                english = (str(title), str(description))
            assert str(title) != english[0] and str(description) != english[1], name


def test_schedule_page_lists_the_chores_with_translated_texts_for_technical_services_and_leadership(demo):
    ensure_periodic_tasks()
    url = reverse("office:schedule_list")
    page = demo.client("director").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cataloging statements closed" in page and "monthly on day 1 at 00:30" in page
    assert "Unconfirmed registrations removed" in page and "daily at 03:15" in page
    assert "every 5 minutes" in page  # an interval schedule
    for name in CHORES:
        assert f'data-schedule="{name}"' in page, name
    page = demo.client("head_techsvc").get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "编目结算单月结" in page and "每月 1 日 00:30" in page and "删除未确认的注册" in page
    for who in ("staff_infodev", "head_infodev", "client_a", "staff_east"):
        assert demo.client(who).get(url).status_code == 403, who


def test_schedule_page_shows_a_default_schedule_deleted_in_the_admin(demo):
    ensure_periodic_tasks()
    PeriodicTask.objects.filter(name="stale cart lines clean-up").delete()
    page = demo.client("director").get(reverse("office:schedule_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = page.split('data-schedule="stale cart lines clean-up"', 1)[1].split("</tr>", 1)[0]
    assert "Not scheduled: run migrate" in row


def test_health_page_links_to_the_schedule_page(demo):
    page = demo.client("director").get(reverse("office:health")).content.decode()
    assert reverse("office:schedule_list") in page


# --- expired sessions ---------------------------------------------------------------------------------


def test_expired_sessions_are_cleared_and_live_ones_kept():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    sessions_clear_expired_task.delay()
    assert not Session.objects.filter(expire_date__lte=timezone.now()).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
    before = Session.objects.count()
    chores.sessions_clear_expired()  # nothing left to do
    assert Session.objects.count() == before


# --- notifications ------------------------------------------------------------------------------------


def test_notifications_read_long_ago_are_removed_unread_ones_stay(demo):
    now = timezone.now()
    user = demo.staff_infodev
    Notification.objects.filter(recipient=user).delete()

    def make(title, read_days_ago, created_days_ago=400):
        read_at = now - timedelta(days=read_days_ago) if read_days_ago is not None else None
        created = now - timedelta(days=created_days_ago)
        return Notification.objects.create(recipient=user, verb="x", title=title, created_at=created, read_at=read_at)

    make("read long ago", 181)
    make("read lately", 10)
    make("never read", None)
    assert notifications_remove_read_task.delay().get() == 1
    assert sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True)) == [
        "never read",
        "read lately",
    ]
    assert chores.notifications_remove_read() == 0


# --- login records ------------------------------------------------------------------------------------


def test_login_records_older_than_ninety_days_are_removed():
    old, recent = (
        AccessLog.objects.create(username=name, ip_address="127.0.0.1", user_agent="test", http_accept="*/*")
        for name in ("old", "recent")
    )
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=91))
    AccessLog.objects.filter(pk=recent.pk).update(attempt_time=timezone.now() - timedelta(days=10))
    assert login_records_remove_task.delay().get() == 1
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent"]
    assert chores.login_records_remove() == 0
