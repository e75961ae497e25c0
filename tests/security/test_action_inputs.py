"""Inputs that reach past the forms (issue 17, after item 6): an action or endpoint called with
what its form would have refused answers in words, never with a 500: a statement month no
date holds, a sign-up that loses the race to the unique index, a webhook timestamp too big for
a float, an admin edit to an address another account has in other letters."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from office.exceptions import DomainError

pytestmark = pytest.mark.django_db


# --- cataloging: statement month --------------------------------------------------------------------


@pytest.mark.parametrize(("year", "month"), [(9999, 12), (0, 1), (2024, 13), (2024, 0), (-5, 3), (1999, 12)])
def test_statement_close_refuses_a_month_no_statement_can_have(demo: Any, year: int, month: int) -> None:
    from cataloging import actions
    from cataloging.models import Statement

    before = Statement.objects.count()
    with pytest.raises(DomainError, match="finished month"):
        actions.statement_close(actor=demo.director, year=year, month=month)
    assert Statement.objects.count() == before


def test_statement_close_still_closes_last_month(demo: Any) -> None:
    from cataloging import actions

    last = timezone.localdate().replace(day=1) - timezone.timedelta(days=1)
    statement = actions.statement_close(actor=demo.director, year=last.year, month=last.month)
    assert statement.period_start == last.replace(day=1)


# --- services: a registration that loses the race ------------------------------------------------------


def _checks_pass_then_real(monkeypatch: pytest.MonkeyPatch, how_many: int) -> None:
    """The first `how_many` `.exists()` answer False: the twin registered between the action's
    checks and its insert, as a parallel sign-up does."""
    real = QuerySet.exists
    calls = {"n": 0}

    def exists(self: QuerySet) -> bool:
        calls["n"] += 1
        return False if calls["n"] <= how_many else real(self)

    monkeypatch.setattr(QuerySet, "exists", exists)


@pytest.mark.parametrize(
    ("username", "email", "message"),
    [
        ("CLIENT_A", "someone.new@example.com", "user name is taken"),
        ("someone_new", "CLIENT_A@EXAMPLE.COM", "e-mail address exists already"),
    ],
)
def test_client_register_turns_the_unique_index_into_a_domain_error(
    demo: Any, monkeypatch: pytest.MonkeyPatch, username: str, email: str, message: str
) -> None:
    from office.models import ClientAccount
    from services import actions

    demo.client_a.email = "client_a@example.com"
    demo.client_a.save(update_fields=["email"])
    accounts = ClientAccount.objects.count()
    _checks_pass_then_real(monkeypatch, 2)
    with pytest.raises(DomainError, match=message):
        actions.client_register(
            username=username, email=email, password="a-Good-password-42", kind="person", display_name="Twin"
        )
    monkeypatch.undo()
    assert ClientAccount.objects.count() == accounts  # and the connection is still usable
    assert not get_user_model().objects.filter(username="someone_new").exists()


# --- payments: the simulated provider's webhook ------------------------------------------------------------


@pytest.mark.parametrize("timestamp", [10**400, -(10**400), 2**1024], ids=["1e400", "-1e400", "2^1024"])
def test_simulated_webhook_with_a_huge_timestamp_is_refused_not_a_500(timestamp: int, settings: Any) -> None:
    from payments.gateways.base import InvalidWebhook
    from payments.gateways.simulated import sign, verify

    body = b'{"id": "evt_1", "type": "payment_intent.succeeded"}'
    header = sign(body, "whsec_test", timestamp)
    with pytest.raises(InvalidWebhook, match="tolerance"):
        verify(body, header, "whsec_test")
    verify(body, sign(body, "whsec_test", int(time.time())), "whsec_test")


def test_simulated_webhook_endpoint_answers_400_to_a_huge_timestamp(settings: Any) -> None:
    from django.test import Client

    from payments.gateways.simulated import sign

    settings.PAYMENTS_BACKEND = "simulated"
    body = b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}'
    response = Client().post(
        reverse("payments:simulated_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, settings.SIMULATED_WEBHOOK_SECRET, 10**400),
    )
    assert response.status_code == 400


# --- the admin's user form ------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the case-insensitive indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("email", "CLIENT_A@Example.com", "e-mail address"), ("username", "Client_A", "user name")],
)
def test_admin_user_form_refuses_another_accounts_address_or_name_in_other_letters(
    demo: Any, field: str, value: str, message: str
) -> None:
    demo.client_a.email = "client_a@example.com"
    demo.client_a.save(update_fields=["email"])
    client_b = demo.client_b
    admin = demo.client("director")
    url = reverse("admin:auth_user_change", args=[client_b.pk])
    data = {
        "username": client_b.username,
        "email": client_b.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        field: value,
    }
    response = admin.post(url, data)
    assert response.status_code == 200, response.status_code  # the form again, not a 500 or a redirect
    assert message in response.content.decode()
    client_b.refresh_from_db()
    assert getattr(client_b, field) != value


def test_admin_user_form_still_saves_a_fresh_address(demo: Any) -> None:
    client_b = demo.client_b
    data = {
        "username": client_b.username,
        "email": "b.new@example.com",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = demo.client("director").post(reverse("admin:auth_user_change", args=[client_b.pk]), data)
    assert response.status_code == 302
    client_b.refresh_from_db()
    assert client_b.email == "b.new@example.com"
