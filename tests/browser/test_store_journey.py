"""The storefront end to end in real Chromium (issue 15, "Done when").

client_a buys two seats of time-limited online access, pays on the simulated provider, downloads
the licence certificate PDF and opens the access page. A member office's staff member
(staff_east) buys a transmission licence above the unit's limit: the storefront submits a
purchase request, the approver (the East director: the unit has no head) approves it in
procurement, the office pays, the grant appears. A renewal reminder goes out (the beat
function, run directly) and client_a renews in one click and pays. Finance (the director)
refunds the renewal's payment and the grant ends. The public verification page confirms a
certificate and rejects a forged code. The selling unit's head (head_infodev) creates a disc
product outside the admin (texts, cover, option, tier prices), publishes it; client_a buys a
disc (a bad postcode is refused and the address kept), pays; the head posts it with a tracking
number; client_a sees the number on the order and confirms the disc arrived.
"""

from __future__ import annotations

import datetime
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from marketing.store import actions
from marketing.store.models import Grant, Product, StoreOrder
from office.models import Notification
from payments.models import Payment
from procurement.models import PurchaseRequest
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CARD = "4242 4242 4242 4242"


def _path(page: Any) -> str:
    return urlsplit(page.url).path


def _pay_by_card(page: Any, payment: Payment) -> None:
    assert _path(page) == reverse("payments:payment_checkout", args=[payment.pk])
    page.fill("#id_card_number", CARD)
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    with page.expect_navigation():
        page.click("#submit-payment")
    expect(page.locator("#payment-status [data-status]")).to_have_attribute("data-status", "succeeded", timeout=20_000)


