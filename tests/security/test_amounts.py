"""Amounts have an upper bound and impossible dates are refused in words, never a 500 (issue 17
item 6): one money parser (office.money.parse_money, bounded by settings.MONEY_MAX_AMOUNT) behind
one form field (office.fields.MoneyField) in every money input; a statement month at the end of
the calendar; vendor webhook times far from now."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cataloging.models import Statement
from office.fields import MoneyField
from office.models import Budget
from office.money import parse_money
from payments.models import PaymentRequest
from procurement.integrations import sign
from procurement.models import PurchaseOrder, TrackingEvent
from services.models import ServiceOrder
from tests.services.factories import order_in

BIGINT_MAX = "92233720368547758.07"  # 2**63 - 1 fen: was accepted, quoted and paid


@pytest.fixture(autouse=True)
def _english() -> Any:
    """A request in Chinese leaves Chinese active in the thread; each test starts in English."""
    with translation.override("en"):
        yield


# --- the parser -------------------------------------------------------------------------------------


def test_parse_money_accepts_up_to_the_maximum() -> None:
    assert parse_money("100,000,000.00") == 10_000_000_000
    assert parse_money("-100000000") == -10_000_000_000


@pytest.mark.parametrize("text", ["100000000.01", "-100000000.01", BIGINT_MAX, "1e17"])
def test_parse_money_refuses_more_than_the_maximum(text: str) -> None:
    with pytest.raises(ValueError, match="at most"):
        parse_money(text)


def test_parse_money_maximum_is_a_setting_in_major_units(settings: Any) -> None:
    settings.MONEY_MAX_AMOUNT = 1_000
    assert parse_money("1000", "JPY") == 1_000
    assert parse_money("1000.000", "KWD") == 1_000_000
    with pytest.raises(ValueError, match="at most"):
        parse_money("1000.01")


def test_parse_money_refusal_is_translated() -> None:
    with translation.override("zh-hans"), pytest.raises(ValueError, match="金额不能超过"):
        parse_money(BIGINT_MAX)


# --- the form field ---------------------------------------------------------------------------------


class _Form(forms.Form):
    price = MoneyField(label="Price")
    fee = MoneyField(label="Fee", required=False, allow_zero=True)
    correction = MoneyField(label="Correction", required=False, allow_negative=True)


def test_money_field_cleans_to_minor_units() -> None:
    form = _Form({"price": "1,234.50", "fee": "0", "correction": "-12"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"price": 123_450, "fee": 0, "correction": -1_200}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"price": "0"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": BIGINT_MAX}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"price": "1", "fee": "-1"}, "fee"),
        ({"price": "1", "correction": "0"}, "correction"),
        ({"price": "1", "correction": "-" + BIGINT_MAX}, "correction"),
    ],
)
def test_money_field_refusals(data: dict[str, str], field: str) -> None:
    form = _Form(data)
    assert not form.is_valid()
    assert field in form.errors


def test_money_field_shows_minor_units_as_major(settings: Any) -> None:
    form = _Form(initial={"price": 123_450})
    assert 'value="1234.50"' in str(form["price"])


# --- every money input of the pages -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [BIGINT_MAX, "100000000.01"])
def test_quote_above_the_maximum_is_a_form_error(demo: Any, amount: str) -> None:
    order = order_in(demo, "requested")
    due = (timezone.localdate() + timezone.timedelta(days=5)).isoformat()
    response = demo.client("head_infodev").post(
        reverse("services:order_quote", args=[order.pk]), {"amount": amount, "due_date": due}
    )
    assert response.status_code == 302  # back to the order, the error as a message
    order.refresh_from_db()
    assert (order.status, order.quoted_amount_minor) == (ServiceOrder.Status.REQUESTED, None)


@pytest.mark.django_db
def test_payment_request_above_the_maximum_is_refused(demo: Any) -> None:
    response = demo.client("business_assistant").post(
        "/payments/requests/", {"payer": demo.client_b.pk, "description": "Too much", "amount": BIGINT_MAX}
    )
    assert response.status_code == 400
    assert not PaymentRequest.objects.filter(description="Too much").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [BIGINT_MAX, "-" + BIGINT_MAX])
def test_budget_allocation_above_the_maximum_is_a_form_error(demo: Any, amount: str) -> None:
    budget = Budget.objects.filter(department__organization__code="home", department__code="custsvc").first()
    allocated = budget.allocated_minor
    response = demo.client("director").post(
        reverse("office:budget_allocate"),
        {"department": budget.department_id, "fiscal_year": budget.fiscal_year, "amount": amount},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    budget.refresh_from_db()
    assert budget.allocated_minor == allocated


@pytest.mark.django_db
def test_offering_and_training_forms_bound_their_amounts(demo: Any) -> None:
    from services.forms import OfferingForm, TrainingSessionForm

    offering = OfferingForm({"price": BIGINT_MAX, "pricing": "fixed", "currency": "CNY"}, user=demo.head_custsvc)
    assert not offering.is_valid() and "price" in offering.errors
    training = TrainingSessionForm({"fee": BIGINT_MAX, "currency": "CNY"}, user=demo.head_custsvc)
    assert not training.is_valid() and "fee" in training.errors


@pytest.mark.django_db
def test_refund_form_bounds_its_amount() -> None:
    from payments.forms import RefundForm

    form = RefundForm({"amount": BIGINT_MAX, "reason": "x"})
    assert not form.is_valid() and "amount" in form.errors


# --- dates at the end of the calendar ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["9999-12", "0000-01", "2999-01"])
def test_statement_close_for_an_impossible_month_is_refused_in_words(demo: Any, month: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(demo.head_infodev)
    response = client.post(reverse("cataloging:statement_close"), {"month": month}, follow=True)
    assert response.status_code == 200
    assert "finished month" in response.content.decode()
    assert not Statement.objects.exists()


@pytest.fixture
def vendor_order(demo: Any) -> PurchaseOrder:
    return PurchaseOrder.objects.filter(vendor__code="sim-api", organization__is_home=True).first()


def _post_webhook(order: PurchaseOrder, payload: dict[str, Any], timestamp: int | None = None, **extra: Any) -> Any:
    body = json.dumps(payload).encode()
    return Client(raise_request_exception=False).post(
        f"/procurement/webhooks/vendors/{order.vendor.pk}/",
        body,
        content_type="application/json",
        HTTP_X_VENDOR_SIGNATURE=sign(order.vendor.webhook_secret, body, timestamp),
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [10**30, -(10**30), 10**400])
def test_vendor_webhook_timestamp_far_from_now_is_an_invalid_signature(
    vendor_order: PurchaseOrder, offset: int
) -> None:
    payload = {"id": "far", "order_number": vendor_order.number, "status": "shipped"}
    response = _post_webhook(vendor_order, payload, timestamp=int(time.time()) + offset)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid signature"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("occurred_at", "error"),
    [
        ("2025-01-01T00:00:00+99:00", "事件时间不是有效的日期时间。"),  # no such offset
        ("9999-12-31T23:59:59-14:00", "事件时间超出合理范围。"),  # after year 9999 in UTC
        ("0001-01-01T00:00:00+14:00", "事件时间超出合理范围。"),  # before year 1 in UTC
        ("2999-01-01T00:00:00Z", "事件时间超出合理范围。"),  # centuries from now
    ],
)
def test_vendor_webhook_event_time_out_of_range_is_refused_in_words(
    vendor_order: PurchaseOrder, occurred_at: str, error: str
) -> None:
    payload = {"id": "odd-time", "order_number": vendor_order.number, "status": "shipped", "occurred_at": occurred_at}
    response = _post_webhook(vendor_order, payload, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not TrackingEvent.objects.filter(key="vendor-odd-time").exists()
