"""Issue 20, procurement and cataloging: cancelling a purchase order asks first, the vendor
catalogue filter and the tracking form are Bootstrap forms, tracking codes and timeline lines
read in the reader's language, a purchase request is saved and submitted in one step, an
invalid ISBN is an error on the field, one date format per language."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

from cataloging.forms import MarcRecordForm
from procurement import actions
from procurement.models import PurchaseOrder, PurchaseRequest
from tests.procurement.conftest import budget_of, item, make_request

pytestmark = pytest.mark.django_db


def _placed_orders(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    return actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)


def test_cancelling_a_purchase_order_asks_first_and_says_what_happens(demo):
    order = _placed_orders(demo)[0]
    staff = demo.client("staff_infodev")
    url = reverse("procurement:order_cancel", args=[order.pk])
    page = staff.post(url, {"reason": "Found it cheaper"}).content.decode()
    assert 'id="confirm-page"' in page and order.number in page and "will be released" in page
    order.refresh_from_db()
    assert order.status != PurchaseOrder.Status.CANCELLED
    detail = staff.get(reverse("procurement:order_detail", args=[order.pk])).content.decode()
    assert 'data-confirm="#po-cancel-confirm"' in detail and 'id="po-cancel-confirm"' in detail
    staff.post(url, {"reason": "Found it cheaper", "confirm": "yes"})
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CANCELLED


def test_tracking_form_is_styled_and_labelled_and_codes_are_words_in_chinese(demo):
    order = _placed_orders(demo)[0]
    director = demo.client("director")
    director.cookies["django_language"] = "zh-hans"
    actions.tracking_manual_update(order_id=order.pk, actor=demo.director, status="in_transit", message="")
    with translation.override("zh-hans"):
        body = director.get(reverse("procurement:order_detail", args=[order.pk])).content.decode()
    assert 'class="form-select form-select-sm"' in body and 'for="id_status"' in body and 'for="id_message"' in body
    assert "运输中" in body and ">in transit<" not in body and ">in_transit<" not in body
    assert "Order placed" not in body  # the timeline's system lines are rebuilt in the reader's language


def test_vendor_catalogue_filter_uses_bootstrap_controls(demo):
    body = demo.client("staff_infodev").get(reverse("procurement:catalog_search")).content.decode()
    assert 'name="vendor" class="form-select form-select-sm"' in body
    assert 'name="kind" class="form-select form-select-sm"' in body
    assert 'name="q" class="form-control form-control-sm"' in body or 'class="form-control form-control-sm"' in body
    assert 'id="catalog-items"' in body and "table-responsive" in body


def test_a_purchase_request_is_saved_and_submitted_in_one_step(demo):
    staff = demo.client("staff_infodev")
    staff.post(reverse("procurement:cart_add"), {"item": item("BH-1001").pk, "quantity": 1})
    assert 'id="save-and-submit"' in staff.get(reverse("procurement:cart")).content.decode()
    response = staff.post(
        reverse("procurement:cart_checkout"),
        {"budget": budget_of(demo.staff_infodev).pk, "justification": "Topic services", "submit_now": "1"},
    )
    pr = PurchaseRequest.objects.filter(requester=demo.staff_infodev).latest("pk")
    assert response.url == reverse("procurement:request_detail", args=[pr.pk])
    assert pr.status != PurchaseRequest.Status.DRAFT


def test_save_as_draft_still_makes_a_draft(demo):
    staff = demo.client("staff_infodev")
    staff.post(reverse("procurement:cart_add"), {"item": item("BH-1001").pk, "quantity": 1})
    staff.post(
        reverse("procurement:cart_checkout"),
        {"budget": budget_of(demo.staff_infodev).pk, "justification": "Topic services"},
    )
    pr = PurchaseRequest.objects.filter(requester=demo.staff_infodev).latest("pk")
    assert pr.status == PurchaseRequest.Status.DRAFT


def test_an_invalid_isbn_is_an_error_on_the_marc_field():
    text = "LDR 00000nam a2200000 i 4500\n020 ## $a9787111111112\n245 10 $aA title"
    form = MarcRecordForm({"marc_text": text, "note": ""})
    assert not form.is_valid()
    assert "ISBN" in " ".join(form.errors["marc_text"])
    good = MarcRecordForm({"marc_text": text.replace("9787111111112", "9787111213826"), "note": ""})
    assert good.is_valid(), good.errors
    kept = MarcRecordForm({"marc_text": text, "note": "", "keep_invalid_isbn": "on"})
    assert kept.is_valid(), kept.errors  # kept on purpose: the reviewer's checks flag it


@pytest.mark.parametrize(
    ("language", "date", "datetime_"),
    [("en", "3 Dec 2026", "3 Dec 2026 14:19"), ("zh-hans", "2026年12月3日", "2026年12月3日 14:19")],
)
def test_one_date_format_per_language(language, date, datetime_):
    moment = datetime.datetime(2026, 12, 3, 14, 19)
    with translation.override(language):
        assert formats.date_format(moment.date(), "DATE_FORMAT") == date
        assert formats.date_format(moment, "DATETIME_FORMAT") == datetime_
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2026-12-03"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-12-03 14:19"
