"""Issue 18 item 4: each main page runs as many queries on the demo data as on the demo data
plus a (small) volume of everything the lists show (bench/volume_seed.py, the same seed the
bench runs at full scale): relations joined, aggregates in SQL, no query per row.

Counted on the second of two requests (the first warms the session and the per-user caches),
for the demo users, who get a share of the volume (their requests, orders, notifications)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.volume_seed import seed
from procurement.models import PurchaseRequest
from services.models import ServiceOrder

pytestmark = pytest.mark.django_db

SCALE = 0.005  # 500 purchase requests, 250 service orders, 1,500 audit events...


def _order(demo: Any) -> int:
    return ServiceOrder.objects.filter(client__user=demo.client_a).order_by("pk").first().pk


def _request(demo: Any) -> int:
    return PurchaseRequest.objects.filter(requester=demo.staff_infodev).order_by("pk").first().pk


# page: (user, url); "-" is anonymous. The ids are the demo's rows, read before the volume.
PAGES: dict[str, tuple[str, Callable[[Any], str]]] = {
    "public home": ("-", lambda demo: reverse("marketing:home")),
    "catalog search": ("-", lambda demo: reverse("cataloging:public_search") + "?q=%E7%A0%94%E7%A9%B6"),
    "staff home": ("staff_infodev", lambda demo: reverse("office:home")),
    "approvals inbox": ("head_infodev", lambda demo: reverse("procurement:approvals")),
    "purchase requests (staff)": ("staff_infodev", lambda demo: reverse("procurement:request_list")),
    "purchase requests (director)": ("director", lambda demo: reverse("procurement:request_list")),
    "purchase request": ("staff_infodev", lambda demo: reverse("procurement:request_detail", args=[_request(demo)])),
    "service queue": ("head_infodev", lambda demo: reverse("services:queue")),
    "service orders (staff)": ("head_infodev", lambda demo: reverse("services:order_list")),
    "service orders (client)": ("client_a", lambda demo: reverse("services:order_list")),
    "service order (client)": ("client_a", lambda demo: reverse("services:order_detail", args=[_order(demo)])),
    "service order (staff)": ("head_infodev", lambda demo: reverse("services:order_detail", args=[_order(demo)])),
    "client desk": ("client_a", lambda demo: reverse("office:home")),
    "payments (finance)": ("director", lambda demo: reverse("payments:payment_list")),
    "payments (client)": ("client_a", lambda demo: reverse("payments:payment_list_mine")),
    "audit log": ("director", lambda demo: reverse("office:audit_list")),
    "notifications": ("staff_infodev", lambda demo: reverse("office:notification_list")),
    "borrowing desk": ("staff_infodev", lambda demo: reverse("sharing:borrowing_desk")),
    "lending desk": ("staff_infodev", lambda demo: reverse("sharing:lending_desk")),
}


def _counts(demo: Any, urls: dict[str, str]) -> dict[str, int]:
    from django.test import Client

    counts = {}
    for page, url in urls.items():
        username = PAGES[page][0]
        client = Client() if username == "-" else demo.client(username)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (page, response.status_code)
        counts[page] = len(queries)
    return counts


def test_every_main_page_runs_as_many_queries_on_the_volume_as_on_the_demo(demo):
    urls = {page: url_of(demo) for page, (_user, url_of) in PAGES.items()}
    on_demo = _counts(demo, urls)
    written = seed(scale=SCALE)
    assert written["procurement.PurchaseRequest"] == 500
    assert PurchaseRequest.objects.filter(requester=demo.staff_infodev).count() > 3  # the demo users' share
    assert ServiceOrder.objects.filter(client__user=demo.client_a).count() > 6
    assert _counts(demo, urls) == on_demo
