"""Browser journeys in real Chromium against the live server (transactional database).

Every page of a journey must load its CSS and scripts from our own server, log no console
error (CSP violations included) and make no request to anything but 127.0.0.1.

Chinese: after switching, the page must say `<html lang="zh-hans">`, the 简体中文 button must be
the current one, the staff navigation must read "首页" (Home) and none of its English labels
(ENGLISH_NAV_LABELS) may remain.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

# serialized_rollback: rows written by data migrations (e.g. the first cataloging fee schedule)
# come back after each transactional flush, as on a real migrated database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ZH_HOME = "首页"  # nav "Home" (templates/partials/_nav_staff.html)

# English labels of the staff navigation that must not survive the switch to Chinese.
ENGLISH_NAV_LABELS = ["Office", "Staff directory", "Policies", "Announcements", "Budgets", "System health", "Log out"]

# Staff pages every journey visits (the navigation's links are added to these).
STAFF_PAGES = [
    "office:home",
    "office:staff_directory",
    "office:my_profile",
    "office:document_list",
    "office:announcement_list",
    "office:budget_list",
    "office:notification_list",
    "office:audit_list",
    "office:health",
    "password_change",
]


class Recorder:
    """Collects what a page does that a journey must never do."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        self.failed_responses: list[str] = []
        self.stylesheets: list[str] = []
        self.expected_refusals: set[str] = set()
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: uncaught {exc}"))
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            source = message.location.get("url") or ""
            self.console_errors.append(f"{self.page.url}: {message.text} [{source}]")

    def _on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != "127.0.0.1":
            self.foreign_requests.append(request.url)

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")
        if response.request.resource_type == "stylesheet" and response.ok:
            self.stylesheets.append(response.url)

    def expect_refusal(self, url: str, status: int) -> None:
        """A page the journey opens on purpose to see it refused (Chromium logs that as an error)."""
        self.expected_refusals.add(url)
        self.failed_responses.remove(f"{status} {url}")

    def assert_clean(self) -> None:
        console = [
            line
            for line in self.console_errors
            if not (line.split(": ", 1)[0] in self.expected_refusals and "Failed to load resource" in line)
        ]
        assert not self.foreign_requests, f"requests left 127.0.0.1: {self.foreign_requests}"
        assert not console, f"console errors: {console} (responses >= 400: {self.failed_responses})"
        assert not self.failed_responses, f"failed responses: {self.failed_responses}"


def _assert_styled(page: Any) -> None:
    """Bootstrap's stylesheet arrived and applies (not just linked)."""
    rules = page.evaluate(
        """() => [...document.styleSheets]
              .filter(s => s.href && s.href.includes('bootstrap'))
              .reduce((n, s) => n + s.cssRules.length, 0)"""
    )
    assert rules > 500, f"bootstrap CSS not loaded on {page.url} ({rules} rules)"
    # .container-xl gets Bootstrap's horizontal padding only when the CSS applies.
    padding = page.evaluate("() => getComputedStyle(document.querySelector('main')).paddingLeft")
    assert padding not in ("", "0px"), f"main is unstyled on {page.url}"


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path == reverse("office:home"), f"login as {username} failed: {page.url}"


def _log_out(page: Any, base: str) -> None:
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("#logout-button")
    assert urlsplit(page.url).path == reverse("login")
    # The session is gone: the intranet sends us back to the login page.
    page.goto(base + reverse("office:home"))
    assert urlsplit(page.url).path == reverse("login")


def test_staff_journey_in_chinese(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    assert urlsplit(base).hostname == "127.0.0.1"

    _log_in(page, base, "director")
    _assert_styled(page)
    assert page.get_attribute("html", "lang") == "en"

    with page.expect_navigation():
        page.click('button[data-lang="zh-hans"]')
    assert urlsplit(page.url).path == reverse("office:home"), "the switcher should bring us back to the same page"
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.get_attribute('button[data-lang="zh-hans"]', "aria-current") == "true"
    assert page.get_attribute('button[data-lang="en"]', "aria-current") is None
    assert page.locator("nav a.nav-link", has_text=ZH_HOME).count() >= 1, "nav 'Home' is not translated to 首页"
    # 首页 also comes from Django's own admin catalog; the project's catalog must translate the rest.
    nav_text = page.text_content("#main-nav") or ""
    untranslated = [label for label in ENGLISH_NAV_LABELS if label in nav_text]
    assert not untranslated, f"navigation still in English after switching to Chinese: {untranslated}"

    # Walk the staff pages and every page the navigation offers (the director sees them all).
    links = page.eval_on_selector_all(
        "nav a.nav-link[href^='/'], nav a.dropdown-item[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    paths = [reverse(name) for name in STAFF_PAGES] + [urlsplit(h).path for h in links]
    paths = [p for p in dict.fromkeys(paths) if not p.startswith("/admin/")]
    visited = []
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert page.get_attribute("html", "lang") == "zh-hans", f"{path} fell back to English"
        _assert_styled(page)
        visited.append(path)
    assert len(visited) >= len(STAFF_PAGES)

    _log_out(page, base)
    recorder.assert_clean()
    assert recorder.stylesheets, "no stylesheet was loaded at all"


def test_client_logs_in_and_sees_the_client_desk(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url

    _log_in(page, base, "client_a")
    _assert_styled(page)
    desk_name = demo.client_a.client_account.display_name
    assert page.locator("main h1").inner_text().strip() == f"Welcome, {desk_name}"
    assert page.locator("nav a.nav-link", has_text="My desk").count() == 1
    # No staff navigation for a client.
    assert page.locator("nav a.nav-link", has_text="System health").count() == 0
    response = page.goto(base + reverse("office:health"))
    assert response is not None and response.status == 403
    assert page.locator("main").inner_text().strip(), "the 403 page should be the styled template"
    recorder.expect_refusal(base + reverse("office:health"), 403)

    page.goto(base + reverse("office:home"))
    _log_out(page, base)
    recorder.assert_clean()
