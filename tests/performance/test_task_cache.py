"""Issue 18 item 1: the "my tasks" counts and the unread count are cached per user, and the
cache gives way at once to the user's own writes and to notifications addressed to them."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from office import inbox
from office.actions import notify
from office.models import Notification
from procurement.models import PurchaseRequest

pytestmark = pytest.mark.django_db


def _mine(response) -> int:
    """The count of "My purchase requests in progress" on the staff home (0: not shown)."""
    items = {item.title: item.count for item in response.context["inbox_items"]}
    return items.get("My purchase requests in progress", 0)


def test_task_counts_are_cached_until_the_user_writes(demo):
    client = demo.client("staff_infodev")
    before = _mine(client.get(reverse("office:home")))
    assert before > 0
    # Without a write of the user's the count comes from the cache, even when the rows changed.
    PurchaseRequest.objects.filter(requester=demo.staff_infodev).update(status="cancelled")
    assert _mine(client.get(reverse("office:home"))) == before
    # Any write of theirs (here: marking notifications read) drops it: the next page counts again.
    client.post(reverse("office:notification_read_all"))
    assert _mine(client.get(reverse("office:home"))) == 0


def test_a_notification_updates_the_recipients_unread_count_at_once(demo):
    client = demo.client("head_infodev")
    client.get(reverse("office:home"))
    unread = Notification.objects.filter(recipient=demo.head_infodev, read_at__isnull=True).count()
    notify(recipient_id=demo.head_infodev.pk, verb="test.cache", title="Something to read")
    html = client.get(reverse("office:home")).content.decode()
    assert f'id="unread-count">{unread + 1}<' in html


def test_the_cache_is_per_user_and_per_language(demo):
    staff, head = demo.staff_infodev, demo.head_infodev
    assert inbox.items_for_cached(staff) == inbox.items_for(staff)
    assert inbox.items_for_cached(head) == inbox.items_for(head)
    client = demo.client("head_infodev")
    english = {i.url: i.title for i in client.get(reverse("office:home")).context["inbox_items"]}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = {i.url: i.title for i in client.get(reverse("office:home")).context["inbox_items"]}
    assert english.keys() == chinese.keys() and english
    assert english != chinese


def test_one_cached_navigation_serves_every_filter_and_page_of_a_view(demo):
    """The navigation depends on the view (its active tab), not on the query string: a list's
    next filter or page number, or another order's page, finds it in the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = demo.client("staff_infodev")
    url = reverse("procurement:request_list")
    client.get(url)  # the CSRF cookie the navigation's forms need before it is cached
    client.get(url)  # the navigation of this view, cached
    with CaptureQueriesContext(connection) as first:
        html = client.get(url + "?status=submitted").content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get(url + "?status=submitted")
    assert len(first) == len(again)
    assert 'id="language-form"' in html
    # Another view gets its own entry: its tab is the active one, not the requests' tab.
    nav = re.compile(r"<nav [^>]*site-nav.*?</nav>", re.S)
    requests_nav = nav.search(html).group(0)
    queue_nav = nav.search(client.get(reverse("services:queue")).content.decode()).group(0)
    assert requests_nav != queue_nav
    assert "active" in requests_nav
