"""Issue 20 in real Chromium: the top navigation of every role, in English and Chinese.

At 1,366 px the page is no wider than the window (`scrollWidth <= innerWidth`), the whole bar
sits inside it, the user menu (or the log-in link) and the language switcher are visible, and
"More" opens inside the window. At 390 px the menu is folded behind the toggler and opens to
show the user menu. A screenshot of each state goes to var/screenshots/ (CI artifacts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_journeys import _assert_styled, _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# anonymous, client, staff, head, director, member-office staff, customer service
ROLES = ["", "client_a", "staff_infodev", "head_infodev", "director", "staff_east", "staff_custsvc"]
LANGUAGES = ("en", "zh-hans")
# Nothing of the bar may reach past the window's right edge.
OUTSIDE = """() => [...document.querySelectorAll('nav.site-nav *')]
    .filter(e => e.getClientRects().length && !e.closest('.dropdown-menu'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName + '#' + e.id)"""


def _sizes(page: Any) -> tuple[int, int]:
    return tuple(page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]"))


def _start(username: str) -> str:
    return reverse("office:home") if username else reverse("cataloging:public_search")


def _check_desktop(page: Any, who: str, language: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    page.screenshot(path=str(SHOTS / f"nav-{who}-{language}-desktop-closed.png"))
    scroll, inner = _sizes(page)
    assert scroll <= inner, f"{who} ({language}): the page is {scroll} px wide at {inner} px"
    assert not page.evaluate(OUTSIDE), f"{who} ({language}): past the edge: {page.evaluate(OUTSIDE)}"
    bar = page.evaluate("() => document.querySelector('nav.site-nav').getBoundingClientRect().height")
    assert bar < 70, f"{who} ({language}): the bar wraps onto a second line ({bar} px high)"
    expect(page.locator("#nav-toggler")).to_be_hidden()
    expect(page.locator("#language-form")).to_be_visible()
    expect(page.locator(f'#language-form button[data-lang="{language}"]')).to_have_attribute("aria-current", "true")
    if who == "anonymous":
        expect(page.locator("#nav-login")).to_be_visible()
        expect(page.locator("#nav-more")).to_have_count(0)
    else:
        expect(page.locator("#user-menu")).to_be_visible()
        box = page.locator("#user-menu").bounding_box()
        assert box and box["x"] + box["width"] <= inner, f"{who} ({language}): the user menu is cut off"
        page.click("#nav-more")
        menu = page.locator("#nav-more + .dropdown-menu")
        expect(menu).to_be_visible()
        box = menu.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= inner, f"{who}: 'More' opens off-screen"
        page.screenshot(path=str(SHOTS / f"nav-{who}-{language}-desktop.png"))
        page.keyboard.press("Escape")
    if language == "zh-hans":
        text = page.locator("nav.site-nav").inner_text()
        for english in ("More", "Log in", "Home", "Purchasing", "Union catalog", "My payments"):
            assert english not in text, f"{english!r} left in the Chinese navigation of {who}"


def _check_phone(page: Any, who: str, language: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    scroll, inner = _sizes(page)
    assert scroll <= inner, f"{who} ({language}): the page is {scroll} px wide at {inner} px"
    expect(page.locator("#nav-toggler")).to_be_visible()
    expect(page.locator("#main-nav")).to_be_hidden()
    page.click("#nav-toggler")
    target = page.locator("#nav-login" if who == "anonymous" else "#user-menu")
    target.scroll_into_view_if_needed()
    expect(target).to_be_visible()
    expect(page.locator("#language-form")).to_be_visible()
    scroll, inner = _sizes(page)
    assert scroll <= inner, f"{who} ({language}): the open menu is {scroll} px wide at {inner} px"
    page.screenshot(path=str(SHOTS / f"nav-{who}-{language}-phone.png"))


@pytest.mark.parametrize("username", ROLES)
def test_the_navigation_holds_at_1366_and_folds_at_390(
    browser: Any, live_server: Any, demo: Any, username: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    who = username or "anonymous"
    for language in LANGUAGES:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        if username:
            _log_in(page, base, username)
        page.goto(base + _start(username))
        if language != "en":
            with page.expect_navigation():
                page.click(f'#language-form button[data-lang="{language}"]')
        assert page.get_attribute("html", "lang") == language
        _assert_styled(page)
        _check_desktop(page, who, language)
        _check_phone(page, who, language)
        assert not errors, errors
        context.close()
