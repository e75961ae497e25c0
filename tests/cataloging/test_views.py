"""Pages and permissions: office isolation, the review page, the whole flow in the browser's shoes,
statements as PDF, and query counts that do not grow with the catalog."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cataloging import actions
from cataloging.models import BibRecord, Holding, LedgerEntry, Statement
from tests.cataloging.factories import fee_schedule, make_record
from tests.factories import People, home_office, member_office

pytestmark = pytest.mark.django_db
S = BibRecord.Status


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
def riverside(db):
    return member_office("riverside")


def _url(name: str, **kwargs) -> str:
    return reverse(f"cataloging:{name}", kwargs=kwargs or None)


def test_holding_note_and_ledger_stay_inside_the_office(people, home, east):
    record = make_record(east, status=S.APPROVED, title="Shared book")
    Holding.objects.create(record=record, organization=home, call_number="G250/9", note="Secret shelf note")
    mine = people.client("staff_infodev").get(_url("record_detail", pk=record.pk)).content.decode()
    theirs = people.client("staff_east").get(_url("record_detail", pk=record.pk)).content.decode()
    assert "Secret shelf note" in mine
    assert "G250/9" in theirs and "Secret shelf note" not in theirs
    LedgerEntry.objects.create(organization=home, kind="copy_fee", amount_minor=777, record=record)
    assert "7.77" in people.client("head_infodev").get(_url("fee_ledger")).content.decode()
    assert "7.77" not in people.client("staff_east").get(_url("fee_ledger")).content.decode()


def test_drafts_are_invisible_to_other_offices_and_the_public(people, east):
    draft = make_record(east, title="Unshared draft title")
    assert people.client("staff_infodev").get(_url("record_detail", pk=draft.pk)).status_code == 404
    assert people.client(None).get(_url("public_record_detail", pk=draft.pk)).status_code == 404
    assert "Unshared draft title" not in people.client(None).get(_url("public_search") + "?q=draft").content.decode()
    assert (
        "Unshared draft title" in people.client("staff_east").get(_url("record_search") + "?q=draft").content.decode()
    )


def test_clients_get_403_on_staff_pages(people):
    client = people.client("client_a")
    for name in ("record_search", "my_catalog", "import_upload", "fee_ledger", "review_queue"):
        assert client.get(_url(name)).status_code == 403
    assert client.get(_url("public_search")).status_code == 200


def test_review_page_shows_checks_and_duplicates_side_by_side(people, east, riverside):
    make_record(riverside, status=S.APPROVED, title="Original", isbn="9780070544840")
    record = make_record(
        east, status=S.SUBMITTED, actor=people.staff_east, title="Copy of original", isbn="9780070544840"
    )
    bad = make_record(east, status=S.SUBMITTED, actor=people.staff_east, title="Bad ISBN", isbn="9780070544841")
    page = people.client("head_infodev").get(_url("review_detail", pk=record.pk)).content.decode()
    assert "Likely duplicates" in page and "Original" in page and "diff-change" in page
    bad_page = people.client("head_infodev").get(_url("review_detail", pk=bad.pk)).content.decode()
    assert "check digit is invalid" in bad_page


def test_contribute_review_share_copy_flow(people, riverside, django_capture_on_commit_callbacks):
    east_staff, reviewer, copier = (
        people.client("staff_east"),
        people.client("head_infodev"),
        people.client("staff_riverside"),
    )
    text = (
        "LDR 00000nam a2200000 i 4500\n008 250101s2024    cc            000 0 chi d\n020 ## $a9787040123456\n"
        "084 ## $aG254.3$2clc\n100 0# $a马琳\n245 10 $a联合编目实务 /$c马琳著\n264 #1 $a深圳 :$b东城出版社,$c2024"
    )
    response = east_staff.post(_url("record_create"), {"marc_text": text, "note": "new"})
    record = BibRecord.objects.get(title="联合编目实务")
    assert response.status_code == 302 and record.status == S.DRAFT and record.clc == "G254.3"
    east_staff.post(_url("record_submit", pk=record.pk))
    reviewer.post(_url("record_review_start", pk=record.pk))
    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post(_url("record_approve", pk=record.pk), {"note": "好", "next": _url("review_queue")})
    record.refresh_from_db()
    assert record.status == S.APPROVED
    assert LedgerEntry.objects.get(record=record, kind="contribution_credit").amount_minor == -500
    assert copier.get(_url("record_copy", pk=record.pk)).status_code == 200
    copier.post(_url("record_copy", pk=record.pk), {"call_number": "G254.3/M1", "location": "Stacks", "copies": 2})
    holding = Holding.objects.get(record=record, organization=riverside)
    assert (holding.call_number, holding.copies, holding.lendable) == ("G254.3/M1", 2, False)
    assert LedgerEntry.objects.get(record=record, organization=riverside).amount_minor == 200
    public = people.client(None).get(_url("public_search") + "?q=联合编目").content.decode()
    assert "联合编目实务" in public


def test_the_contributing_office_records_its_own_copies_of_a_draft_free(people, east):
    draft = make_record(east, title="Our new book")
    own, other = people.client("staff_east"), people.client("staff_riverside")
    page = own.get(_url("record_detail", pk=draft.pk)).content.decode()
    assert "Add our holding" in page and "Copy into my catalog" not in page
    form = own.get(_url("record_copy", pk=draft.pk)).content.decode()
    assert "Add holding" in form and "cataloging fee" not in form
    response = own.post(_url("record_copy", pk=draft.pk), {"call_number": "G1/2", "location": "Stacks", "copies": 3})
    assert response.status_code == 302
    holding = Holding.objects.get(record=draft)
    assert (holding.organization, holding.call_number, holding.copies) == (east, "G1/2", 3)
    assert not LedgerEntry.objects.filter(record=draft).exists()
    again = own.post(_url("record_copy", pk=draft.pk), {"copies": 1}, follow=True)
    assert "Your office already holds this record." in again.content.decode()
    assert Holding.objects.filter(record=draft).count() == 1
    # Another office can neither see the draft nor copy it.
    assert other.post(_url("record_copy", pk=draft.pk), {"copies": 1}).status_code == 404
    submitted = make_record(east, status=S.SUBMITTED, title="Waiting")
    with pytest.raises(PermissionDenied):
        actions.record_copy(record_id=submitted.pk, actor=people.staff_riverside)
    assert people.client("staff_infodev").get(_url("record_copy", pk=submitted.pk)).status_code == 403  # a reviewer
    assert not Holding.objects.filter(record=submitted).exists()


def test_invalid_marc_text_is_a_form_error(people):
    response = people.client("staff_east").post(_url("record_create"), {"marc_text": "24510 no space"})
    assert response.status_code == 200 and "Line 1" in response.content.decode()


def test_versions_page_compares_field_by_field(people, east):
    record = make_record(east, title="Before")
    from tests.cataloging.factories import make_marc

    actions.record_update(record_id=record.pk, actor=people.staff_east, marc_record=make_marc(title="After"))
    page = people.client("staff_east").get(_url("record_versions", pk=record.pk) + "?a=1&b=2").content.decode()
    assert "Before" in page and "After" in page and "diff-change" in page


def test_statement_close_and_pdf_with_chinese_and_markup(people, home, east):
    record = make_record(east, status=S.APPROVED, title="<b>Tags & 中文书名</b>")
    actions.record_copy(record_id=record.pk, actor=people.staff_infodev)
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    LedgerEntry.objects.filter(organization=home).update(
        created_at=timezone.make_aware(datetime.datetime.combine(last.replace(day=3), datetime.time(9)))
    )
    client = people.client("head_infodev")
    response = client.post(_url("statement_close"), {"month": last.strftime("%Y-%m")})
    statement = Statement.objects.get(organization=home, period_start=last.replace(day=1))
    assert response["Location"] == _url("statement_detail", pk=statement.pk)
    assert statement.net_minor == 200
    pdf = client.get(_url("statement_pdf", pk=statement.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"WenQuanYi" in pdf.content or b"STSong" in pdf.content
    assert people.client("staff_east").get(_url("statement_pdf", pk=statement.pk)).status_code == 404


def _bulk(organizations, n: int, prefix: str) -> None:
    for i in range(n):
        org = organizations[i % len(organizations)]
        record = make_record(org, status=S.APPROVED, title=f"{prefix} scaling book {i}", isbn=None)
        for other in organizations:
            Holding.objects.get_or_create(record=record, organization=other)


@pytest.mark.parametrize("name", ["record_search", "public_search"])
def test_search_query_count_does_not_grow_with_records(
    people, home, east, riverside, name, django_assert_max_num_queries
):
    client = people.client("staff_east" if name == "record_search" else None)
    url = _url(name) + "?q=scaling"
    _bulk([home, east, riverside], 3, "a")
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    _bulk([home, east, riverside], 25, "b")
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("data-record=") == 20


def test_record_page_query_count_does_not_grow_with_holdings(
    people, home, east, riverside, django_assert_max_num_queries
):
    record = make_record(east, status=S.APPROVED)
    client = people.client("staff_infodev")
    with django_assert_max_num_queries(14):
        client.get(_url("record_detail", pk=record.pk))
    for org in (home, east, riverside):
        Holding.objects.create(record=record, organization=org)
    with django_assert_max_num_queries(14):
        assert client.get(_url("record_detail", pk=record.pk)).status_code == 200


def test_nav_fragment_is_role_aware(people):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from office.context_processors import intranet

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string("cataloging/_nav.html", intranet(request), request=request)

    from django.contrib.auth.models import AnonymousUser

    assert _url("review_queue") in render(people.head_infodev)
    assert _url("review_queue") not in render(people.staff_east)
    assert _url("import_upload") in render(people.staff_east)
    anonymous = render(AnonymousUser())
    assert _url("public_search") in anonymous and _url("record_search") + '"' not in anonymous
