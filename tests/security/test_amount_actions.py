"""Every action that takes an amount refuses what its form refuses (issue 17, after item 6):
above settings.MONEY_MAX_AMOUNT in either sign, zero or negative where the form refuses them,
anything but an integer of minor units. A caller other than the form (a task, the shell, a
future API) gets a translated DomainError, and nothing is written. Each test lowers the
maximum to ¥1,000.00 so that ¥1,000.01 is "above it" for every action."""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from office.exceptions import DomainError
from office.models import AuditEvent, Budget, Department

pytestmark = pytest.mark.django_db

MAX = 100_000  # ¥1,000.00
ABOVE = MAX + 1


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def low_max(settings: Any) -> None:
    """The maximum at ¥1,000.00 (after the demo data, which has larger amounts, is in)."""
    settings.MONEY_MAX_AMOUNT = 1_000


def _audited(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


# --- the helper -------------------------------------------------------------------------------------


def test_check_amount_bounds_and_signs(low_max: None) -> None:
    from office.money import check_amount

    assert check_amount(MAX, "CNY") == MAX
    assert check_amount(-MAX, "CNY", allow_negative=True) == -MAX
    assert check_amount(0, "CNY", allow_zero=True) == 0
    assert check_amount(1_000, "JPY") == 1_000
    for amount, kwargs in [
        (ABOVE, {}),
        (-ABOVE, {"allow_negative": True}),
        (0, {}),
        (-1, {}),
        (-1, {"allow_zero": True}),
        (1_001, {"currency": "JPY"}),
        (1.5, {}),
        ("100", {}),
        (True, {}),
        (None, {}),
        (10**30, {}),
    ]:
        currency = kwargs.pop("currency", "CNY")
        with pytest.raises(DomainError):
            check_amount(amount, currency, **kwargs)  # type: ignore[arg-type]


def test_check_amount_names_the_limit_in_words(low_max: None) -> None:
    from office.money import check_amount

    with pytest.raises(DomainError, match="at most ¥1,000.00"):
        check_amount(ABOVE, "CNY")
    with pytest.raises(DomainError, match="at most ¥500.00"):
        check_amount(60_000, "CNY", limit_minor=50_000)  # a column's own, smaller bound
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        check_amount(0, "CNY")
    assert str(refused.value) != "Enter an amount above zero."


# --- services -------------------------------------------------------------------------------------


def test_order_quote_refuses_an_amount_above_the_maximum(demo: Any, low_max: None) -> None:
    from services import actions
    from services.models import ServiceOrder
    from tests.services.factories import order_in

    order = order_in(demo, "requested")
    due = timezone.localdate() + timedelta(days=5)
    with pytest.raises(DomainError, match="at most"):
        actions.order_quote(order_id=order.pk, actor=demo.head_infodev, amount_minor=ABOVE, due_date=due)
    order.refresh_from_db()
    assert (order.status, order.quoted_amount_minor) == (ServiceOrder.Status.REQUESTED, None)
    actions.order_quote(order_id=order.pk, actor=demo.head_infodev, amount_minor=MAX, due_date=due)


def test_offering_save_refuses_a_price_above_the_maximum(demo: Any, low_max: None) -> None:
    from services import actions
    from services.models import Offering

    offering = Offering.objects.get(code="training")
    offering.price_minor = ABOVE
    with pytest.raises(DomainError, match="at most"):
        actions.offering_save(offering=offering, actor=demo.director)
    offering.refresh_from_db()
    assert offering.price_minor == 50_000


def test_training_save_refuses_a_fee_above_the_maximum_or_negative(demo: Any, low_max: None) -> None:
    from services import actions
    from services.models import TrainingSession

    start = timezone.now() + timedelta(days=3)
    session = TrainingSession(
        title="Fees",
        department=demo.head_custsvc.staff_profile.department,
        trainer=demo.staff_custsvc,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
    )
    for fee in (ABOVE, -1, 2.5):
        session.fee_minor = fee
        with pytest.raises(DomainError):
            actions.training_session_save(session=session, actor=demo.director)
    assert not TrainingSession.objects.filter(title="Fees").exists()
    session.fee_minor = 0  # free
    actions.training_session_save(session=session, actor=demo.director)


# --- payments -------------------------------------------------------------------------------------


def test_payment_request_refuses_an_amount_above_the_maximum(demo: Any, low_max: None) -> None:
    from payments import actions
    from payments.models import PaymentRequest

    with pytest.raises(DomainError, match="at most"):
        actions.payment_request_create(actor=demo.director, payer=demo.client_a, amount_minor=ABOVE, description="Big")
    assert not PaymentRequest.objects.filter(description="Big").exists()


def test_refund_refuses_an_amount_that_is_not_whole_minor_units(demo: Any, low_max: None) -> None:
    from payments import actions
    from payments.models import Payment, Refund

    request = actions.payment_request_create(
        actor=demo.director, payer=demo.client_a, amount_minor=10_000, description="Paid"
    )
    payment = actions.payment_request_pay(request_id=request.pk, actor=demo.client_a)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.SUCCEEDED)
    for amount in (1.5, 0, -100, ABOVE):
        with pytest.raises(DomainError):
            actions.payment_refund(payment_id=payment.pk, actor=demo.director, reason="x", amount_minor=amount)
    assert not Refund.objects.filter(payment=payment).exists()


