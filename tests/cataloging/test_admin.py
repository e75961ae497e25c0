"""The cataloging admin: every page opens for the superuser, with its filters and search;
records, versions, the ledger and statements cannot be changed there; fee schedules can."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cataloging.models import BibRecord, FeeSchedule, Holding, LedgerEntry, RecordVersion, Statement
from tests.cataloging.factories import fee_schedule, make_record
from tests.factories import People, home_office, member_office

pytestmark = pytest.mark.django_db
MODELS = [
    "bibrecord",
    "recordversion",
    "recordidentifier",
    "holding",
    "feeschedule",
    "statement",
    "ledgerentry",
    "importjob",
]


@pytest.fixture(autouse=True)
def _fees(db):
    fee_schedule()


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def home(db):
    return home_office()


@pytest.fixture
def east(db):
    return member_office("east")


@pytest.fixture
def catalog(db, home, east):
    record = make_record(east, status=BibRecord.Status.APPROVED, title="Admin <b>shared</b> 书目", clc="G250")
    holding = Holding.objects.create(record=record, organization=home, call_number="G250/1")
    entry = LedgerEntry.objects.create(organization=home, kind="copy_fee", amount_minor=300, record=record)
    statement = Statement.objects.create(
        organization=home, period_start=datetime.date(2020, 1, 1), charges_minor=300, net_minor=300
    )
    return {"record": record, "holding": holding, "entry": entry, "statement": statement}


def _admin(name: str, action: str = "changelist", *args) -> str:
    return reverse(f"admin:cataloging_{name}_{action}", args=args)


def test_every_changelist_opens_with_search_and_filters(people, catalog):
    client = people.client("director")
    for name in MODELS:
        assert client.get(_admin(name)).status_code == 200, name
        assert client.get(_admin(name) + "?q=admin").status_code == 200, name
    page = client.get(_admin("bibrecord") + "?status__exact=approved&q=shared").content.decode()
    assert "Admin &lt;b&gt;shared&lt;/b&gt; 书目" in page  # escaped, like everywhere else


def test_change_pages_of_records_and_versions_are_read_only(people, catalog):
    client = people.client("director")
    record = catalog["record"]
    version = RecordVersion.objects.get(record=record)
    page = client.get(_admin("bibrecord", "change", record.pk))
    assert page.status_code == 200 and "G250" in page.content.decode()
    version_page = client.get(_admin("recordversion", "change", version.pk)).content.decode()
    assert "245 10 $aAdmin &lt;b&gt;shared&lt;/b&gt; 书目" in version_page
    client.post(_admin("bibrecord", "change", record.pk), {"title": "Changed", "status": "draft"})
    record.refresh_from_db()
    assert (record.title, record.status) == ("Admin <b>shared</b> 书目", "approved")
    assert client.post(_admin("recordversion", "delete", version.pk), {"post": "yes"}).status_code == 403
    assert RecordVersion.objects.filter(pk=version.pk).exists()


def test_ledger_and_statements_cannot_be_changed_or_added(people, catalog):
    client = people.client("director")
    assert client.get(_admin("ledgerentry", "add")).status_code == 403
    assert client.get(_admin("statement", "add")).status_code == 403
    client.post(_admin("statement", "change", catalog["statement"].pk), {"net_minor": 0, "status": "paid"})
    catalog["statement"].refresh_from_db()
    assert (catalog["statement"].net_minor, catalog["statement"].status) == (300, "issued")
    assert client.post(_admin("ledgerentry", "delete", catalog["entry"].pk), {"post": "yes"}).status_code == 403


def test_operator_edits_fee_schedules_but_keeps_those_in_force(people, catalog):
    client = people.client("director")
    current = FeeSchedule.objects.filter(valid_from__lte=timezone.localdate()).first()
    assert current is not None
    response = client.post(
        _admin("feeschedule", "add"),
        {
            "name": "Next year",
            "valid_from": (timezone.localdate() + datetime.timedelta(days=400)).isoformat(),
            "currency": "CNY",
            "copy_fee_minor": 450,
            "contribution_credit_minor": 600,
        },
    )
    assert response.status_code == 302
    future = FeeSchedule.objects.get(name="Next year")
    assert client.post(_admin("feeschedule", "delete", current.pk), {"post": "yes"}).status_code == 403
    assert client.post(_admin("feeschedule", "delete", future.pk), {"post": "yes"}).status_code == 302
    assert not FeeSchedule.objects.filter(pk=future.pk).exists()


def test_holding_local_data_is_editable_but_not_its_record_or_office(people, catalog, east):
    client = people.client("director")
    holding = catalog["holding"]
    response = client.post(
        _admin("holding", "change", holding.pk),
        {
            "call_number": "G250/2",
            "location": "Stacks",
            "copies": 2,
            "lendable": "on",
            "note": "",
            "organization": east.pk,
        },
    )
    assert response.status_code == 302
    holding.refresh_from_db()
    assert (holding.call_number, holding.copies, holding.organization.code) == ("G250/2", 2, "home")
    assert client.get(_admin("holding", "add")).status_code == 403


def test_non_admin_staff_do_not_get_in(people, catalog):
    response = people.client("head_infodev").get(_admin("bibrecord"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
