"""Issue 20: sortable columns on the main lists (office/listing.py, `{% sort_th %}`).

Every list sorts by each key it whitelists, both ways, with the primary key as the tiebreak;
an unknown key falls back to the list's default (never a 500, never an arbitrary field); the
header links and the paging links keep the sort and the filters; the current column says so
(▲/▼ and aria-sort)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from marketing.store.models import StoreOrder
from marketing.store.views import orders as store_orders
from office.listing import order_expressions, parse_sort, sorted_by
from payments import views as payment_views
from payments.models import Payment
from procurement.models import PurchaseOrder, PurchaseRequest
from procurement.views import orders as procurement_orders
from procurement.views import purchase_requests as procurement_requests
from services.models import ServiceOrder
from services.views import orders as services_orders
from sharing import views as sharing_views
from sharing.models import SharingRequest
from tests.procurement.conftest import make_request
from tests.services.factories import order_in
from tests.store.factories import placed_order

pytestmark = pytest.mark.django_db

BAD_KEYS = ("bogus", "-", "--total", "pk", "password", "created_at", "total;drop", "-" * 60, "ｔotal")


def _ids(body: str, detail: str) -> list[int]:
    """The pks of the rows, in page order, from the links to their detail pages."""
    prefix, suffix = reverse(detail, args=[987654321]).split("987654321")
    tbody = body.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    seen: list[int] = []
    for pk in re.findall(f'href="{re.escape(prefix)}(\\d+){re.escape(suffix)}"', tbody):
        if int(pk) not in seen:
            seen.append(int(pk))
    return seen


def _expected(model: Any, ids: list[int], fields: Any, descending: bool) -> list[int]:
    order = [*order_expressions(fields, descending), "-pk" if descending else "pk"]
    return list(model.objects.filter(pk__in=ids).order_by(*order).values_list("pk", flat=True))


def _check_every_key(client: Any, url: str, detail: str, model: Any, allowed: dict, default: str) -> list[int]:
    """Each key both ways: the rows in the key's order; returns the rows of the default order."""
    response = client.get(url)
    assert response.status_code == 200
    rows = _ids(response.content.decode(), detail)
    assert len(rows) >= 3, f"{url}: too few rows to see an order ({rows})"
    descending = default.startswith("-")
    assert rows == _expected(model, rows, allowed[default.lstrip("-")], descending)
    orders = set()
    for key, fields in allowed.items():
        for value in (key, f"-{key}"):
            body = client.get(url, {"sort": value}).content.decode()
            shown = _ids(body, detail)
            assert shown == _expected(model, rows, fields, value.startswith("-")), (url, value)
            orders.add(tuple(shown))
            header = re.search(
                rf'<th scope="col" class="sortable[^"]*" aria-sort="(\w+)"><a [^>]*data-sort="{key}"', body
            )
            if key in re.findall(r'data-sort="(\w+)"', body):  # a column shows this key
                assert header and header.group(1) == ("descending" if value.startswith("-") else "ascending"), value
    assert len(orders) > 2, f"{url}: the keys should give different orders"
    for bad in BAD_KEYS:
        response = client.get(url, {"sort": bad})
        assert response.status_code == 200
        assert _ids(response.content.decode(), detail) == rows, bad
    return rows


def test_parse_sort_whitelists_keys_and_falls_back_to_the_default() -> None:
    allowed = {"created": "created_at", "total": "total_minor"}
    assert parse_sort("total", allowed, "-created") == ("total", False)
    assert parse_sort("-total", allowed, "-created") == ("total", True)
    for bad in ("", "-", "--total", "total_minor", "created_at", "Total", " -created x"):
        assert parse_sort(bad, allowed, "-created") == ("created", True), bad
    request = RequestFactory().get("/", {"sort": "nope"})
    with pytest.raises(ValueError):
        sorted_by(request, PurchaseRequest.objects.all(), allowed, "nope")


