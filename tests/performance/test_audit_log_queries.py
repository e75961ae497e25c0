"""Issue 18: the audit log reads every object its page names — the events' targets, the objects
their data points at, and which of them the reader may open — in one statement
(office/audit_text/objects.py over office/dashboard/batch.py): a page naming twenty kinds of
object costs the queries of a page naming one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from office import audit
from office.models import Department

pytestmark = pytest.mark.django_db


def _count(client: Any, url: str) -> int:
    client.get(url)  # the first request warms the session and the per-user caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _first(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").first()


# Models with a page (a visible_to scope or an app's own guard), people, and plain objects.
KINDS = [
    "procurement.PurchaseRequest",
    "procurement.Vendor",
    "services.ServiceOrder",
    "cataloging.BibRecord",
    "payments.Payment",
    "office.Equipment",
    "store.Product",
    "store.StoreOrder",
    "support.SurveyFollowUp",
    "office.Department",
]


def test_the_audit_log_runs_as_many_queries_with_more_kinds_of_objects(demo):
    director = demo.director
    home = director.staff_profile.organization
    client = demo.client("director")
    url = reverse("office:audit_list")
    # One kind on the page only: the newest events all name the same purchase request.
    target = _first("procurement.PurchaseRequest")
    for _n in range(25):
        audit.record(actor=director, verb="procurement.purchase_request.viewed", target=target, organization=home)
    one_kind = _count(client, url)

    people = list(get_user_model().objects.order_by("pk")[:3])
    department = Department.objects.order_by("pk").first()
    payment = _first("payments.Payment")
    recorded = 0
    for label in KINDS:
        obj = _first(label)
        if obj is None:
            continue
        data = {"assignee": people[recorded % 3].pk, "department": department.pk, "payment": payment.pk}
        audit.record(actor=director, verb="office.test.touched", target=obj, organization=home, data=data)
        recorded += 1
    audit.record(actor=director, verb="office.person.updated", target=people[1], organization=home)
    assert recorded >= 8, "the demo has most kinds of object"

    assert _count(client, url) == one_kind
