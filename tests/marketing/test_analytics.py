"""Analytics completeness (issue 14, item 7): view → order conversion of services and products,
campaign links (utm_*) → orders of both kinds, shown on the dashboard with charts and as CSV."""

from __future__ import annotations

import csv
import io
import json
import secrets

import pytest
from django.urls import reverse
from django.utils import translation

from marketing import dashboard
from marketing.models import DailyCount, ServiceOrderCampaign
from marketing.store import actions as store_actions
from services.models import Offering, ServiceOrder
from tests.marketing.site_fixtures import fresh_public_cache  # noqa: F401 (autouse)
from tests.store.factories import option, pay

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
CAMPAIGN = "winter-mail-26"


def _url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


def _order_service(client, code: str = "novelty-search") -> ServiceOrder:
    offering = Offering.objects.get(code=code)
    response = client.post(
        reverse("services:order_create", args=[code]),
        {"topic": "Graphene separators", "keywords": "graphene", "delivery_channel": offering.delivery_channels[0]},
        **BROWSER,
    )
    assert response.status_code == 302
    return ServiceOrder.objects.filter(offering=offering).latest("pk")


def test_product_page_views_are_counted_bots_not(demo, client):
    url = _url("store:product_detail", "pearl-river-materials-db")
    client.get(url, **BROWSER)
    client.get(url, **BROWSER)
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; bingbot/2.0)")
    assert DailyCount.objects.get(kind="product", key="pearl-river-materials-db").count == 2


def test_service_order_is_attributed_to_the_campaign_the_client_came_through(demo):
    client = demo.client("client_a")
    # A signed-in client follows a campaign link to a service's public page, then orders it.
    client.get(
        _url("marketing:service_detail", "novelty-search") + f"?utm_source=mail&utm_campaign={CAMPAIGN}", **BROWSER
    )
    order = _order_service(client)
    assert ServiceOrderCampaign.objects.get(order=order).campaign == CAMPAIGN
    # An order without a campaign link behind it is attributed to nothing.
    other = demo.client("client_b")
    plain = _order_service(other)
    assert not ServiceOrderCampaign.objects.filter(order=plain).exists()


def test_attribution_is_kept_once(demo):
    from marketing.actions import service_order_attribute
    from tests.services.factories import order_in

    order = order_in(demo, "requested")
    assert service_order_attribute(order_id=order.pk, campaign="") is None
    service_order_attribute(order_id=order.pk, campaign="first")
    service_order_attribute(order_id=order.pk, campaign="second")
    assert ServiceOrderCampaign.objects.get(order=order).campaign == "first"


def test_conversion_and_campaign_figures(demo, client):
    before = {r["key"]: r for r in dashboard.dashboard(30)["conversion"]}
    before_products = {r["key"]: r for r in dashboard.dashboard(30)["products"]}
    # Three anonymous views of a service's page, one through the campaign's link.
    for query in ("", "", f"?utm_source=mail&utm_medium=email&utm_campaign={CAMPAIGN}"):
        client.get(_url("marketing:service_detail", "novelty-search") + query, **BROWSER)
    # Four views of a product's store page; client_a orders it through the campaign, pays.
    for _n in range(4):
        client.get(_url("store:product_detail", "pearl-river-materials-db"), **BROWSER)
    store_actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1, ip_ranges="")
    store_order = store_actions.checkout(actor=demo.client_a, token=secrets.token_hex(8), campaign=CAMPAIGN)
    pay(store_order, demo.client_a)
    # client_a orders the service, signed in, with the campaign link before it.
    signed_in = demo.client("client_a")
    signed_in.get(_url("marketing:service_detail", "novelty-search") + f"?utm_campaign={CAMPAIGN}", **BROWSER)
    _order_service(signed_in)

    data = dashboard.dashboard(30)
    service = next(r for r in data["conversion"] if r["key"] == "novelty-search")
    old = before.get("novelty-search", {"views": 0, "orders": 0})
    assert (service["views"] - old["views"], service["orders"] - old["orders"]) == (4, 1)
    assert service["name"] == Offering.objects.get(code="novelty-search").display_name
    product = next(r for r in data["products"] if r["key"] == "pearl-river-materials-db")
    old = before_products.get("pearl-river-materials-db", {"views": 0, "orders": 0, "paid": 0})
    assert (product["views"] - old["views"], product["orders"] - old["orders"], product["paid"] - old["paid"]) == (
        4,
        1,
        1,
    )
    assert product["rate"] == round(100 * product["orders"] / product["views"], 1)
    campaign = next(r for r in data["campaign_orders"] if r["key"] == CAMPAIGN)
    assert (campaign["arrivals"], campaign["service_orders"], campaign["store_orders"]) == (2, 1, 1)
    assert campaign["rate"] == 100.0 and campaign["revenue"] == {store_order.currency: store_order.total_minor}
    chart = data["chart"]["campaigns"]
    assert CAMPAIGN in chart["labels"] and chart["orders"][chart["labels"].index(CAMPAIGN)] == 2


def test_dashboard_page_shows_the_charts_and_tables(demo, client):
    client.get(_url("marketing:service_detail", "novelty-search") + f"?utm_campaign={CAMPAIGN}", **BROWSER)
    director = demo.client("director")
    response = director.get(reverse("marketing_manage:dashboard") + "?days=90")
    assert response.status_code == 200
    html = response.content.decode()
    for canvas in ("chart-views", "chart-services", "chart-campaigns"):
        assert f'id="{canvas}"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and 'id="dashboard-csv"' in html
    assert '<option value="90" selected>' in html
    data = json.loads(html.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert CAMPAIGN in data["campaigns"]["labels"] and len(data["labels"]) == 90
    with translation.override("zh-hans"):
        zh = demo.client("director")
        zh.cookies["django_language"] = "zh-hans"
        page = zh.get(reverse("marketing_manage:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "各项服务的浏览与订单" in page and "活动链接" in page


def test_csv_has_every_section_and_guards_formulas(demo, client):
    client.get(_url("marketing:service_detail", "novelty-search") + "?utm_campaign=%3DHYPERLINK(1)", **BROWSER)
    client.get(_url("store:product_detail", "pearl-river-materials-db"), **BROWSER)
    response = demo.client("director").get(reverse("marketing_manage:dashboard_csv") + "?days=7")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sections = {row[0] for row in rows[1:]}
    assert {"day", "service", "product", "campaign"} <= sections
    assert len([row for row in rows if row[0] == "day"]) == 7
    campaign = next(row for row in rows if row[0] == "campaign")
    assert campaign[1] == "'=HYPERLINK(1)"  # a spreadsheet reads it as text, not as a formula
    service = next(row for row in rows if row[0] == "service" and row[1] == "novelty-search")
    assert int(service[3]) >= 1


def test_csv_is_for_the_leadership_only(demo):
    for username in ("staff_custsvc", "client_a"):
        assert demo.client(username).get(reverse("marketing_manage:dashboard_csv")).status_code == 403
