"""The main forms under generated money, date, number and text input: never a 5xx, and a
refused submission (an error status, a form error or an error message) writes nothing: no
table gains or loses a row (AuditEvent included) and the edited row stays as it was.

Each case starts from a valid submission and replaces one to three of its fields with
generated values, so the other fields pass and the generated one is what the view sees. An
accepted submission is followed to the page it redirects to, which must show (a value that
was stored must also render). A deterministic sweep gives every field the values of its kind
that broke parsers before (`SWEEPS`); Hypothesis explores around them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from office import ratelimit
from office.money import parse_money
from tests.property.support import (
    SWEEP,
    assert_not_5xx,
    date_text,
    datetime_text,
    error_messages,
    example,
    form_errors,
    is_refusal,
    money_text,
    number_text,
    query_string,
    read_only,
    text_values,
)

pytestmark = pytest.mark.django_db

# --- the kinds of field and what is generated for each --------------------------------------

KINDS: dict[str, st.SearchStrategy[str]] = {
    "money": money_text,
    "date": date_text,
    "datetime": datetime_text,
    "number": st.one_of(number_text, text_values),
    "choice": st.one_of(number_text, text_values),
    "text": text_values,
    "email": st.one_of(st.emails().map(lambda e: e[:200]), text_values),
    "url": st.one_of(
        st.sampled_from(["https://example.com/x", "javascript:alert(1)", "http://[::1", "//x"]), text_values
    ),
}

# The values of each kind that broke parsers before, tried every run.
SWEEPS: dict[str, list[str]] = {
    "money": ["92233720368547758.07", "-92233720368547758.08", "1e999999", "NaN", "-0", "0.001", "²", "１２３", ""],
    "date": ["9999-12-31", "0001-01-01", "10000-01-01", "2024-02-30", "1-1-1", "\x00"],
    "datetime": ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31 23:59:59", "2024-03-10T02:30", "0001-01-01"],
    "number": ["²", "-1", "0", "2147483648", "9223372036854775808", "9" * 5000, "1.5"],
    "choice": ["²", "-1", "9223372036854775808", "9" * 5000, "\x00"],
    "text": ["\x00", "x" * 20_001],
    "email": ["a@b", "\x00@example.com", "x" * 300 + "@example.com", "a@[127.0.0.1]"],
    "url": ["javascript:alert(1)", "http://[::1", "https://" + "x" * 300 + ".com", "\x00"],
}


# --- the cases ------------------------------------------------------------------------------


@dataclass
class Prepared:
    url: str
    valid: dict[str, str]
    watch: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    id: str
    user: str | None
    fields: dict[str, str]  # field -> kind (a key of KINDS)
    prepare: Callable[[Any], Prepared]
    rate_limited: bool = False


def _today(days: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _order_create(demo: Any) -> Prepared:
    from services.models import Offering

    offering = Offering.objects.get(code="novelty-search")
    url = reverse("services:order_create", args=[offering.code])
    return Prepared(url, {"topic": "Graphene separators", "delivery_channel": offering.delivery_channels[0]})


def _order_quote(demo: Any) -> Prepared:
    from services.models import ServiceOrder
    from tests.services.factories import order_in

    order = order_in(demo, "requested")
    return Prepared(
        reverse("services:order_quote", args=[order.pk]),
        {"amount": "800.00", "due_date": _today(10), "note": ""},
        {"order": ServiceOrder.objects.filter(pk=order.pk)},
    )


def _payment_request(demo: Any) -> Prepared:
    return Prepared(
        reverse("payments:request_list"), {"payer": str(demo.client_b.pk), "description": "Fee", "amount": "120.50"}
    )


def _budget_allocate(demo: Any) -> Prepared:
    from office.models import Budget

    budget = Budget.objects.filter(department__organization__is_home=True).order_by("pk").first()
    return Prepared(
        reverse("office:budget_allocate"),
        {"department": str(budget.department_id), "fiscal_year": str(budget.fiscal_year), "amount": "1000", "note": ""},
        {"budgets": Budget.objects.filter(department_id=budget.department_id)},
    )


def _approval_limit(demo: Any) -> Prepared:
    from office.models import Department

    department = Department.objects.filter(organization__is_home=True).order_by("pk").first()
    return Prepared(
        reverse("procurement:approval_limit_set", args=[department.pk]),
        {"limit": "5000"},
        {"department": Department.objects.filter(pk=department.pk)},
    )


def _item(demo: Any) -> Any:
    from procurement.models import VendorItem

    return VendorItem.objects.visible_to(demo.staff_infodev).filter(available=True, vendor__is_active=True).first()


def _cart_add(demo: Any) -> Prepared:
    return Prepared(reverse("procurement:cart_add"), {"item": str(_item(demo).pk), "quantity": "1"})


def _cart_line(demo: Any) -> Any:
    from procurement import actions

    return actions.cart_add(actor=demo.staff_infodev, item_id=_item(demo).pk, quantity=2)


def _cart_update(demo: Any) -> Prepared:
    from procurement.models import CartLine

    line = _cart_line(demo)
    return Prepared(
        reverse("procurement:cart_update", args=[line.pk]),
        {"quantity": "3"},
        {"line": CartLine.objects.filter(pk=line.pk)},
    )


def _cart_checkout(demo: Any) -> Prepared:
    from procurement.models import CartLine
    from procurement.selectors import budgets_for_requester

    line = _cart_line(demo)
    budget = budgets_for_requester(demo.staff_infodev).filter(currency=line.item.currency).first()
    return Prepared(
        reverse("procurement:cart_checkout"),
        {"budget": str(budget.pk), "justification": "For the reading room"},
        {"cart": CartLine.objects.filter(user=demo.staff_infodev)},
    )


def _training_edit(demo: Any) -> Prepared:
    from services.models import TrainingSession

    session = TrainingSession.objects.filter(department__code="custsvc").order_by("pk").first()
    local = timezone.localtime
    return Prepared(
        reverse("services:training_edit", args=[session.pk]),
        {
            "title": session.title,
            "title_zh": session.title_zh,
            "description": session.description,
            "department": str(session.department_id),
            "trainer": str(session.trainer_id),
            "starts_at": local(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "location": session.location,
            "online_url": session.online_url,
            "capacity": str(session.capacity),
            "fee": "200.00",
            "currency": session.currency,
            "is_published": "on",
        },
        {"session": TrainingSession.objects.filter(pk=session.pk)},
    )


def _client_register(demo: Any) -> Prepared:
    return Prepared(
        reverse("services:client_register"),
        {
            "username": "new_client",
            "email": "new.client@example.com",
            "password": "Sturdy-Passphrase-42",
            "kind": "person",
            "display_name": "New Client",
        },
    )


def _client_profile(demo: Any) -> Prepared:
    from office.models import ClientAccount

    account = ClientAccount.objects.get(user=demo.client_a)
    valid = {
        name: getattr(account, name) or ""
        for name in [
            "kind",
            "display_name",
            "organisation_name",
            "phone",
            "fax",
            "postal_address",
            "invoice_title",
            "tax_id",
        ]
    }
    return Prepared(reverse("services:client_profile"), valid, {"account": ClientAccount.objects.filter(pk=account.pk)})


TEXT = "text"
CASES = [
    Case(
        "order_create",
        "client_a",
        {"topic": TEXT, "keywords": TEXT, "scope": TEXT, "deadline": "date", "delivery_channel": "choice"},
        _order_create,
    ),
    Case("order_quote", "head_infodev", {"amount": "money", "due_date": "date", "note": TEXT}, _order_quote),
    Case("payment_request", "director", {"payer": "choice", "description": TEXT, "amount": "money"}, _payment_request),
    Case(
        "budget_allocate",
        "director",
        {"department": "choice", "fiscal_year": "number", "amount": "money", "note": TEXT},
        _budget_allocate,
    ),
    Case("approval_limit", "director", {"limit": "money"}, _approval_limit),
    Case("cart_add", "staff_infodev", {"item": "number", "quantity": "number", "next": TEXT}, _cart_add),
    Case("cart_update", "staff_infodev", {"quantity": "number"}, _cart_update),
    Case("cart_checkout", "staff_infodev", {"budget": "choice", "justification": TEXT}, _cart_checkout),
    Case(
        "training_edit",
        "head_custsvc",
        {
            "title": TEXT,
            "title_zh": TEXT,
            "description": TEXT,
            "department": "choice",
            "trainer": "choice",
            "starts_at": "datetime",
            "ends_at": "datetime",
            "location": TEXT,
            "online_url": "url",
            "capacity": "number",
            "fee": "money",
            "currency": TEXT,
        },
        _training_edit,
    ),
    Case(
        "client_register",
        None,
        {
            "username": TEXT,
            "email": "email",
            "password": TEXT,
            "kind": "choice",
            "display_name": TEXT,
            "organisation_name": TEXT,
            "phone": TEXT,
            "fax": TEXT,
            "postal_address": TEXT,
            "invoice_title": TEXT,
            "tax_id": TEXT,
        },
        _client_register,
        rate_limited=True,
    ),
    Case(
        "client_profile",
        "client_a",
        {
            "kind": "choice",
            "display_name": TEXT,
            "organisation_name": TEXT,
            "phone": TEXT,
            "fax": TEXT,
            "postal_address": TEXT,
            "invoice_title": TEXT,
            "tax_id": TEXT,
        },
        _client_profile,
    ),
]


# --- running one submission -------------------------------------------------------------------


@pytest.fixture(scope="module")
def visitor() -> Client:
    return Client()  # one for the module: building a client loads the middleware (~0.4 s)


@pytest.fixture
def case(request: pytest.FixtureRequest, demo: Any, visitor: Client) -> tuple[Case, Prepared]:
    """The case's objects, made once per test (outside the examples' savepoints)."""
    case: Case = request.param
    visitor.cookies.clear()
    if case.user:
        visitor.force_login(demo.users[case.user])
    return case, case.prepare(demo)


def _submit_and_follow(
    visitor: Client, case: Case, prepared: Prepared, body: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> bool:
    """POST `body`; True when it was refused."""
    if case.rate_limited:  # every example counts from zero (the limit itself is tested in tests/security)
        monkeypatch.setattr(ratelimit, "NAMESPACE", f"property-{uuid.uuid4().hex}")
    shown = {k: (v[:40] + f"…({len(v)})" if len(v) > 40 else v) for k, v in body.items()}
    what = f"POST {prepared.url} {shown}"
    with example(prepared.watch) as changes:
        response = visitor.post(prepared.url, body)
        assert_not_5xx(response, what)
        refused = is_refusal(response)
        if not refused and response.status_code in (301, 302):
            # Accepted: the page it leads to shows what was stored.
            with read_only(f"GET {response['Location']} after {what}"):
                assert_not_5xx(visitor.get(response["Location"]), f"GET {response['Location']} after {what}")
    if refused:
        assert not changes, (
            f"{what} was refused ({response.status_code}, {form_errors(response) or ''}"
            f"{error_messages(response)}) but changed the database: {changes}"
        )
    return refused


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES], indirect=True)
def test_valid_submission_is_accepted(visitor: Client, case: tuple[Case, Prepared]) -> None:
    """Guards the guard: the submission the examples start from is accepted, so a refusal in
    an example is the generated value's doing."""
    spec, prepared = case
    with example():
        response = visitor.post(prepared.url, prepared.valid)
        assert not is_refusal(response), (response.status_code, form_errors(response), error_messages(response))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES], indirect=True)
