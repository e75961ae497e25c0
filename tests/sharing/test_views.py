"""Pages of resource sharing: desks and their htmx actions, the request page, the record
page's ILL button, new requests, PDFs, statements and statistics, in English and Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sharing import actions
from sharing.models import Charge, SharingRequest
from tests.factories import logged_in
from tests.sharing.factories import loan, network

pytestmark = pytest.mark.django_db
Status = SharingRequest.Status


@pytest.fixture
def net():
    return network()


def test_record_page_offers_interlibrary_loan_to_other_offices(net):
    page = logged_in(net.east).get(f"/catalog/records/{net.record.pk}/")
    assert page.status_code == 200 and b'id="record-ill"' in page.content
    # riverside holds it too (home is the only other holder): still offered; a client sees no button.
    assert b'id="record-ill"' in logged_in(net.riverside).get(f"/catalog/records/{net.record.pk}/").content


def test_new_request_from_record_goes_to_the_request_page(net):
    client = logged_in(net.east)
    page = client.get(f"/sharing/requests/new/?record={net.record.pk}")
    assert page.status_code == 200 and "电子商务概论" in page.content.decode()
    response = client.post(f"/sharing/requests/new/?record={net.record.pk}", {"service_type": "loan"})
    r = SharingRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sharing/requests/{r.pk}/"
    assert r.status == Status.SENT and r.record == net.record


def test_bad_citation_comes_back_with_the_message_and_writes_nothing(net):
    response = logged_in(net.east).post(
        "/sharing/requests/new/", {"service_type": "copy", "title": "X", "pages": "0-4000"}
    )
    assert response.status_code == 200 and SharingRequest.objects.count() == 0
    assert "page" in response.content.decode()


def test_desks_show_queues_and_search(net):
    r = loan(net)
    borrowing = logged_in(net.east).get("/sharing/borrowing/").content.decode()
    assert r.number in borrowing
    lending = logged_in(net.home).get("/sharing/lending/").content.decode()
    assert r.number in lending
    assert r.number not in logged_in(net.home).get("/sharing/lending/?q=nomatch").content.decode()
    assert r.number not in logged_in(net.north).get("/sharing/lending/").content.decode()


def test_htmx_will_supply_from_the_lending_desk_returns_the_row(net):
    r = loan(net)
    response = logged_in(net.home).post(
        f"/sharing/requests/{r.pk}/do/will_supply/", {"row": "1", "side": "lending"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and f'id="request-row-{r.pk}"' in response.content.decode()
    assert SharingRequest.objects.get(pk=r.pk).status == Status.WILL_SUPPLY


def test_htmx_refusal_changes_nothing(net):
    r = loan(net)
    response = logged_in(net.east).post(f"/sharing/requests/{r.pk}/do/accept/", {"row": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and SharingRequest.objects.get(pk=r.pk).status == Status.SENT


def test_other_offices_get_404(net):
    r = loan(net)
    assert logged_in(net.north).get(f"/sharing/requests/{r.pk}/").status_code == 404
    assert logged_in(net.north).post(f"/sharing/requests/{r.pk}/do/will_supply/").status_code == 404


def test_request_page_shows_rota_and_timeline_to_the_borrower_only(net):
    r = loan(net)
    mine = logged_in(net.east).get(f"/sharing/requests/{r.pk}/").content.decode()
    assert 'id="request-rota"' in mine and 'id="request-timeline"' in mine
    lender = logged_in(net.home).get(f"/sharing/requests/{r.pk}/").content.decode()
    assert 'id="request-rota"' not in lender and 'id="act-will_supply"' in lender


def test_pages_in_chinese(net):
    r = loan(net)
    client = logged_in(net.east)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/sharing/requests/{r.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "时间线" in page and "借出馆轮转" in page and "已发给" in page
    desk = client.get("/sharing/borrowing/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "借入工作台" in desk and "馆际互借" in desk and "Borrowing desk" not in desk


def test_pull_slips_and_statement_pdf(net):
    loan(net)
    response = logged_in(net.home).get("/sharing/pull-slips.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    r = loan(net)
    Charge.objects.create(
        request=r, debtor=net.agencies["east"], creditor=net.agencies["home"], amount_minor=900, created_at=march
    )
    (pk,) = actions.settlement_close_month(period_start=dt.date(2026, 3, 1))
    page = logged_in(net.east_head).get(f"/sharing/statements/{pk}/").content.decode()
    assert 'id="settlement-pay"' in page
    assert 'id="settlement-pay"' not in logged_in(net.home).get(f"/sharing/statements/{pk}/").content.decode()
    pdf = logged_in(net.east).get(f"/sharing/statements/{pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert logged_in(net.north).get(f"/sharing/statements/{pk}/").status_code == 404


def test_statistics_and_directory(net):
    r = loan(net)
    actions.request_ship(request_id=r.pk, actor=net.home)
    actions.request_mark_received(request_id=r.pk, actor=net.east)
    actions.request_return(request_id=r.pk, actor=net.east)
    actions.request_check_in(request_id=r.pk, actor=net.home)
    stats = logged_in(net.east).get("/sharing/statistics/")
    assert stats.status_code == 200 and stats.context["stats"]["totals"]["filled"] == 1
    assert [row["agency"].agency_id for row in stats.context["offices"]] == ["CN-EAST"]
    directory = logged_in(net.east).get("/sharing/directory/").content.decode()
    assert "CN-RIVER" in directory and "CN-PARTNER" in directory


def test_policy_edit_by_head_changes_rule_and_fees(net):
    response = logged_in(net.east_head).post(
        "/sharing/policy/",
        {
            "rota_rule": "preference",
            "preference_list": "cn-river, CN-HOME",
            "answer_days": "3",
            "loan_days": "21",
            "max_renewals": "2",
            "lends": "on",
            "loan_fee_minor": "15.00",
            "copy_fee_minor": "5",
            "page_fee_minor": "0.30",
            "urgent_fee_minor": "0",
        },
    )
    assert response.status_code == 302
    east = net.agencies["east"]
    east.refresh_from_db()
    assert east.preference_list == ["CN-RIVER", "CN-HOME"] and east.loan_fee_minor == 1500 and east.answer_days == 3
    assert logged_in(net.east).get("/sharing/policy/").status_code == 403


def test_client_pages(net):
    client = logged_in(net.client)
    response = client.post(
        "/sharing/delivery/new/",
        {"title": "Journal", "pages": "1-4", "copyright_declared": "on", "article_title": "A"},
    )
    r = SharingRequest.objects.get()
    assert response.status_code == 302 and r.client is not None and r.status == Status.AWAITING_PAYMENT
    page = client.get(f"/sharing/requests/{r.pk}/").content.decode()
    assert 'id="act-pay"' in page and 'id="request-timeline"' not in page
    assert r.number in client.get("/sharing/delivery/").content.decode()
    pay = client.post(f"/sharing/requests/{r.pk}/pay/")
    assert pay.status_code == 302 and "/payments/" in pay["Location"]


def test_my_tasks_counts_requests_to_handle(net):
    from office.inbox import items_for

    r = loan(net)
    assert [(i.url, i.count) for i in items_for(net.home) if "/sharing/" in i.url] == [("/sharing/lending/", 1)]
    actions.request_propose_condition(request_id=r.pk, actor=net.home, fee_minor=100)
    assert [(i.url, i.count) for i in items_for(net.east) if "/sharing/" in i.url] == [("/sharing/borrowing/", 1)]
    assert not [i for i in items_for(net.home) if "/sharing/" in i.url]
