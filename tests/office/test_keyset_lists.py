"""Issue 18 item 3: the audit log and the notifications list page by keyset (office/keyset.py):
"Older" and "Newer" walk a year of rows without a COUNT or an OFFSET, filters kept, each row on
exactly one page, and a day filter is a time range (the created_at index serves it)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from office.keyset import cursor_of, keyset_page, parse_cursor
from office.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def _notifications(user: Any, count: int) -> list[int]:
    """`count` notifications, two of them at the same instant (the id breaks the tie)."""
    now = timezone.now().replace(microsecond=0)
    times = [now - datetime.timedelta(minutes=n) for n in range(count - 1)] + [now - datetime.timedelta(minutes=5)]
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, verb="test", title=f"Note {n}", created_at=at) for n, at in enumerate(times)
    )
    return [n.pk for n in sorted(rows, key=lambda n: (n.created_at, n.pk), reverse=True)]


def _link(html: str, name: str) -> str | None:
    match = re.search(r'<a class="page-link" rel="\w+" href="\?([^"]+)">[^<]*?' + name, html)
    if not match:
        match = re.search(r'href="\?([^"]+)">(?:<i [^>]*></i> )?' + name, html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_notifications_walk_older_and_back_newer_each_row_once(demo):
    user = demo.staff_east
    Notification.objects.filter(recipient=user).delete()
    expected = _notifications(user, 60)
    client = demo.client("staff_east")
    url = reverse("office:notification_list")
    seen, query, pages = [], "", []
    while True:
        response = client.get(f"{url}?{query}")
        page = response.context["page_obj"]
        pages.append([n.pk for n in page])
        seen += pages[-1]
        query = _link(response.content.decode(), "Older")
        if not query:
            break
    assert seen == expected  # newest first, no row twice, none missed (the tie included)
    assert [len(p) for p in pages] == [25, 25, 10]
    newer = _link(response.content.decode(), "Newer")
    assert [n.pk for n in client.get(f"{url}?{newer}").context["page_obj"]] == pages[1]
    first = client.get(url).content.decode()
    assert _link(first, "Newer") is None and _link(first, "Older")


def test_a_keyset_page_is_one_query_without_count_or_offset(demo):
    user = demo.staff_east
    Notification.objects.filter(recipient=user).delete()
    _notifications(user, 40)
    qs = Notification.objects.filter(recipient=user)
    first = keyset_page(qs, {})
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(qs, {"before": first.older})
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "OFFSET" not in sql
    assert len(page) == 15 and page.newer and not page.older


def test_a_mangled_cursor_gives_the_newest_page():
    assert parse_cursor("12x_3") is None and parse_cursor("") is None and parse_cursor("9" * 40 + "_1") is None
    row = Notification(pk=7, created_at=datetime.datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=datetime.UTC))
    assert parse_cursor(cursor_of(row)) == (row.created_at, 7)


def test_the_audit_log_pages_by_keyset_keeping_its_filters(demo):
    director = demo.director
    office = director.staff_profile.organization
    day = timezone.localdate() - datetime.timedelta(days=3)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    minutes = datetime.timedelta(minutes=1)
    AuditEvent.objects.bulk_create(
        AuditEvent(organization=office, actor=director, verb="test.paged", created_at=start + minutes * n)
        for n in range(30)
    )
    before = start - datetime.timedelta(seconds=1)
    AuditEvent.objects.create(organization=office, actor=director, verb="test.paged", created_at=before)
    client = demo.client("director")
    params = f"verb=test.paged&date_from={day.isoformat()}&date_to={day.isoformat()}"
    response = client.get(f"{reverse('office:audit_list')}?{params}")
    first = list(response.context["page_obj"])
    older = _link(response.content.decode(), "Older")
    assert "verb=test.paged" in older and "date_from=" in older and "before=" in older
    second = list(client.get(f"{reverse('office:audit_list')}?{older}").context["page_obj"])
    assert len(first) == 25 and len(second) == 5  # the event of the day before is not in the range
    assert {timezone.localtime(e.created_at).date() for e in first + second} == {day}
    assert first[0].created_at > first[-1].created_at > second[0].created_at


def test_the_audit_log_names_client_actors_without_a_query_per_row(demo):
    office = demo.director.staff_profile.organization

    def events(count: int) -> None:
        for n in range(count):
            actor = demo.client_a if n % 2 else demo.client_b
            AuditEvent.objects.create(organization=office, actor=actor, verb="services.order.paid")

    client = demo.client("director")
    url = reverse("office:audit_list") + "?verb=services.order.paid"
    events(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    events(10)
    with CaptureQueriesContext(connection) as more:
        body = client.get(url).content.decode()
    assert len(more) == len(few)
    assert demo.client_a.client_account.display_name in body