# --- office ---------------------------------------------------------------------------------------


def test_budget_allocate_refuses_more_than_the_maximum_either_way(demo: Any, low_max: None) -> None:
    from office import actions

    unit = demo.head_infodev.staff_profile.department
    year = timezone.localdate().year
    before = list(Budget.objects.filter(department=unit).values_list("pk", "allocated_minor"))
    for amount in (ABOVE, -ABOVE, 10**30):
        with pytest.raises(DomainError, match="at most"):
            actions.budget_allocate(department_id=unit.pk, fiscal_year=year, amount_minor=amount, actor=demo.director)
    assert list(Budget.objects.filter(department=unit).values_list("pk", "allocated_minor")) == before


def test_approval_limit_refuses_more_than_the_maximum(demo: Any, low_max: None) -> None:
    from office.actions import department_approval_limit_set

    unit = Department.objects.get(pk=demo.head_infodev.staff_profile.department_id)
    audited = _audited("procurement.approval_limit.changed")
    with pytest.raises(DomainError, match="at most"):
        department_approval_limit_set(department_id=unit.pk, actor=demo.director, limit_minor=ABOVE)
    assert Department.objects.get(pk=unit.pk).approval_limit_minor == unit.approval_limit_minor
    assert _audited("procurement.approval_limit.changed") == audited


# --- procurement ----------------------------------------------------------------------------------


def test_invoice_refuses_an_amount_above_the_maximum(demo: Any, low_max: None) -> None:
    from procurement import actions
    from procurement.models import Invoice, PurchaseOrder
    from tests.procurement.test_actions import approved_orders, pay

    _pr, (order,) = approved_orders(demo, [("BH-1001", 1)])
    pay(order, demo.director)
    actions.purchase_order_receive(order_id=order.pk, actor=demo.staff_infodev, quantities={order.lines.get().pk: 1})
    today = datetime.date.today()
    with pytest.raises(DomainError, match="at most"):
        actions.invoice_enter(
            order_id=order.pk, actor=demo.director, number="INV-1", issued_on=today, amount_minor=ABOVE
        )
    assert not Invoice.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED


def test_consortium_list_price_refuses_an_amount_above_the_maximum(demo: Any, low_max: None) -> None:
    from procurement.consortia import actions
    from procurement.consortia.models import Consortium
    from tests.procurement.consortia_helpers import vendor

    with pytest.raises(DomainError, match="at most"):
        actions.consortium_found(
            actor=demo.director, vendor_id=vendor().pk, name="Dear", resource="y", list_price_minor=ABOVE
        )
    assert not Consortium.objects.filter(name="Dear").exists()


@pytest.mark.parametrize("currency", ["EURO", "C1Y", "¥"])
def test_consortium_founding_refuses_a_currency_that_is_not_a_code(demo: Any, currency: str) -> None:
    """The currency is checked as every other (office.money.clean_currency), not cut to three
    characters: "EURO" was founded as "EUR"."""
    from procurement.consortia import actions
    from procurement.consortia.models import Consortium
    from tests.procurement.consortia_helpers import vendor

    with pytest.raises(DomainError, match="three-letter code"):
        actions.consortium_found(
            actor=demo.director, vendor_id=vendor().pk, name="Coded", resource="y", list_price_minor=100,
            currency=currency,
        )  # fmt: skip
    assert not Consortium.objects.filter(name="Coded").exists()
    founded = actions.consortium_found(
        actor=demo.director, vendor_id=vendor().pk, name="Coded", resource="y", list_price_minor=100, currency=" usd "
    )
    assert founded.currency == "USD"