@given(data=st.data())
def test_form_bad_input_never_5xx_and_refusal_writes_nothing(
    visitor: Client, case: tuple[Case, Prepared], monkeypatch: pytest.MonkeyPatch, data: Any
) -> None:
    spec, prepared = case
    names = data.draw(st.lists(st.sampled_from(sorted(spec.fields)), min_size=1, max_size=3, unique=True))
    body = dict(prepared.valid)
    for name in names:
        body[name] = data.draw(KINDS[spec.fields[name]], label=name)
    refused = _submit_and_follow(visitor, spec, prepared, body, monkeypatch)
    event("refused" if refused else "accepted")  # --hypothesis-show-statistics shows the mix
    if not refused:
        _assert_accepted_amounts_parse(spec, body, names)


def _assert_accepted_amounts_parse(spec: Case, body: dict[str, str], names: list[str]) -> None:
    """An accepted amount is one the money parser accepts (within MONEY_MAX_AMOUNT, the
    currency's decimals): no form takes money past the one parser."""
    currency = (body.get("currency") or "CNY").strip().upper()
    for name in names:
        if spec.fields[name] == "money" and body[name].strip():
            try:
                parse_money(body[name], currency)
            except ValueError as exc:
                raise AssertionError(f"{spec.id} accepted {name}={body[name][:60]!r}, which parse_money refuses: {exc}")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES], indirect=True)
