"""Plain regression tests for the 500s the property tests found (issue 17), one per cause.

- "²" and its kind are str.isdigit() but not int(): the public search's year, SRU's
  startRecord/maximumRecords, OAI identifiers, the payments search's "#id", the spending
  report's year, a consortium offer's tier; and int() refuses strings of 4,300 digits or more.
- SRU: a startRecord past bigint on a search without hits went to OFFSET (DataError).
- A consortium offer's concurrent users and an office's FTE overflowed their integer columns.
- Registration accepted e-mail addresses longer than the user table's 254 characters.
- A training session or an announcement at year 1, 00:00 in Shanghai is year 0 in UTC:
  PostgreSQL stored it, and every page reading the row back failed.
"""

from __future__ import annotations

from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from django import forms
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from office.fields import DateTimeField

pytestmark = pytest.mark.django_db

SRW_DIAG = "{http://www.loc.gov/zing/srw/diagnostic/}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
LONG_DIGITS = "9" * 5000


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def _signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- public pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["²", "①"])
def test_public_search_year_that_is_not_ascii_digits_is_ignored(demo: Any, anonymous: Client, year: str) -> None:
    assert anonymous.get("/catalog/public/", {"year": year}).status_code == 200


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("dc.title=retrieval", "startRecord", "²"),
        ("dc.title=retrieval", "maximumRecords", "²"),
        ("dc.title=retrieval", "startRecord", LONG_DIGITS),
        ("dc.title=retrieval", "maximumRecords", LONG_DIGITS),
        ("cql.anywhere=zzzznothing", "startRecord", "99999999999999999999999"),
    ],
)
def test_sru_number_that_is_not_a_small_ascii_number_is_diagnostic_6(
    demo: Any, anonymous: Client, query: str, name: str, value: str
) -> None:
    response = anonymous.get("/sru", {"operation": "searchRetrieve", "version": "1.2", "query": query, name: value})
    assert response.status_code == 200
    diagnostic = fromstring(response.content).find(f".//{SRW_DIAG}diagnostic")
    assert diagnostic.findtext(f"{SRW_DIAG}uri") == "info:srw/diagnostic/1/6"
    assert diagnostic.findtext(f"{SRW_DIAG}details") == name


@pytest.mark.parametrize("tail", ["²", LONG_DIGITS])
def test_oai_identifier_that_is_not_a_small_ascii_number_does_not_exist(
    demo: Any, anonymous: Client, tail: str
) -> None:
    response = anonymous.get(
        "/oai", {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"oai:testserver:{tail}"}
    )
    assert response.status_code == 200
    assert fromstring(response.content).find(f"{OAI}error").get("code") == "idDoesNotExist"


# --- staff pages ---------------------------------------------------------------------------------


def test_payments_search_for_a_number_that_is_not_ascii_digits(demo: Any) -> None:
    assert _signed_in(demo.director).get("/payments/", {"q": "#²"}).status_code == 200


@pytest.mark.parametrize("year", ["²", LONG_DIGITS])
@pytest.mark.parametrize("url", ["procurement:report_spending", "procurement:report_spending_csv"])
def test_spending_report_year_that_is_not_four_ascii_digits_is_this_year(demo: Any, url: str, year: str) -> None:
    assert _signed_in(demo.director).get(reverse(url), {"year": year}).status_code == 200


@pytest.mark.parametrize(
    ("field", "tiers", "users"),
    [
        ("tiers", "²: 100", "5"),
        ("tiers", "99999999999999999999: 100", "5"),
        ("tiers", LONG_DIGITS + ": 100", "5"),
        ("concurrent_users", "1: 100", "99999999999999"),
    ],
)
def test_consortium_offer_with_absurd_numbers_is_a_form_error(demo: Any, field: str, tiers: str, users: str) -> None:
    from procurement.consortia.forms import OfferForm
    from procurement.consortia.models import Consortium, Offer

    form = OfferForm({"basis": "members", "tiers": tiers, "term_months": "12", "concurrent_users": users})
    assert not form.is_valid() and field in form.errors
    consortium = Consortium.objects.order_by("pk").first()
    offers = Offer.objects.count()
    provider = _signed_in(get_user_model().objects.get(username="provider_datastream"))
    body = {"basis": "members", "tiers": tiers, "term_months": "12", "concurrent_users": users}
    response = provider.post(reverse("procurement:offer_post", args=[consortium.pk]), body)
    assert response.status_code == 302
    assert Offer.objects.count() == offers


def test_consortium_fte_past_an_integer_column_is_a_form_error() -> None:
    from procurement.consortia.forms import FteForm

    form = FteForm({"fte": "2147483648"})
    assert not form.is_valid() and "fte" in form.errors


# --- registration --------------------------------------------------------------------------------


def test_registration_with_an_address_longer_than_the_user_table_holds_is_a_form_error(
    demo: Any, anonymous: Client
) -> None:
    users = get_user_model().objects.count()
    response = anonymous.post(
        reverse("services:client_register"),
        {
            "username": "long_address",
            "email": "x" * 300 + "@example.com",
            "password": "Sturdy-Passphrase-42",
            "kind": "person",
            "display_name": "Long Address",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert get_user_model().objects.count() == users


# --- dates at the start of the calendar -----------------------------------------------------------


class _When(forms.Form):
    at = DateTimeField()


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "0001-01-01 07:59"])
def test_datetime_field_refuses_a_time_before_year_1_in_utc(value: str) -> None:
    form = _When({"at": value})  # Asia/Shanghai: 8 hours ahead of UTC
    assert not form.is_valid()
    assert form.errors["at"] == ["Enter a valid date/time."]


def test_datetime_field_accepts_the_first_representable_hours() -> None:
    form = _When({"at": "0001-01-01T09:00"})  # Shanghai's offset in year 1 is local mean time, +08:05:43
    assert form.is_valid(), form.errors


def test_training_session_starting_in_year_1_is_a_form_error_and_changes_nothing(demo: Any) -> None:
    from services.models import TrainingSession
    from tests.property.test_forms import _training_edit

    prepared = _training_edit(demo)
    session = TrainingSession.objects.get(pk=prepared.watch["session"].get().pk)
    response = _signed_in(demo.head_custsvc).post(prepared.url, {**prepared.valid, "starts_at": "0001-01-01T00:00"})
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert TrainingSession.objects.get(pk=session.pk).starts_at == session.starts_at
    assert _signed_in(demo.head_custsvc).get(reverse("services:training_detail", args=[session.pk])).status_code == 200


def test_announcement_published_in_year_1_is_a_form_error(demo: Any) -> None:
    from office.models import Announcement

    count = Announcement.objects.count()
    response = _signed_in(demo.director).post(
        reverse("office:announcement_create"),
        {"title": "Year one", "body": "Old news", "published_at": "0001-01-01T00:00"},
    )
    assert response.status_code == 200
    assert "published_at" in response.context["form"].errors
    assert Announcement.objects.count() == count
    assert _signed_in(demo.director).get(reverse("office:home")).status_code == 200


@pytest.mark.parametrize("term", ["²", "1" * 5000, "-3", "0", "121"])
def test_a_vendor_catalog_term_that_is_not_a_small_ascii_number_is_refused(term):
    from office.exceptions import DomainError
    from procurement.actions.catalog import clean_item_row

    row = {"sku": "A1", "title": "Database", "price": "100", "format": "usage_right", "term_months": term}
    with pytest.raises(DomainError):
        clean_item_row(row)
