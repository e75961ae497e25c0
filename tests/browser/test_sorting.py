"""Issue 20 in real Chromium: the page header and sortable tables at 1,366 px and 390 px, in
English and Chinese.

A list sorts by a click on its column header (on a phone the sortable headers stay above the
cards as a row of chips, the same links); the order, ▲/▼ and aria-sort follow the clicks, and
the sort survives paging. The pages with the header hold at both widths (no horizontal
overflow) in both languages. The docs/ui.md screenshots of the header and the sortable table
are made here (UPDATE_UI_DOCS=1 refreshes the committed copies).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from services.models import ServiceOrder
from tests.browser.test_journeys import _assert_styled, _log_in
from tests.browser.test_ux_journey import SHOTS, _no_overflow, _shot
from tests.procurement.conftest import make_request
from tests.services.factories import order_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
LANGUAGES = ("en", "zh-hans")
PRICES = (120_000, 50_000, 90_000, 70_000)


def _data(demo: Any) -> None:
    for amount, topic in zip(PRICES, ("Alpha 甲", "Beta 乙", "Gamma 丙", "Delta 丁"), strict=True):
        order_in(demo, "quoted", amount=amount, topic=f"{topic} — a long topic to see how the cards wrap 长主题")
    for quantity in (3, 1, 2):
        make_request(demo.staff_infodev, [("BH-1001", quantity)])


def _context(browser: Any, base: str, username: str, language: str, width: str) -> tuple[Any, Any]:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="en-US", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, base, username)
    host = urlsplit(base).hostname
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}])
    return context, page


def _prices(page: Any) -> list[int]:
    numbers = page.locator("#orders tbody tr td:first-child a").all_inner_texts()
    return [ServiceOrder.objects.get(number=n.strip()).quoted_amount_minor for n in numbers]


def _assert_by_price(prices: list[int | None], descending: bool) -> None:
    """Prices in order, the orders without a price (not quoted yet) last, ours among them."""
    priced = [p for p in prices if p is not None]
    assert prices[: len(priced)] == priced == sorted(priced, reverse=descending), prices
    assert set(PRICES) <= set(priced)


def _sort_by_price(page: Any, language: str, width: str) -> None:
    header = page.locator("#orders thead th:has([data-sort='price'])")
    link = header.locator("a")
    expect(link).to_be_visible()  # a column header at 1,366 px, a chip above the cards at 390 px
    with page.expect_navigation():
        link.click()
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["price"]
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(header).to_contain_text("▲")
    _assert_by_price(_prices(page), descending=False)
    _no_overflow(page)
    page.screenshot(path=str(SHOTS / f"sort-client_a-{language}-{width}-price.png"), full_page=True)
    with page.expect_navigation():
        header.locator("a").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(header).to_contain_text("▼")
    _assert_by_price(_prices(page), descending=True)
    # Another column: the price column is no longer the sorted one.
    with page.expect_navigation():
        page.locator("#orders thead [data-sort='number']").click()
    expect(header).not_to_have_attribute("aria-sort", "descending")
    expect(page.locator("#orders thead th:has([data-sort='number'])")).to_have_attribute("aria-sort", "ascending")


def _header_pages(demo: Any, language: str) -> dict[str, list[tuple[str, str]]]:
    """The pages to visit; the store's addresses carry the language (/zh-hans/store/…)."""
    with translation.override(language):
        return _header_paths(demo)


def _header_paths(demo: Any) -> dict[str, list[tuple[str, str]]]:
    order = ServiceOrder.objects.filter(client__user=demo.client_a).latest("pk")
    return {
        "client_a": [
            ("orders", reverse("services:order_list")),
            ("order", reverse("services:order_detail", args=[order.pk])),
            ("payments", reverse("payments:payment_list_mine")),
            ("store-orders", reverse("store:order_list")),
            ("cart", reverse("store:cart")),
            ("document-delivery", reverse("sharing:client_request_list")),
        ],
        "staff_infodev": [
            ("queue", reverse("services:queue")),
            ("requests", reverse("procurement:request_list") + "?sort=-total"),
            ("purchase-orders", reverse("procurement:order_list")),
            ("borrowing-desk", reverse("sharing:borrowing_desk")),
            ("lending-desk", reverse("sharing:lending_desk")),
        ],
    }


def test_a_list_sorts_by_a_click_on_its_header_at_both_widths_in_both_languages(
    browser: Any, live_server: Any, demo: Any
) -> None:
    _data(demo)
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        for language in LANGUAGES:
            context, page = _context(browser, base, "client_a", language, width)
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.goto(base + reverse("services:order_list"))
            _assert_styled(page)
            _no_overflow(page)
            if width == "phone":
                expect(page.locator("#orders thead th:has([data-sort='status'])")).to_be_visible()
                expect(page.locator("#orders thead tr")).to_have_attribute(
                    "data-sort-label", "Sort by" if language == "en" else "排序"
                )
            _sort_by_price(page, language, width)
            assert not errors, errors
            context.close()


def test_pages_with_the_header_hold_at_both_widths_in_both_languages(browser: Any, live_server: Any, demo: Any) -> None:
    _data(demo)
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    for username in ("client_a", "staff_infodev"):
        for width in WIDTHS:
            for language in LANGUAGES:
                pages = _header_pages(demo, language)[username]
                context, page = _context(browser, base, username, language, width)
                for name, path in pages:
                    page.goto(base + path)
                    _no_overflow(page)
                    crumbs = page.locator("main .page-header .breadcrumb")
                    expect(crumbs).to_be_visible()
                    expect(crumbs.locator("[aria-current='page']")).to_have_count(1)
                    box = page.locator("main .page-header").bounding_box()
                    assert box and box["x"] + box["width"] <= WIDTHS[width][0], f"{path}: the header is cut off"
                    page.screenshot(
                        path=str(SHOTS / f"header-{username}-{language}-{width}-{name}.png"), full_page=True
                    )
                context.close()


def test_the_page_header_and_sortable_table_for_docs_ui(browser: Any, live_server: Any, demo: Any) -> None:
    _data(demo)
    base = live_server.url
    context, page = _context(browser, base, "staff_infodev", "en", "desktop")
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(base + reverse("procurement:request_list") + "?sort=-total")
    _shot(page.locator("main .page-header"), "page-header-breadcrumbs")
    _shot(page.locator("#requests"), "table-sortable")
    context.close()
    context, page = _context(browser, base, "client_a", "zh-hans", "phone")
    page.goto(base + reverse("services:order_list") + "?sort=-price")
    _no_overflow(page)
    _shot(page.locator("main .page-header"), "page-header-phone")
    page.evaluate("() => document.querySelectorAll('#orders tbody tr:nth-child(n+2)').forEach(r => r.remove())")
    _shot(page.locator("#orders"), "table-sort-phone")
    context.close()