def _wait_for(check: Any, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _buy(page: Any, base: str, slug: str, kind: str, seats: int, ip_ranges: str = "") -> None:
    from tests.store.factories import option

    chosen = option(slug, kind)
    page.goto(base + reverse("store:product_detail", args=[slug]))
    _assert_styled(page)
    page.fill(f"#qty-{chosen.pk}", str(seats))
    if ip_ranges:
        page.fill(f"#ip-{chosen.pk}", ip_ranges)
    with page.expect_navigation():
        page.click(f"#add-{chosen.pk}")
    assert _path(page) == reverse("store:cart")
    expect(page.locator("#cart-count")).to_have_text("1")
    with page.expect_navigation():
        page.click("#checkout-button")


def _client_buys_online_access(page: Any, base: str, demo: Any) -> Grant:
    _log_in(page, base, "client_a")
    _buy(page, base, "pearl-river-materials-db", "online", 2)
    order = StoreOrder.objects.filter(buyer_user=demo.client_a).latest("pk")
    payment = Payment.objects.get(purpose_type="store.order", purpose_id=str(order.pk))
    assert payment.amount_minor == order.total_minor == 900_000
    expect(page.locator("#checkout-amount")).to_have_text("¥9,000.00")
    _pay_by_card(page, payment)
    _wait_for(lambda: Grant.objects.filter(order=order).exists())
    grant = Grant.objects.get(order=order)
    assert grant.seats == 2 and grant.ends_at is not None

    page.goto(base + reverse("store:grant_list"))
    with page.expect_navigation():
        page.click(f"a[href='{reverse('store:grant_detail', args=[grant.pk])}']")
    expect(page.locator("#grant-seats")).to_have_text("2")
    pdf = page.request.get(base + page.locator("#certificate-link").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    with page.expect_navigation():
        page.click("#access-link")
    expect(page.locator("#access-content")).to_contain_text("Pearl River Materials Database")
    return grant


def _office_buys_above_the_limit(page: Any, base: str, demo: Any) -> None:
    _log_in(page, base, "staff_east")
    _buy(page, base, "pearl-river-materials-db", "transmission", 1, "198.51.100.0/24")
    order = StoreOrder.objects.filter(buyer_user=demo.staff_east).latest("pk")
    assert order.status == StoreOrder.Status.AWAITING_APPROVAL
    assert _path(page) == reverse("store:order_detail", args=[order.pk])
    expect(page.locator("#awaiting-approval")).to_be_visible()
    _log_out(page, base)

    _log_in(page, base, "director_east")
    page.goto(base + reverse("procurement:request_detail", args=[order.purchase_request_id]))
    page.click("button:has-text('Approve')")
    _wait_for(
        lambda: PurchaseRequest.objects.get(pk=order.purchase_request_id).status == PurchaseRequest.Status.APPROVED
    )
    _log_out(page, base)

    _log_in(page, base, "staff_east")
    page.goto(base + reverse("store:order_detail", args=[order.pk]))
    with page.expect_navigation():
        page.click("#pay-button")
    payment = Payment.objects.get(purpose_type="store.order", purpose_id=str(order.pk))
    _pay_by_card(page, payment)
    _wait_for(lambda: Grant.objects.filter(order=order).exists())
    page.goto(base + reverse("store:order_detail", args=[order.pk]))
    expect(page.locator("#order-grants")).to_contain_text("Pearl River")
    assert Grant.objects.get(order=order).holder_organization.code == "east"
    _log_out(page, base)


def _renewal_reminded_and_paid(page: Any, base: str, demo: Any, grant: Grant) -> StoreOrder:
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() + datetime.timedelta(days=5))
    actions.grants_remind()  # the beat task's function
    assert Notification.objects.filter(recipient=demo.client_a, verb="store.grant.reminder").count() == 1
    _log_in(page, base, "client_a")
    page.goto(base + reverse("store:grant_detail", args=[grant.pk]))
    with page.expect_navigation():
        page.click("#renew-button")
    order = StoreOrder.objects.filter(lines__grant=grant).latest("pk")
    _pay_by_card(page, Payment.objects.get(purpose_type="store.order", purpose_id=str(order.pk)))
    _wait_for(lambda: Grant.objects.get(pk=grant.pk).ends_at > timezone.now() + datetime.timedelta(days=300))
    _log_out(page, base)
    return order


def _refund_ends_the_grant(page: Any, base: str, order: StoreOrder, grant: Grant) -> None:
    order.refresh_from_db()
    _log_in(page, base, "director")
    page.goto(base + reverse("payments:payment_detail", args=[order.payment_id]))
    page.fill("#refund-form textarea[name=reason]", "Renewed by mistake")
    with page.expect_navigation():
        page.click("#refund-form button[type=submit]")
    _wait_for(lambda: Grant.objects.get(pk=grant.pk).status == Grant.Status.REVOKED)
    _log_out(page, base)


def _verification(page: Any, base: str, recorder: Recorder) -> None:
    code = (
        Grant.objects.filter(status=Grant.Status.ACTIVE, kind="transmission").latest("pk").certificate.verification_code
    )
    page.goto(base + reverse("licences:verify", args=[code]))
    expect(page.locator("#verify-result")).to_have_attribute("data-valid", "yes")
    expect(page.locator("main")).to_contain_text("Pearl River")
    forged = base + reverse("licences:verify", args=["DEAD-BEEF-0000-1111"])
    page.goto(forged)
    recorder.expect_refusal(forged, 404)
    expect(page.locator("#verify-result")).to_have_attribute("data-valid", "no")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def _seller_creates_a_disc_product(page: Any, base: str) -> Product:
    _log_in(page, base, "head_infodev")
    page.goto(base + reverse("store:sales"))
    with page.expect_navigation():
        page.click("#sales-products")
    with page.expect_navigation():
        page.click("#product-new")
    page.fill("#id_slug", "county-gazetteers-disc")
    page.select_option("#id_kind", "disc")
    page.fill("#id_name", "County Gazetteers on Disc")
    page.fill("#id_name_zh", "县志光盘版")
    page.fill("#id_summary", "Digitised county gazetteers, on disc.")
    page.fill("#id_summary_zh", "数字化县志，光盘版。")
    page.set_input_files("#id_cover_upload", files=[{"name": "cover.png", "mimeType": "image/png", "buffer": _png()}])
    with page.expect_navigation():
        page.click("#product-save")
    product = Product.objects.get(slug="county-gazetteers-disc")
    assert product.cover and not product.published
    expect(page.locator("#product-problems")).to_be_visible()
    with page.expect_navigation():
        page.click("#option-new")
    page.select_option("#id_kind", "disc")
    page.fill("#id_name", "Disc posted")
    page.fill("#id_name_zh", "光盘邮寄")
    with page.expect_navigation():
        page.click("#option-save")
    # the prices page: a dearer volume tier is refused, then fixed
    page.select_option("#id_tiers-0-buyer_type", "organisation")
    page.fill("#id_tiers-0-min_quantity", "1")
    page.fill("#id_tiers-0-unit_minor", "500")
    page.select_option("#id_tiers-1-buyer_type", "organisation")
    page.fill("#id_tiers-1-min_quantity", "5")
    page.fill("#id_tiers-1-unit_minor", "600")
    with page.expect_navigation():
        page.click("#prices-save")
    expect(page.locator("#prices-error")).to_contain_text("volume tiers cost less")
    page.fill("#id_tiers-1-unit_minor", "450")
    with page.expect_navigation():
        page.click("#prices-save")
    expect(page.locator("#option-table")).to_contain_text("¥450.00")
    with page.expect_navigation():
        page.click("#product-publish")
    expect(page.locator("#product-published")).to_have_text("Published")
    _log_out(page, base)
    return product


def _client_buys_the_disc(page: Any, base: str, demo: Any, product: Product) -> StoreOrder:
    _log_in(page, base, "client_a")
    chosen = product.options.get()
    page.goto(base + reverse("store:product_detail", args=[product.slug]))
    with page.expect_navigation():
        page.click(f"#add-{chosen.pk}")
    expect(page.locator("#shipping-fields")).to_be_visible()
    page.fill("#id_ship_name", "Fang Wei 方伟")
    page.fill("#id_ship_phone", "020-8888-1001")
    page.fill("#id_ship_address", "100 Xianlie Road, Yuexiu District, Guangzhou")
    page.fill("#id_ship_postcode", "?")
    with page.expect_navigation():
        page.click("#checkout-button")
    expect(page.locator("#messages")).to_contain_text("postcode")
    expect(page.locator("#id_ship_address")).to_have_value("100 Xianlie Road, Yuexiu District, Guangzhou")
    page.fill("#id_ship_postcode", "510070")
    with page.expect_navigation():
        page.click("#checkout-button")
    order = StoreOrder.objects.filter(buyer_user=demo.client_a).latest("pk")
    assert order.ship_postcode == "510070"
    _pay_by_card(page, Payment.objects.get(purpose_type="store.order", purpose_id=str(order.pk)))
    _wait_for(lambda: order.shipments.exists())
    _log_out(page, base)
    return order


def _seller_posts_and_buyer_confirms(page: Any, base: str, order: StoreOrder) -> None:
    shipment = order.shipments.get()
    _log_in(page, base, "head_infodev")
    page.goto(base + reverse("store:sales"))
    expect(page.locator("#discs-to-ship")).to_have_text("1")
    with page.expect_navigation():
        page.click("#sales-discs")
    expect(page.locator(f"#shipment-{shipment.pk}")).to_contain_text("Xianlie Road")
    page.fill(f"#carrier-{shipment.pk}", "SF Express")
    page.fill(f"#tracking-{shipment.pk}", "SF1002003004")
    with page.expect_navigation():
        page.click(f"#ship-{shipment.pk}")
    expect(page.locator("#shipment-empty")).to_be_visible()
    _log_out(page, base)

    _log_in(page, base, "client_a")
    page.goto(base + reverse("store:order_detail", args=[order.pk]))
    expect(page.locator("#order-shipments .tracking-number")).to_have_text("SF1002003004")
    expect(page.locator(f"#order-shipment-{shipment.pk} [data-status]")).to_have_attribute("data-status", "shipped")
    with page.expect_navigation():
        page.click(f"#deliver-{shipment.pk}")
    expect(page.locator(f"#order-shipment-{shipment.pk} [data-status]")).to_have_attribute("data-status", "delivered")
    _log_out(page, base)


def test_store_journey(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    grant = _client_buys_online_access(page, base, demo)
    _log_out(page, base)
    _office_buys_above_the_limit(page, base, demo)
    renewal = _renewal_reminded_and_paid(page, base, demo, grant)
    _refund_ends_the_grant(page, base, renewal, grant)
    _verification(page, base, recorder)
    recorder.assert_clean()


def test_store_seller_and_disc_journey(page: Any, live_server: Any, demo: Any) -> None:
    """A journey of its own (the first one already takes most of the time limit)."""
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    disc = _seller_creates_a_disc_product(page, base)
    order = _client_buys_the_disc(page, base, demo, disc)
    _seller_posts_and_buyer_confirms(page, base, order)
    recorder.assert_clean()
