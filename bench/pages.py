"""Helpers of bench/pages.sh: which page each role's bench requests, and how many queries
each page runs (in process, with a warm cache, as the second of two requests).

    .venv/bin/python bench/pages.py paths      # label|user|path, one a line ("-" = anonymous)
    .venv/bin/python bench/pages.py queries    # label|queries|status, one a line
    .venv/bin/python bench/pages.py timing     # label|wall ms p50|CPU ms per request (in process)

`timing` serves each page 40 times in this process (after 3 warm-up requests) through
Django's test client: the CPU time is what a gunicorn worker spends on the page, less
sensitive than throughput to whatever else the machine runs.
"""

from __future__ import annotations

import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402


def pages() -> list[tuple[str, str, str]]:
    """(label, username or "-", path): the main page of every role on the demo data."""
    from services.models import ServiceOrder

    translation.activate("en")
    order = ServiceOrder.objects.filter(client__user__username="client_a").order_by("pk").first()
    rows = [
        ("public home", "-", reverse("marketing:home")),
        ("catalog search ?q=研究", "-", reverse("cataloging:public_search") + "?q=%E7%A0%94%E7%A9%B6"),
        ("staff home", "staff_infodev", reverse("office:home")),
        ("approvals inbox (head)", "head_infodev", reverse("procurement:approvals")),
        ("purchase requests (staff)", "staff_infodev", reverse("procurement:request_list")),
        ("client desk", "client_a", reverse("office:home")),
        ("client orders", "client_a", reverse("services:order_list")),
        ("director's dashboard", "director", reverse("office:dashboard")),
    ]
    if order is not None:
        rows.append(("service order detail (client)", "client_a", reverse("services:order_detail", args=[order.pk])))
    return rows


def queries() -> list[tuple[str, int, int]]:
    users = get_user_model().objects
    result = []
    for label, username, path in pages():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if username != "-":
            client.force_login(users.get(username=username))
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        result.append((label, len(ctx), status))
    return result


def timing(requests: int = 40) -> list[tuple[str, float, float]]:
    import statistics
    import time

    users = get_user_model().objects
    result = []
    for label, username, path in pages():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if username != "-":
            client.force_login(users.get(username=username))
        for _ in range(3):
            client.get(path)
        walls, cpu_start = [], time.process_time()
        for _ in range(requests):
            start = time.perf_counter()
            client.get(path)
            walls.append(time.perf_counter() - start)
        cpu = (time.process_time() - cpu_start) / requests
        result.append((label, statistics.median(walls) * 1000, cpu * 1000))
    return result


if __name__ == "__main__":
    if sys.argv[1:] == ["paths"]:
        for row in pages():
            print("|".join(row))
    elif sys.argv[1:] == ["queries"]:
        for label, count, status in queries():
            print(f"{label}|{count}|{status}")
    elif sys.argv[1:] == ["timing"]:
        for label, wall, cpu in timing():
            print(f"{label}|{wall:.1f}|{cpu:.1f}")
    else:
        sys.exit(__doc__)
