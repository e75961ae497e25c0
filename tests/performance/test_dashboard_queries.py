"""Issue 18: the director's dashboard and a head's read every tile in one query
(office/dashboard/batch.py). At most 8 queries with nothing cached (sessions included), the
same number with more units, requests, orders, payments and records; and the batch gives
each tile exactly what Django gives when the tile's read runs on its own, so the figures
are those of the one-query-per-read dashboard before it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cataloging.models import BibRecord
from office import inbox
from office.dashboard import batch, selectors
from office.dashboard import tiles as registry
from office.dashboard.tiles import Period
from office.models import BudgetEntry, Department
from payments.models import Payment
from procurement.models import PurchaseOrder, PurchaseRequest, Vendor
from services.models import Offering, ServiceOrder
from tests import factories

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("office:dashboard")
LIMIT = 8
_serial = itertools.count(1)


@pytest.fixture
def office(db) -> Any:
    people = factories.People()
    people.build("director", "head_infodev", "staff_infodev", "head_custsvc")
    factories.office_units()
    for code in ("infodev", "custsvc", "techsvc"):
        factories.budget_line(code)
    return people


def _grow(people: Any, times: int) -> None:
    """More of what the tiles count and list: units with budgets and spending, requests
    waiting at both stages, late purchase orders, paid and rated service orders, payments
    (some flagged), catalogue records."""
    home = people.director.staff_profile.organization
    now = timezone.now()
    client = factories.client_user()
    vendor = Vendor.objects.create(organization=home, code=f"v{next(_serial)}", name="Vendor")
    infodev = people.head_infodev.staff_profile.department
    for n in range(times):
        serial = next(_serial)
        unit = factories.DepartmentFactory(organization=home, parent=infodev, code=f"g{serial}", name=f"Group {serial}")
        budget = factories.BudgetFactory(department=unit, fiscal_year=timezone.localdate().year)
        BudgetEntry.objects.create(budget=budget, kind=BudgetEntry.Kind.SPEND, amount_minor=1_000 + n)
        for status in ("submitted", "head_approved"):
            request = PurchaseRequest.objects.create(
                organization=home, department=unit, budget=budget, requester=people.staff_infodev, status=status,
                justification="Books", total_minor=5_000, submitted_at=now - dt.timedelta(days=n),
            )  # fmt: skip
        PurchaseOrder.objects.create(
            organization=home, request=request, vendor=vendor, number=f"PO-{serial}", total_minor=5_000,
            status=PurchaseOrder.Status.PLACED, late_flagged_at=now,
        )  # fmt: skip
        offering = Offering.objects.create(
            code=f"o{serial}", kind=Offering.Kind.choices[0][0], name="Service", description="Text", department=unit
        )
        ServiceOrder.objects.create(
            number=f"SO-{serial}", client=client.client_account, offering=offering, department=unit, topic="Topic",
            delivery_channel="email", status="completed", paid_at=now, completed_at=now, rating=1 + n % 5,
            quoted_amount_minor=2_000, currency="CNY",
        )  # fmt: skip
        Payment.objects.create(
            payee_organization=home, payee_name="Office", purpose_type="services.order", purpose_id=str(serial),
            description="Order", amount_minor=2_000, currency="CNY", provider="simulated",
            idempotency_key=f"k{serial}", status=Payment.PAID[0], succeeded_at=now,
            discrepancy="Paid %(paid)s where %(owed)s was due; not booked." if n % 2 else "",
        )  # fmt: skip
        BibRecord.objects.create(organization=home, status=BibRecord.Status.SUBMITTED, submitted_at=now)


def _counts(client: Any, url: str, user: Any) -> tuple[int, int]:
    """(cold, warm): with the user's task and navigation cache dropped (office/inbox.py), as
    tests/performance/test_page_queries.py counts, then again."""
    inbox.invalidate(user.pk)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


# Warm: the user and their identity, the head's unit tree, the tiles' one batch. Cold adds
# the navigation's render (sharing agency, cart, selling units, customer service unit,
# subject curation, unread count: 6, the same on every page), which the head's unit tree
# shares with is_head_of.
LIMITS = {"director": (8, 3), "head_infodev": (10, 4)}


@pytest.mark.parametrize("username", list(LIMITS))
def test_a_dashboard_runs_few_queries_and_as_many_on_more_data(office, username):
    client = office.client(username)
    client.get(DASHBOARD)  # the session's first read fills the session cache
    cold, warm = _counts(client, DASHBOARD, office[username])
    most_cold, most_warm = LIMITS[username]
    assert cold <= most_cold and warm <= most_warm <= LIMIT, (cold, warm)
    _grow(office, times=4)
    response = client.get(DASHBOARD)
    tiles = {tile.key: tile for tile in response.context["tiles"]}
    assert int(tiles["approvals"].stats[0].value) >= 8 and tiles["late_orders"].stats[0].value != "0"
    assert _counts(client, DASHBOARD, office[username]) == (cold, warm)


def test_the_tiles_read_in_one_query(office):
    _grow(office, times=2)
    for scope in _scopes(office):
        with CaptureQueriesContext(connection) as queries:
            registry.tiles_with(scope, {"units": batch.instances(selectors.office_units(scope))})
        assert len(queries) == 1, scope


def _scopes(people: Any) -> list[Any]:
    today = timezone.localdate()
    director, head = people.director, people.head_infodev
    scopes = []
    for kind in ("month", "quarter", "year"):
        period = Period.of(kind, today)
        scopes.append(selectors.office_scope(director, period))
        scopes.append(selectors.unit_scope(head, selectors.home_unit_id(head), period))
        for unit in Department.objects.filter(organization=director.staff_profile.organization):
            scopes.append(selectors.unit_scope(director, unit.pk, period))
    return scopes


def test_the_batch_gives_every_read_what_django_gives_it_alone(office):
    """Each provider's reads: in one query (dicts, aggregates, instances with their joined
    relations) equal to each queryset evaluated by Django; and so the tiles are equal."""
    _grow(office, times=3)
    for scope in _scopes(office):
        for index, (_provider, reads) in enumerate(registry._providers):
            if reads is None:
                continue
            wanted = reads(scope)
            alone = {name: read.evaluate() if isinstance(read, batch.Read) else read for name, read in wanted.items()}
            with CaptureQueriesContext(connection) as queries:
                together = batch.fetch(wanted)
            assert len(queries) <= 1, index
            assert together == alone, (scope, index)
            for name, rows in together.items():
                if isinstance(wanted[name], batch.Read) and wanted[name].kind == batch.INSTANCES:
                    assert [_fields(row) for row in rows] == [_fields(row) for row in alone[name]]


def _fields(instance: Any) -> dict:
    """An instance's own fields and those of the relations it was read with."""
    values = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    for name, related in instance._state.fields_cache.items():
        values[name] = _fields(related) if related is not None else None
    return values


def test_the_tiles_are_those_of_the_reads_run_one_by_one(office, monkeypatch):
    _grow(office, times=3)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for scope in _scopes(office):
                together = [dataclasses.asdict(tile) for tile in registry.tiles_for(scope)]
                with monkeypatch.context() as patch:
                    patch.setattr(batch, "fetch", _one_by_one)
                    alone = [dataclasses.asdict(tile) for tile in registry.tiles_for(scope)]
                assert together == alone, (language, scope)


def _one_by_one(reads: dict, using: str = "default") -> dict:
    return {key: read.evaluate() if isinstance(read, batch.Read) else read for key, read in reads.items()}
