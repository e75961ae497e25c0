"""Issue 20: the page header (partials/_page_header.html, `{% pageheader %}`): every page that
uses it renders breadcrumbs — "Home" first, the page itself last with aria-current — one h1,
and its primary action, in English and Chinese. A page that starts using the header joins
PAGES below (the last test fails until it does)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import reverse
from django.utils import translation

from procurement import actions as procurement_actions
from sharing.models import SharingRequest
from sharing.permissions import agency_of
from tests.procurement.conftest import make_request
from tests.services.factories import order_in
from tests.store.factories import placed_order

pytestmark = pytest.mark.django_db

Page = tuple[str | None, Callable[[Any], str], str]  # user, url, the current page's crumb


def _purchase_order(demo: Any) -> Any:
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    procurement_actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    return procurement_actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)[0]


def _sharing_request(demo: Any) -> SharingRequest:
    return SharingRequest.objects.filter(borrower=agency_of(demo.staff_infodev)).latest("pk")


# template → (user, url, the last crumb). The detail pages' last crumb is the object's number.
PAGES: dict[str, list[Page]] = {
    "procurement/request_list.html": [("director", lambda d: reverse("procurement:request_list"), "Purchase requests")],
    "procurement/request_detail.html": [
        ("staff_infodev", lambda d: reverse("procurement:request_detail", args=[d.pr.pk]), "{pr.reference}")
    ],
    "procurement/approvals.html": [("head_infodev", lambda d: reverse("procurement:approvals"), "Approvals")],
    "procurement/order_list.html": [("director", lambda d: reverse("procurement:order_list"), "Purchase orders")],
    "procurement/order_detail.html": [
        ("director", lambda d: reverse("procurement:order_detail", args=[d.po.pk]), "{po.number}")
    ],
    "services/order_list.html": [
        ("client_a", lambda d: reverse("services:order_list"), "My orders"),
        ("staff_infodev", lambda d: reverse("services:order_list"), "Service orders"),
    ],
    "services/order_detail.html": [
        ("client_a", lambda d: reverse("services:order_detail", args=[d.order.pk]), "{order.number}")
    ],
    "services/queue.html": [("staff_infodev", lambda d: reverse("services:queue"), "Work queue")],
    "services/offering_list.html": [
        ("client_a", lambda d: reverse("services:offering_list"), "Information services"),
        (None, lambda d: reverse("services:offering_list"), "Information services"),
    ],
    "services/offering_manage.html": [("director", lambda d: reverse("services:offering_manage"), "Service catalog")],
    "payments/payment_list_mine.html": [("client_a", lambda d: reverse("payments:payment_list_mine"), "My payments")],
    "payments/payment_list.html": [("director", lambda d: reverse("payments:payment_list"), "Payments")],
    "sharing/borrowing_desk.html": [("staff_infodev", lambda d: reverse("sharing:borrowing_desk"), "Borrowing desk")],
    "sharing/lending_desk.html": [("staff_infodev", lambda d: reverse("sharing:lending_desk"), "Lending desk")],
    "sharing/request_detail.html": [
        ("staff_infodev", lambda d: reverse("sharing:request_detail", args=[d.ill.pk]), "{ill.number}")
    ],
    "sharing/client_request_list.html": [
        ("client_a", lambda d: reverse("sharing:client_request_list"), "Document delivery")
    ],
    "store/cart.html": [("client_a", lambda d: reverse("store:cart"), "Cart")],
    "store/order_list.html": [("client_a", lambda d: reverse("store:order_list"), "Store orders")],
    "store/order_detail.html": [
        ("client_a", lambda d: reverse("store:order_detail", args=[d.store_order.pk]), "{store_order.number}")
    ],
    "office/org/chart.html": [("director", lambda d: reverse("office:org_chart"), "Org structure")],
    "office/org/people_list.html": [("director", lambda d: reverse("office:org_people"), "People")],
}


class Data:
    def __init__(self, demo: Any) -> None:
        self.pr = make_request(demo.staff_infodev, [("BH-1001", 2)])
        self.po = _purchase_order(demo)
        self.order = order_in(demo, "quoted", topic="Header 页眉")
        self.ill = _sharing_request(demo)
        self.store_order = placed_order(demo.client_a, seats=1)


def _crumbs(body: str) -> list[tuple[str, str]]:
    """(attributes, text) of each breadcrumb of the page header."""
    header = body.split('class="page-header', 1)[1].split("</nav>", 1)[0]
    return [
        (attrs, re.sub(r"<[^>]+>", "", text).strip())
        for attrs, text in re.findall(r'<li class="breadcrumb-item([^>]*)>(.*?)</li>', header, re.S)
    ]


def _pages(data: Data) -> list[tuple[str, str | None, str, str]]:
    return [
        (template, user, url(data), current.format(**vars(data)))
        for template, pages in PAGES.items()
        for user, url, current in pages
    ]


def test_every_page_with_the_header_renders_its_breadcrumbs(demo: Any) -> None:
    data = Data(demo)
    for template, user, url, current in _pages(data):
        response = demo.client(user).get(url)
        assert response.status_code == 200, (url, user)
        assert template in {t.name for t in response.templates}, (url, template)
        body = response.content.decode()
        assert body.count('class="page-header') == 1 and body.count("<h1") == 1, url
        crumbs = _crumbs(body)
        assert len(crumbs) >= 2, (url, crumbs)
        *above, (last_attrs, last_text) = crumbs
        assert 'aria-current="page"' in last_attrs and last_text == current, (url, crumbs)
        assert all("aria-current" not in attrs for attrs, _text in above), url
        home = reverse("office:home")
        if user:
            assert above[0][1] == "Home" and f'href="{home}"' in body.split("</nav>", 1)[0], url
        else:  # an anonymous reader's trail starts at the public site, not at the sign-in page
            assert f'href="{reverse("marketing:home")}"' in body.split('class="page-header', 1)[1].split("</nav>", 1)[0]


def test_the_header_in_chinese(demo: Any) -> None:
    client = demo.client("client_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(reverse("services:order_list")).content.decode()
    assert [text for _attrs, text in _crumbs(body)] == ["首页", "我的订单"]
    assert 'data-sort-label="排序"' in body
    assert 'id="order-new"' in body and "订购服务" in body  # the client's primary action
    body = demo.client("staff_infodev").get(reverse("sharing:borrowing_desk")).content.decode()
    assert 'class="btn btn-primary btn-sm text-nowrap"' in body and 'id="desk-new"' in body


def test_the_tag_renders_the_partial_with_its_actions() -> None:
    template = engines["django"].from_string(
        "{% load page_ui %}{% crumbs 'Lists' '/lists/' 'Here' home=False as trail %}"
        "{% pageheader title=title subtitle='sub' crumbs=trail primary_url='/new/' primary_label='New' %}"
        "<a class='btn' id='second'>Second</a>{% endpageheader %}"
    )
    with translation.override("en"):
        html = template.render({"title": "A <b> title"})
    assert "A &lt;b&gt; title" in html and '<small class="text-body-secondary">sub</small>' in html
    assert '<a href="/lists/">Lists</a>' in html and 'aria-current="page">Here</li>' in html
    assert html.index("id='second'") < html.index('href="/new/"')  # the primary action last, at the right
    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string("{% load page_ui %}{% pageheader crumbs=x %}{% endpageheader %}")


def test_every_template_using_the_header_is_checked_here() -> None:
    root = Path(settings.BASE_DIR) / "templates"
    using = {
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "{% pageheader" in path.read_text() or "_page_header.html" in path.read_text()
    } - {"partials/_page_header.html"}
    assert using - set(PAGES) == set(), "add these pages to PAGES"