def test_form_boundary_values_never_5xx_and_refusal_writes_nothing(
    visitor: Client, case: tuple[Case, Prepared], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, prepared = case
    problems = []
    for name, kind in spec.fields.items():
        for value in SWEEPS[kind]:
            try:
                _submit_and_follow(visitor, spec, prepared, {**prepared.valid, name: value}, monkeypatch)
            except Exception as exc:  # collected: one run shows every failing value
                problems.append(f"{name}={value[:40]!r}: {type(exc).__name__}: {str(exc)[:300]}")
    assert not problems, "\n".join(problems)


# --- the staff catalog search: price filters and the rest of its query -------------------------

CATALOG_SEARCH = {
    "q": text_values,
    "vendor": KINDS["choice"],
    "kind": KINDS["choice"],
    "fmt": KINDS["choice"],
    "price_min": money_text,
    "price_max": money_text,
    "available": text_values,
    "page": number_text,
}


@given(data=st.data())
def test_catalog_search_filters_never_5xx(demo: Any, visitor: Client, data: Any) -> None:
    visitor.cookies.clear()
    visitor.force_login(demo.staff_infodev)
    query = data.draw(query_string(CATALOG_SEARCH, [{"q": "data", "price_max": "1000"}]), label="query")
    with read_only(f"GET catalog search {query}"):
        assert_not_5xx(visitor.get(f"{reverse('procurement:catalog_search')}?{query}"), query)


# --- the form pages' own query parameters --------------------------------------------------------

FORM_PAGE_QUERIES = [
    ("office:budget_allocate", "director", ["year", "department"]),
    ("payments:request_list", "director", ["page"]),
    ("procurement:approval_limits", "director", []),
]


@pytest.mark.parametrize(("name", "user", "parameters"), FORM_PAGE_QUERIES, ids=[q[0] for q in FORM_PAGE_QUERIES])
def test_form_page_query_boundary_values_never_5xx(
    demo: Any, visitor: Client, name: str, user: str, parameters: list[str]
) -> None:
    visitor.cookies.clear()
    visitor.force_login(demo.users[user])
    problems = []
    for parameter in parameters or ["x"]:
        for value in SWEEP:
            url = f"{reverse(name)}?{parameter}={value}"
            try:
                with read_only(f"GET {url}"):
                    assert_not_5xx(visitor.get(url), f"GET {url}")
            except Exception as exc:  # collected: one run shows every failing value
                problems.append(f"{url[:200]}: {type(exc).__name__}: {str(exc)[:200]}")
    assert not problems, "\n".join(problems)
