"""Issue 20 in real Chromium: the pages of the services, payments and procurement flows as
client_a and as staff, at 1,366 px and 390 px, in English and Chinese.

Every page visited: no horizontal overflow (`scrollWidth <= innerWidth`), Bootstrap applied,
no uncaught script error, and a full-page screenshot under var/screenshots/ (CI artifacts, not
committed). Then the flows the pass changed: a fixed-price order goes straight to the card
page, paying lands on the order's thank-you view, cancelling asks in a dialog that says what
happens, and an htmx action that fails with 4xx shows its message where the user clicked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from procurement import actions as procurement_actions
from services import actions
from services.models import Offering, OrderFile, ServiceOrder
from tests.browser.test_journeys import _assert_styled, _log_in
from tests.procurement.conftest import make_request
from tests.services.factories import order_in, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
LANGUAGES = ("en", "zh-hans")
# English words the changed pages showed on Chinese pages before the pass.
ENGLISH_LEFT = (
    "Cancel the order",
    "Decline the quote",
    "Go back",
    "in_transit",
    "Order placed",
    "Assigned to me",
    "Ordered",
    "In progress",
    "Service order SO",
)


WIDER = """(skipNav) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
    .filter(e => !(skipNav && e.closest('.navbar')))
    .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + [...e.classList].join('.'))"""


def _no_overflow(page: Any) -> None:
    """`scrollWidth <= innerWidth`, the top navigation included (it holds at 1,366 px for every
    role since the "More" menu, tests/browser/test_navigation.py)."""
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] <= sizes[1]:
        return
    wider = page.evaluate(WIDER, False)
    raise AssertionError(f"{page.url} overflows: {sizes[0]} px wide at {sizes[1]} px: {wider}")


def _visit(page: Any, url: str, name: str, role: str, language: str, width: str) -> None:
    page.goto(url)
    _assert_styled(page)
    _no_overflow(page)
    if language != "en":
        text = page.locator("main").inner_text()
        for english in ENGLISH_LEFT:
            assert english not in text, f"{english!r} on the Chinese page {url}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ux-{role}-{language}-{width}-{name}.png"), full_page=True)


def _tour(browser: Any, base: str, username: str, pages: list[tuple[str, str]]) -> None:
    for width, (w, h) in WIDTHS.items():
        for language in LANGUAGES:
            context = browser.new_context(viewport={"width": w, "height": h}, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            _log_in(page, base, username)
            host = urlsplit(base).hostname
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
            )
            for name, path in pages:
                _visit(page, base + path, name, username, language, width)
            assert not errors, errors
            context.close()


def _data(demo: Any) -> dict[str, Any]:
    quoted = order_in(demo, "quoted", topic="Solid-state electrolyte patents 固态电解质专利")
    working = order_in(demo, "in_progress", topic="Graphene separator literature 石墨烯隔膜文献")
    actions.order_file_add(
        order_id=working.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind=OrderFile.Kind.DELIVERABLE
    )
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    procurement_actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    po = procurement_actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)[0]
    procurement_actions.tracking_manual_update(order_id=po.pk, actor=demo.director, status="in_transit", message="")
    return {"quoted": quoted, "working": working, "po": po}


def test_changed_pages_hold_at_both_widths_in_both_languages(browser: Any, live_server: Any, demo: Any) -> None:
    data = _data(demo)
    base = live_server.url
    _tour(
        browser,
        base,
        "client_a",
        [
            ("orders", reverse("services:order_list")),
            ("order-quoted", reverse("services:order_detail", args=[data["quoted"].pk])),
            ("order-working", reverse("services:order_detail", args=[data["working"].pk])),
            ("payments", reverse("payments:payment_list_mine")),
        ],
    )
    _tour(
        browser,
        base,
        "staff_infodev",
        [
            ("queue", reverse("services:queue")),
            ("orders-mine", reverse("services:order_list") + "?view=mine"),
            ("order-deliver", reverse("services:order_detail", args=[data["working"].pk]) + "?channel=post"),
            ("catalog", reverse("procurement:catalog_search")),
            ("cart", reverse("procurement:cart")),
            ("purchase-order", reverse("procurement:order_detail", args=[data["po"].pk])),
        ],
    )


def test_fixed_price_checkout_thank_you_and_confirmed_cancel(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(15_000)
    base = live_server.url
    _log_in(page, base, "client_a")
    offering = Offering.objects.get(code="consultation")
    page.goto(base + reverse("services:order_create", args=[offering.code]))
    page.fill("#id_topic", "Patent search strategy 专利检索策略")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    # Straight to the card page: no quote to accept.
    assert "/checkout/" in page.url, page.url
    page.fill("#id_card_number", "4000000000000341")  # declined: stays on the form
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    with page.expect_navigation():
        page.click("#submit-payment")
    expect(page.locator("#card-form")).to_contain_text("Your card was declined.")
    page.fill("#id_card_number", "4242424242424242")
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    with page.expect_navigation():
        page.click("#submit-payment")
    order = ServiceOrder.objects.filter(client__user=demo.client_a).latest("pk")
    assert urlsplit(page.url).path == reverse("services:order_detail", args=[order.pk])
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#order-progress")).to_be_visible()
    _no_overflow(page)

    # Cancelling the paid order: a dialog says the money goes back to the card; "Go back" does nothing.
    page.goto(base + reverse("services:order_detail", args=[order.pk]))
    page.click("#cancel-button")
    dialog = page.locator("#cancel-confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("¥150.00 will be refunded to the card")
    dialog.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.PAID
    page.click("#cancel-button")
    with page.expect_navigation():
        dialog.locator("[data-confirm-accept]").click()
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.REFUNDED


def test_a_failed_htmx_action_shows_its_message_where_the_user_clicked(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(15_000)
    base = live_server.url
    _log_in(page, base, "staff_infodev")
    page.goto(base + reverse("services:queue"))
    # An htmx button whose target is gone (404) and one the role may not use (403).
    for probe, url in (
        ("gone", reverse("services:order_start", args=[999_999])),
        ("refused", reverse("payments:payment_list")),
    ):
        page.evaluate(
            """([id, url]) => {
                const form = document.createElement('form');
                const button = document.createElement('button');
                button.id = id; button.type = 'button'; button.textContent = id;
                button.setAttribute(url.includes('orders') ? 'hx-post' : 'hx-get', url);
                form.appendChild(button);
                document.querySelector('main').prepend(form);
                htmx.process(form);
            }""",
            [probe, url],
        )
        page.click(f"#{probe}")
        near = page.locator(f"form:has(#{probe}) + .htmx-failure")
        expect(near).to_be_visible()
        expect(page.locator("#messages #htmx-failure")).to_be_visible()
    expect(page.locator("form:has(#gone) + .htmx-failure")).to_contain_text("Something went wrong")
    expect(page.locator("form:has(#refused) + .htmx-failure")).to_contain_text("You may not do this.")


# --- docs/ui.md: a screenshot of each piece of the design system ----------------------------------
# Written under var/screenshots/ui/ on every run; with UPDATE_UI_DOCS=1 also into docs/ui/ (the
# committed copies docs/ui.md shows). Element screenshots, so each file stays small.
UI_SHOTS = [SHOTS / "ui"] + ([Path(settings.BASE_DIR) / "docs" / "ui"] if os.environ.get("UPDATE_UI_DOCS") else [])


def _shot(locator: Any, name: str) -> None:
    expect(locator).to_be_visible()
    # The chat button floats over whatever is at the bottom right: not part of the piece.
    locator.page.evaluate(
        """() => document.querySelectorAll('body *').forEach(e => {
            if (getComputedStyle(e).position === 'fixed' && !e.closest('.modal')) e.style.visibility = 'hidden';
        })"""
    )
    for folder in UI_SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=str(folder / f"{name}.png"), animations="disabled")


def test_the_design_system_pieces_for_docs_ui(browser: Any, live_server: Any, demo: Any) -> None:
    data = _data(demo)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-US", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, base, "staff_infodev")

    # Page header: title, the page's actions, the views as pills.
    page.goto(base + reverse("services:queue"))
    header = page.locator("main > div:has(> h1)").first
    _shot(header, "page-header")
    # Data table with status badges, people's names, money and dates in the reader's format.
    page.goto(base + reverse("services:order_list"))
    _shot(page.locator("#orders"), "table")
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    _no_overflow(page)
    _shot(page.locator("#orders tbody tr").first, "table-cards-phone")
    page.set_viewport_size({"width": 1024, "height": 800})
    # Status badges: one of each colour the workflows declare (purchase requests and orders).
    page.goto(base + reverse("procurement:request_list"))
    page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.id = 'badge-specimen'; box.className = 'd-inline-flex flex-wrap gap-2 p-2';
            const seen = new Set();
            for (const b of document.querySelectorAll('main [data-status]')) {
                if (seen.has(b.className)) continue;
                seen.add(b.className); box.appendChild(b.cloneNode(true));
            }
            document.querySelector('main').prepend(box);
        }"""
    )
    _shot(page.locator("#badge-specimen"), "badges")
    # Money and dates: the purchase order's header (¥ with two decimals, one date format per language).
    page.goto(base + reverse("procurement:order_list"))
    _shot(page.locator("#purchase-orders"), "money-and-dates")
    # htmx error: a request that fails says so where the user clicked.
    page.goto(base + reverse("services:queue"))
    page.evaluate(
        """(url) => {
            const form = document.createElement('form');
            form.id = 'failing-form'; form.className = 'p-2';
            const button = document.createElement('button');
            button.type = 'button'; button.className = 'btn btn-sm btn-primary'; button.textContent = 'Start work';
            button.setAttribute('hx-post', url);
            form.appendChild(button);
            const wrap = document.createElement('div'); wrap.id = 'htmx-error-specimen'; wrap.style.maxWidth = '40rem';
            wrap.appendChild(form);
            document.querySelector('main').prepend(wrap);
            htmx.process(form);
        }""",
        reverse("services:order_start", args=[999_999]),
    )
    page.click("#failing-form button")
    expect(page.locator("#failing-form + .htmx-failure")).to_be_visible()
    _shot(page.locator("#htmx-error-specimen"), "htmx-error")
    context.close()

    # Client side: the form layout after an error, and the confirmation dialog of a money-moving action.
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-US", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, base, "client_a")
    offering = Offering.objects.get(code="consultation")
    page.goto(base + reverse("services:order_create", args=[offering.code]))
    page.evaluate("() => document.querySelectorAll('main form [required]').forEach(e => e.removeAttribute('required'))")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    _shot(page.locator("main form").first, "form-layout")
    page.goto(base + reverse("services:order_detail", args=[data["quoted"].pk]))
    page.click("#cancel-button")
    dialog = page.locator("#cancel-confirm .modal-content")
    _shot(dialog, "confirm-dialog")
    context.close()