def test_purchase_requests_sort_by_every_column(demo: Any) -> None:
    for quantity in (3, 1, 2):
        make_request(demo.staff_infodev, [("BH-1001", quantity)])
    make_request(demo.head_infodev, [("BH-1001", 2)])  # a tie on total: the tiebreak decides
    url = reverse("procurement:request_list")
    client = demo.client("director")
    _check_every_key(
        client, url, "procurement:request_detail", PurchaseRequest, procurement_requests.REQUEST_SORTS, "-created"
    )
    totals = [
        PurchaseRequest.objects.get(pk=pk).total_minor
        for pk in _ids(client.get(url, {"sort": "-total"}).content.decode(), "procurement:request_detail")
    ]
    assert totals == sorted(totals, reverse=True) and len(set(totals)) > 1
    # The filter form keeps the sort; the header links keep the filters.
    body = client.get(url, {"sort": "-total", "status": "submitted"}).content.decode()
    assert '<input type="hidden" name="sort" value="-total">' in body
    assert 'href="?sort=total&amp;status=submitted"' in body or 'href="?status=submitted&amp;sort=total"' in body


def test_purchase_orders_sort_by_every_column(demo: Any) -> None:
    from procurement import actions

    for quantity in (1, 4, 2):
        pr = make_request(demo.staff_infodev, [("BH-1001", quantity)])
        actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
        actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)
    _check_every_key(
        demo.client("director"),
        reverse("procurement:order_list"),
        "procurement:order_detail",
        PurchaseOrder,
        procurement_orders.ORDER_SORTS,
        "-created",
    )


def _service_orders(demo: Any) -> None:
    order_in(demo, "requested", topic="Alpha 甲")
    order_in(demo, "quoted", amount=120_000, topic="Beta 乙")
    order_in(demo, "quoted", amount=50_000, topic="Gamma 丙")
    order_in(demo, "paid", amount=90_000, topic="Delta 丁")


def test_service_orders_sort_for_clients_and_staff(demo: Any) -> None:
    _service_orders(demo)
    url = reverse("services:order_list")
    for username in ("client_a", "staff_infodev"):
        _check_every_key(
            demo.client(username), url, "services:order_detail", ServiceOrder, services_orders.ORDER_SORTS, "-created"
        )
    # The staff views ("assigned to me" …) keep the sort through the search form.
    body = demo.client("staff_infodev").get(url, {"view": "open", "sort": "due"}).content.decode()
    assert '<input type="hidden" name="sort" value="due">' in body


