"""Storefront pages: the product page (schema.org JSON-LD, prices for the buyer, Chinese),
the cart count, isolation between buyers, PDFs, the public certificate check (valid, forged,
rate-limited), the showcase source and the selling unit's pages."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from marketing import showcase
from marketing.store.models import Certificate, Coupon, Grant, StoreOrder
from office.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user=None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_product_page_has_product_json_ld_with_offers(demo):
    html = _client().get(reverse("store:product_detail", args=["pearl-river-materials-db"])).content.decode()
    data = _json_ld(html)
    assert data["@type"] == "Product" and data["name"] == "Pearl River Materials Database"
    assert {offer["priceCurrency"] for offer in data["offers"]} == {"CNY"}
    assert "1200.00" in {offer["price"] for offer in data["offers"]}  # individual price for visitors


def test_product_page_shows_the_buyers_tier(demo):
    html = _client(demo.staff_east).get(reverse("store:product_detail", args=["pearl-river-materials-db"]))
    assert "3,000.00" in html.content.decode()  # member office price
    assert 'name="ip_ranges"' in html.content.decode()


def test_product_page_in_chinese(demo):
    with_language = _client(language="zh-hans")
    with translation.override("zh-hans"):  # the public pages carry the language in the path
        url = reverse("store:product_detail", args=["pearl-river-materials-db"])
    html = with_language.get(url).content.decode()
    assert "珠江材料专题数据库" in html and "许可方案" in html and "含税" in html
    for english in ("Licences", "tax included", "Log in to buy", "per seat"):
        assert english not in html


def test_cart_count_in_the_bar(demo):
    from marketing.store import actions
    from tests.store.factories import option

    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=2)
    html = _client(demo.client_a).get(reverse("store:product_list")).content.decode()
    assert re.search(r'id="cart-count">1<', html)


def test_buyers_see_only_their_own_orders_and_licences(demo):
    order = StoreOrder.objects.filter(buyer_user=demo.client_b).first()
    grant = Grant.objects.filter(holder_user=demo.client_b).first()
    other = _client(demo.client_a)
    assert other.get(reverse("store:order_detail", args=[order.pk])).status_code == 404
    assert other.get(reverse("store:grant_detail", args=[grant.pk])).status_code == 404
    assert other.get(reverse("store:grant_certificate", args=[grant.pk])).status_code == 404
    assert other.get(reverse("store:order_invoice", args=[order.pk])).status_code == 404
    assert order.number not in other.get(reverse("store:order_list")).content.decode()


def test_certificate_pdf(demo):
    grant = Grant.objects.filter(holder_user=demo.client_b, kind="online").first()
    response = _client(demo.client_b).get(reverse("store:grant_certificate", args=[grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_verification_confirms_a_certificate_and_shows_nothing_else(demo):
    certificate = Certificate.objects.filter(grant__holder_user=demo.client_b).first()
    response = _client().get(reverse("licences:verify", args=[certificate.verification_code]))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-valid="yes"' in html
    assert certificate.grant.licensee in html and "Pearl River" in html or "Battery" in html
    assert str(certificate.grant.order.number) not in html and "seats" not in html.lower()


def test_verification_rejects_a_forged_code(demo):
    response = _client().get(reverse("licences:verify", args=["ABCD-EF01-2345-6789"]))
    assert response.status_code == 404 and 'data-valid="no"' in response.content.decode()


def test_verification_of_a_refunded_licence_says_it_is_not_in_force(demo):
    certificate = Certificate.objects.filter(grant__holder_user=demo.client_b).first()
    Grant.objects.filter(pk=certificate.grant_id).update(status=Grant.Status.REVOKED)
    html = _client().get(reverse("licences:verify", args=[certificate.verification_code])).content.decode()
    assert 'data-valid="ended"' in html


def test_verification_is_rate_limited(demo, settings):
    # The count lives in a cache of the test's own: the limit is what is tested here, and a
    # shared cache left unusable by an earlier outage test on the same worker counts nothing.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "verify"}}
    client = _client()
    url = reverse("licences:verify", args=["NOPE-NOPE-NOPE-NOPE"])
    codes = [client.get(url).status_code for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429


def test_products_are_a_showcase_source(demo):
    source = showcase.get("product")
    assert source is not None
    items = list(source.items("zh-hans"))
    assert "珠江材料专题数据库" in {item.title for item in items}
    assert all(item.schema_type == "Product" for item in items)
    found = list(source.search("Battery", "en", 5))
    assert [item.key for item in found] == ["battery-industry-report-2026"]


def test_sales_pages_for_the_selling_unit(demo):
    client = _client(demo.head_infodev)
    html = client.get(reverse("store:sales")).content.decode()
    assert "sales-chart-data" in html and "Pearl River" in html
    csv = client.get(reverse("store:sales_csv")).content.decode()
    assert "Pearl River Materials Database" in csv
    assert _client(demo.staff_infodev).get(reverse("store:sales")).status_code == 403


def test_seller_creates_a_coupon_and_a_bad_one_changes_nothing(demo):
    client = _client(demo.director)
    data = {"code": "autumn-26", "campaign": "newsletter", "percent_off": "15", "valid_from": "2026-09-01",
            "valid_until": "2026-10-31", "max_uses": "50"}  # fmt: skip
    assert client.post(reverse("store:coupon_list"), data).status_code == 302
    assert Coupon.objects.get(code="AUTUMN-26").campaign == "newsletter"
    bad = {**data, "code": "x2", "amount_off_minor": "10"}  # both a percentage and an amount
    response = client.post(reverse("store:coupon_list"), bad)
    assert response.status_code == 200 and not Coupon.objects.filter(code="X2").exists()
    assert AuditEvent.objects.filter(verb="store.coupon.created").count() == 1


ENGLISH_LEFT = (
    "Store orders", "My licences", "Licensee", "Seats (concurrent users)", "Verification code", "Total (tax included)",
    "Invoice (PDF)", "Licence certificate", "Renew now", "Add seats", "Revenue by", "Coupons", "No orders yet",
    "Waiting for", "Check out and pay", "Remove", "Digital products", "perpetual",
)  # fmt: skip


def test_buyer_and_seller_pages_in_chinese_have_no_english_left(demo):
    from marketing.store import actions
    from tests.store.factories import option

    actions.cart_add(actor=demo.client_b, option_id=option().pk, quantity=2)
    order = StoreOrder.objects.filter(buyer_user=demo.client_b).first()
    grant = Grant.objects.filter(holder_user=demo.client_b, kind="online").first()
    translation.activate("zh-hans")  # the public pages carry the language in the path
    pages = {
        demo.client_b: [
            reverse("store:product_list"),
            reverse("store:cart"),
            reverse("store:order_list"),
            reverse("store:order_detail", args=[order.pk]),
            reverse("store:grant_list"),
            reverse("store:grant_detail", args=[grant.pk]),
        ],
        demo.director: [reverse("store:sales"), reverse("store:coupon_list")],
    }
    translation.deactivate()
    for user, urls in pages.items():
        client = _client(user, language="zh-hans")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            main = response.content.decode().split("<main", 1)[1]
            left = [word for word in ENGLISH_LEFT if word in main]
            assert not left, f"{url}: {left}"


def test_a_seller_sees_only_the_orders_of_their_own_units_products(demo):
    """Orders hold buyers' names and shipping addresses: a seller of another unit (here a new
    unit with the digital-resources function and no products yet) does not see them; the
    product's own unit and the leadership do."""
    from office.models import Department, DepartmentFunction, Function
    from tests import factories

    home = Department.objects.get(organization__is_home=True, code="infodev").organization
    unit = Department.objects.create(organization=home, code="newsales", name="New sales")
    DepartmentFunction.objects.create(department=unit, function=Function.DIGITAL_RESOURCES)
    newcomer = factories.staff("seller_elsewhere", department=unit, organization=home)
    order = StoreOrder.objects.filter(buyer_user=demo.client_b).first()
    detail = reverse("store:order_detail", args=[order.pk])

    assert _client(newcomer).get(detail).status_code == 404
    assert order.number not in _client(newcomer).get(reverse("store:sales")).content.decode()
    assert _client(demo.head_infodev).get(detail).status_code == 200
    assert _client(demo.director).get(detail).status_code == 200
