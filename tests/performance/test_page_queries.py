"""Issue 18: the main page of each role runs a handful of queries, and the same number on a
bigger data set (the lists page, the counts aggregate, the relations are joined).

Counted on the second of two requests: the first fills the per-user task cache
(office/inbox.py) and warms the session cache, as every page after the first of a visit
finds them. The cold request (task cache dropped) is checked for flatness too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from office import inbox
from office.actions import notify
from office.models import Announcement
from procurement.models import PurchaseRequest
from services import actions as service_actions
from services.models import ServiceOrder
from tests.procurement.conftest import make_request
from tests.services.factories import order_in

pytestmark = pytest.mark.django_db


def _first_order(demo: Any) -> ServiceOrder:
    return ServiceOrder.objects.filter(client__user=demo.client_a).order_by("pk").first()


def _client_order(demo: Any) -> str:
    return reverse("services:order_detail", args=[_first_order(demo).pk])


def _staff_request(demo: Any) -> str:
    request = PurchaseRequest.objects.filter(requester=demo.staff_infodev).order_by("pk").first()
    return reverse("procurement:request_detail", args=[request.pk])


# page: (user, url, most queries with a warm cache; issue 18 allows no main page above 8).
# Every signed-in page pays 2 (the user; their profile, client account and unit functions);
# the navigation is cached (base.html).
PAGES: dict[str, tuple[str, Callable[[Any], str], int]] = {
    "staff home": ("staff_infodev", lambda demo: reverse("office:home"), 8),
    "approvals inbox": ("head_infodev", lambda demo: reverse("procurement:approvals"), 8),
    "purchase requests": ("staff_infodev", lambda demo: reverse("procurement:request_list"), 8),
    "client desk": ("client_a", lambda demo: reverse("office:home"), 4),
    "client orders": ("client_a", lambda demo: reverse("services:order_list"), 5),
    "client order detail": ("client_a", _client_order, 8),
    # Every tile's reads in one query (office/dashboard/batch.py).
    "director's dashboard": ("director", lambda demo: reverse("office:dashboard"), 8),
    "service queue": ("head_infodev", lambda demo: reverse("services:queue"), 8),
}
PAGES["head's dashboard"] = ("head_infodev", lambda demo: reverse("office:dashboard"), 8)
# Every object the page names, and which the director may open, in one query (office/audit_text).
PAGES["audit log"] = ("director", lambda demo: reverse("office:audit_list"), 8)
# The staff who handle client_a's order (its unit's group; the head of the unit).
PAGES["staff order detail"] = ("staff_infodev", _client_order, 8)
PAGES["staff order detail (head)"] = ("head_infodev", _client_order, 8)
PAGES["purchase request (requester)"] = ("staff_infodev", _staff_request, 8)
PAGES["purchase request (head)"] = ("head_infodev", _staff_request, 8)
PAGES["approvals inbox (director)"] = ("director", lambda demo: reverse("procurement:approvals"), 8)


def _grow(demo: Any, times: int) -> None:
    """More of everything the pages list or count: requests waiting for the head, orders of
    every state for client_a, delivered and rated orders for the queue's statistics, messages
    on the order, announcements and notifications for the staff home."""
    home = demo.staff_infodev.staff_profile.organization
    for n in range(times):
        make_request(demo.staff_infodev, [("BH-1001", 1)])
        for state in ("requested", "quoted", "delivered"):
            order_in(demo, state)
        Announcement.objects.create(
            organization=home, title=f"Notice {n}", body="Text", author=demo.director, published_at=timezone.now()
        )
        notify(recipient_id=demo.staff_infodev.pk, verb="test.grow", title=f"Note {n}")
    order = _first_order(demo)
    for n in range(times):
        service_actions.order_message_post(order_id=order.pk, actor=demo.client_a, body=f"Question {n}")


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _counts(demo: Any, page: str) -> tuple[int, int]:
    """(cold, warm): with the user's task cache dropped, then again with it filled."""
    username, url_of, _limit = PAGES[page]
    client = demo.client(username)
    url = url_of(demo)
    client.get(url)  # the session's first read fills the session cache
    inbox.invalidate(demo.users[username].pk)
    return _count(client, url), _count(client, url)


@pytest.mark.parametrize("page", list(PAGES))
def test_main_page_runs_few_queries_and_as_many_on_more_data(demo, page):
    cold, warm = _counts(demo, page)
    assert warm <= PAGES[page][2], f"{page}: {warm} queries"
    _grow(demo, times=4)
    assert _counts(demo, page) == (cold, warm), page