def test_paging_keeps_the_sort(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _service_orders(demo)
    order_in(demo, "quoted", amount=70_000, topic="Epsilon 戊")
    client = demo.client("client_a")
    url = reverse("services:order_list")
    everything = _ids(client.get(url, {"sort": "-price"}).content.decode(), "services:order_detail")
    monkeypatch.setattr(services_orders, "ORDERS_PER_PAGE", 2)
    first = client.get(url, {"sort": "-price"}).content.decode()
    assert 'href="?sort=-price&amp;page=2"' in first
    second = client.get(url, {"sort": "-price", "page": "2"}).content.decode()
    assert _ids(first, "services:order_detail") + _ids(second, "services:order_detail") == everything[:4]
    # A new order starts on the first page; the other parameters stay.
    assert 'href="?sort=price"' in second and "page=2&amp;sort" not in second


def test_payments_sort_for_the_payer_and_for_finance(demo: Any) -> None:
    _service_orders(demo)
    order_in(demo, "paid", amount=30_000, topic="Zeta 己")
    order_in(demo, "paid", amount=60_000, topic="Eta 庚")
    _check_every_key(
        demo.client("client_a"),
        reverse("payments:payment_list_mine"),
        "payments:payment_detail",
        Payment,
        payment_views.MY_PAYMENT_SORTS,
        "-date",
    )
    _check_every_key(
        demo.client("director"),
        reverse("payments:payment_list"),
        "payments:payment_detail",
        Payment,
        payment_views.PAYMENT_SORTS,
        "-date",
    )


def _desk_requests(demo: Any) -> tuple[Any, Any]:
    """Four sent requests from the home office's desk to another member's, with different
    titles, services, deadlines and one urgent (the desk's default order puts it first)."""
    from datetime import timedelta

    from django.utils import timezone

    from sharing.models import Agency
    from sharing.permissions import agency_of

    home = agency_of(demo.staff_infodev)
    lender = Agency.objects.members().exclude(pk=home.pk).first()
    now = timezone.now()
    rows = [("Membranes 膜", "copy", 5, False), ("Anodes 负极", "loan", 2, True), ("Cathodes 正极", "copy", 9, False)]
    for n, (title, service, days, urgent) in enumerate(rows + [("Binders 粘结剂", "loan", 2, False)]):
        SharingRequest.objects.create(
            number=f"TEST-SORT-{n}",
            borrower=home,
            lender=lender,
            service_type=service,
            status=SharingRequest.Status.SENT,
            title=title,
            urgent=urgent,
            deadline=now + timedelta(days=days),
        )
    return home, lender


def _desk_user(demo: Any, agency: Any) -> str:
    """A demo staff member whose office runs `agency`'s desks."""
    for username, user in demo.users.items():
        profile = getattr(user, "staff_profile", None)
        if profile is not None and profile.organization_id == agency.organization_id:
            return username
    pytest.fail(f"no demo user at {agency}")


def test_sharing_desks_sort_by_every_column(demo: Any) -> None:
    home, lender = _desk_requests(demo)
    for side, agency, queue in (("borrowing", home, "waiting"), ("lending", lender, "answer")):
        url = reverse(f"sharing:{side}_desk") + f"?queue={queue}"
        allowed = {**sharing_views.DESK_SORTS}
        allowed["partner"] = "borrower__agency_id" if side == "lending" else "lender__agency_id"
        rows = _check_every_key(
            demo.client(_desk_user(demo, agency)), url, "sharing:request_detail", SharingRequest, allowed, "priority"
        )
        assert SharingRequest.objects.get(pk=rows[0]).urgent  # the default order: urgent first


def test_sharing_client_requests_and_store_orders_sort(demo: Any) -> None:
    for seats in (3, 1, 2):
        placed_order(demo.client_a, seats=seats)
    _check_every_key(
        demo.client("client_a"),
        reverse("store:order_list"),
        "store:order_detail",
        StoreOrder,
        store_orders.ORDER_SORTS,
        "-date",
    )
    from sharing import actions

    for title, pages in (("Membranes 膜", "1-30"), ("Anodes 负极", "1-5"), ("Cathodes 正极", "1-12")):
        actions.client_request_create(actor=demo.client_a, copyright_declared=True, title=title, pages=pages)
    _check_every_key(
        demo.client("client_a"),
        reverse("sharing:client_request_list"),
        "sharing:request_detail",
        SharingRequest,
        sharing_views.CLIENT_REQUEST_SORTS,
        "-created",
    )


def test_the_sort_header_keeps_other_parameters_and_drops_the_page() -> None:
    from django.template import engines

    request = RequestFactory().get("/x/", {"status": "paid", "page": "3", "sort": "-total"})
    qs, sort = sorted_by(
        request, PurchaseRequest.objects.none(), {"total": "total_minor", "created": "created_at"}, "-created"
    )
    template = engines["django"].from_string(
        '{% load page_ui %}{% sort_th "total" "Total" "text-end" %}{% sort_th "created" "Date" %}'
        '{% sort_th "nope" "Nope" %}'
    )
    html = template.render({"sort": sort}, request)
    total, created, nope = html.split("</th>")[:3]
    assert 'aria-sort="descending"' in total and "▼" in total and "text-end" in total
    assert QueryDict(re.search(r'href="\?([^"]*)"', total).group(1).replace("&amp;", "&")) == QueryDict(
        "status=paid&sort=total"
    )
    assert "aria-sort" not in created and "sort=created" in created
    assert nope == '<th scope="col" class="">Nope'
