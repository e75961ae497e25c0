"""EXPLAIN (ANALYZE, BUFFERS) of each main list's queries, as its page runs them (issue 18).

    .venv/bin/python bench/volume_explain.py [label words...]      # DATABASE_URL: the volume DB

Renders each list for its demo user through Django's test client, keeps the queries on the
list's table, and runs EXPLAIN (ANALYZE, BUFFERS) three times on each: the best execution time,
the top plan node and the first scans. VERBOSE=1 prints the SQL and the whole plan. Needs the
bench environment (DJANGO_DEBUG=false, ALLOWED_HOSTS with testserver: see bench/pages.sh).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")


def lists() -> list[tuple[str, str, str, str]]:
    """(label, user, path, table) of each main list."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    actor = get_user_model().objects.get(username="staff_infodev").pk
    requests, orders, audit = (
        reverse(n) for n in ("procurement:request_list", "services:order_list", "office:audit_list")
    )
    pr, so, pay, ae = "procurement_purchaserequest", "services_serviceorder", "payments_payment", "office_auditevent"
    return [
        ("PR list: requester (staff)", "staff_infodev", requests, pr),
        ("PR list: departments (head)", "head_infodev", requests, pr),
        ("PR list: office, status (director)", "director", requests + "?status=submitted", pr),
        ("PR list: office (director)", "director", requests, pr),
        ("approvals inbox (head)", "head_infodev", reverse("procurement:approvals"), pr),
        ("approvals inbox (director)", "director", reverse("procurement:approvals"), pr),
        ("service orders: client", "client_a", orders, so),
        ("service orders: staff, status", "head_infodev", orders + "?status=completed", so),
        ("service orders: assignee (mine)", "staff_infodev", orders + "?view=mine", so),
        ("service queue (head)", "head_infodev", reverse("services:queue"), so),
        ("payments: finance (director)", "director", reverse("payments:payment_list"), pay),
        ("payments: mine (client)", "client_a", reverse("payments:payment_list_mine"), pay),
        ("audit log: office (director)", "director", audit, ae),
        ("audit log: actor", "director", audit + f"?actor={actor}", ae),
        ("audit log: dates", "director", audit + "?date_from=2026-06-01&date_to=2026-06-30", ae),
        ("notifications: recipient", "staff_infodev", reverse("office:notification_list"), "office_notification"),
        ("borrowing desk", "staff_infodev", reverse("sharing:borrowing_desk"), "sharing_sharingrequest"),
        ("lending desk", "staff_infodev", reverse("sharing:lending_desk"), "sharing_sharingrequest"),
    ]


def _scans(node: dict[str, Any], found: list[str]) -> list[str]:
    if "Relation Name" in node or "Index Name" in node:
        using = f" using {node['Index Name']}" if "Index Name" in node else ""
        found.append(f"{node['Node Type']}{using} on {node.get('Relation Name', '')}")
    for child in node.get("Plans", []):
        _scans(child, found)
    return found


def explain(sql: str) -> tuple[dict[str, Any], str]:
    """The fastest of three EXPLAIN ANALYZE runs (JSON), and the text plan of a fourth."""
    from django.db import connection

    best = None
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            if best is None or plan[0]["Execution Time"] < best[0]["Execution Time"]:
                best = plan
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    return best[0], text


def main(only: list[str]) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    translation.activate("en")
    for label, username, path, table in lists():
        if only and not any(word in label for word in only):
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(get_user_model().objects.get(username=username))
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        print(f"## {label} [{username} {path}] HTTP {status}")
        for sql in (q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]):
            plan, text = explain(sql)
            kind = "COUNT" if "COUNT(" in sql[:60] else "rows"
            scans = "; ".join(_scans(plan["Plan"], [])[:4])
            print(f"  [{kind}] {plan['Execution Time']:.1f} ms  {plan['Plan']['Node Type']}  | {scans}")
            if os.environ.get("VERBOSE"):
                print("   SQL:", sql[:600])
                print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
