"""Paying a cataloging statement online: the east office's director pays its debit statement
to the home office (the catalog operator) through the simulated provider's checkout and
signed webhook; the `cataloging.statement` purpose marks it paid exactly once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cataloging import actions
from cataloging.models import Statement
from office.models import AuditEvent
from payments import actions as payment_actions
from payments.models import Payment, WebhookEvent
from tests.factories import People, home_office, member_office

pytestmark = pytest.mark.django_db
CARD_OK = {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}
CARD_DECLINED = {"card_number": "4000000000000341", "expiry": "12/34", "cvc": "123"}


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def home(db):
    return home_office()


@pytest.fixture
def east(home):
    """East pays its statements to the home office, the catalog operator."""
    return member_office("east")


def _statement(organization, *, charges: int, credits: int, month: int = 1) -> Statement:
    return Statement.objects.create(
        organization=organization,
        period_start=datetime.date(2024, month, 1),
        charges_minor=charges,
        credits_minor=credits,
        net_minor=charges - credits,
    )


@pytest.fixture
def debit(east) -> Statement:
    return _statement(east, charges=1_500, credits=400)


def _pay_url(statement: Statement) -> str:
    return reverse("cataloging:statement_pay", kwargs={"pk": statement.pk})


def _detail(statement: Statement) -> str:
    return reverse("cataloging:statement_detail", kwargs={"pk": statement.pk})


def _start(client, statement: Statement) -> Payment:
    response = client.post(_pay_url(statement), {"amount": "1", "currency": "USD"})  # tampering is ignored
    payment = Payment.objects.get(purpose_type="cataloging.statement", purpose_id=str(statement.pk))
    assert response.status_code == 302 and response.url == reverse("payments:payment_checkout", args=[payment.pk])
    assert client.get(response.url).status_code == 200  # the simulated provider's page; creates the intent
    payment.refresh_from_db()
    return payment


def test_director_pays_a_debit_statement_end_to_end(people, debit, home, east, django_capture_on_commit_callbacks):
    client = people.client("director_east")
    page = client.get(_detail(debit)).content.decode()
    assert _pay_url(debit) in page
    payment = _start(client, debit)
    assert (payment.amount_minor, payment.currency) == (1_100, "CNY")
    assert (payment.payer_organization, payment.payee_organization, payment.payer_user) == (
        east,
        home,
        people.director_east,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:simulated_pay", args=[payment.pk]), CARD_OK)
    assert response.status_code == 302
    payment.refresh_from_db()
    debit.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    # The state came through the signed webhook, then the purpose handler.
    assert WebhookEvent.objects.get(payment=payment).outcome == WebhookEvent.Outcome.APPLIED
    assert debit.status == Statement.Status.PAID and debit.paid_at == payment.succeeded_at
    assert AuditEvent.objects.filter(verb="cataloging.statement.paid", target_id=str(debit.pk)).count() == 1
    page = client.get(_detail(debit)).content.decode()
    assert payment.receipt_number in page and _pay_url(debit) not in page
    # Paying again is refused and creates nothing.
    again = client.post(_pay_url(debit))
    assert again.url == _detail(debit)
    assert Payment.objects.filter(purpose_type="cataloging.statement").count() == 1


def test_repeated_and_late_success_news_are_no_ops(people, debit, django_capture_on_commit_callbacks):
    client = people.client("director_east")
    payment = _start(client, debit)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:simulated_pay", args=[payment.pk]), CARD_OK)
    debit.refresh_from_db()
    paid_at = debit.paid_at
    payment.refresh_from_db()
    # The notify step again, as if its "told" marker had been lost.
    Payment.objects.filter(pk=payment.pk).update(notified_status="")
    payment_actions.payment_notify_purpose(payment_id=payment.pk)
    # A late duplicate of the success event, under a new event id.
    event = {
        "id": "evt_late_duplicate",
        "type": "payment_intent.succeeded",
        "created": 1,
        "data": {
            "object": {
                "id": payment.provider_reference,
                "object": "payment_intent",
                "amount": payment.amount_minor,
                "currency": "cny",
                "status": "succeeded",
                "metadata": {"payment_id": str(payment.pk)},
            }
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.webhook_event_apply(provider="simulated", event=event)
    debit.refresh_from_db()
    assert debit.status == Statement.Status.PAID and debit.paid_at == paid_at
    assert AuditEvent.objects.filter(verb="cataloging.statement.paid", target_id=str(debit.pk)).count() == 1


def test_second_click_reuses_the_payment_and_a_declined_card_leaves_the_statement_issued(
    people, debit, django_capture_on_commit_callbacks
):
    client = people.client("director_east")
    payment = _start(client, debit)
    assert _start(client, debit).pk == payment.pk
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:simulated_pay", args=[payment.pk]), CARD_DECLINED)
    payment.refresh_from_db()
    debit.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and debit.status == Statement.Status.ISSUED
    page = client.get(_detail(debit)).content.decode()
    assert 'data-status="failed"' in page and _pay_url(debit) in page  # retry on the same payment
    assert _start(client, debit).pk == payment.pk
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:simulated_pay", args=[payment.pk]), CARD_OK)
    debit.refresh_from_db()
    assert debit.status == Statement.Status.PAID
    assert Payment.objects.filter(purpose_type="cataloging.statement").count() == 1


def test_credit_statement_has_nothing_to_pay(people, east):
    credit = _statement(east, charges=100, credits=900)
    client = people.client("director_east")
    page = client.get(_detail(credit)).content.decode()
    assert _pay_url(credit) not in page and "nothing to pay" in page
    assert client.post(_pay_url(credit)).url == _detail(credit)
    assert not Payment.objects.filter(purpose_type="cataloging.statement").exists()


def test_home_office_does_not_pay_itself(people, home):
    own = _statement(home, charges=900, credits=0)
    client = people.client("director")
    assert _pay_url(own) not in client.get(_detail(own)).content.decode()
    assert client.post(_pay_url(own)).url == _detail(own)
    assert not Payment.objects.filter(purpose_type="cataloging.statement").exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 302), ("client_a", 403), ("staff_east", 403), ("director", 404), ("head_infodev", 404)],
)
def test_only_the_offices_leadership_and_heads_may_pay(people, debit, username, status):
    response = people.client(username).post(_pay_url(debit))
    assert response.status_code == status
    if username is None:
        assert response.url.startswith(reverse("login"))
    assert not Payment.objects.filter(purpose_type="cataloging.statement").exists()


def test_staff_see_the_payment_state_but_no_button(people, debit):
    payment = _start(people.client("director_east"), debit)
    page = people.client("staff_east").get(_detail(debit)).content.decode()
    assert f"#{payment.pk}" in page and _pay_url(debit) not in page


def test_payment_that_does_not_match_the_statement_is_not_booked(people, debit, east):
    payment = actions.statement_pay(statement_id=debit.pk, actor=people.director_east)
    Payment.objects.filter(pk=payment.pk).update(amount_minor=1, status=Payment.Status.SUCCEEDED)
    payment_actions.payment_notify_purpose(payment_id=payment.pk)
    debit.refresh_from_db()
    payment.refresh_from_db()
    assert debit.status == Statement.Status.ISSUED
    assert payment.purpose_outcome == Payment.PurposeOutcome.MISMATCH and payment.discrepancy
    assert AuditEvent.objects.filter(verb="payments.payable.payment_mismatched", target_id=str(debit.pk)).count() == 1
