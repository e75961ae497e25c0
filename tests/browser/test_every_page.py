"""Issue 20, item 5 for every role at once: each page a role's navigation offers, and the first
record each of those lists links to, opened in Chromium at 1,366 px and 390 px in English and
Chinese. On every page: Bootstrap applies, no horizontal overflow (`scrollWidth <= innerWidth`),
no uncaught script error, and on Chinese pages none of the English UI words the outside look
found; a full-page screenshot of each goes under var/screenshots/every-page/ (CI artifacts, not
committed) for a person to look at.

The pages come from the navigation the role is shown, not from a list kept here, so a page a
later issue adds to a menu is checked without anyone remembering to add it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.browser.test_journeys import _assert_styled, _log_in
from tests.browser.test_ux_journey import WIDER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "every-page"
# Looked at in this order: a phone first, as a phone user loads it; then the same page widened
# (a chart drawn narrow never widens the wider page; the 1,366 px bar is still checked).
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}
# After a resize, charts (Chart.js) redraw on their ResizeObserver: two frames and a moment.
SETTLE = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
    () => setTimeout(done, document.querySelector('canvas') ? 300 : 0))))"""
LANGUAGES = ("en", "zh-hans")
ROLES = [
    "director",
    "admin_assistant",
    "head_infodev",
    "staff_infodev",
    "staff_custsvc",
    "staff_techsvc",
    "director_east",
    "staff_east",
    "client_a",
    None,  # an anonymous visitor
]
# Links that are not pages to look at: leaving the app, downloads, feeds, the admin.
SKIP = re.compile(r"^/(static|media|admin)/|\.(pdf|csv|xml|txt|png|jpg)(\?|$)|/download|/export|/feed|logout|/i18n/")
# UI words that showed in English on Chinese pages before the pass (data such as a vendor's own
# English product name may stay English; these are the interface's words).
ENGLISH_UI = re.compile(
    r"\b(Status|Search|Cancel|Save|Submit|Previous|Next|Approve|Reject|Actions|Amount|Created|Nothing"
    r"|Filter|Clear|Details|Page \d+ of|Assigned to me|In progress|Order placed|Attention|None|True|False)\b"
)

NAV_LINKS = """() => [...document.querySelectorAll('nav.site-nav a[href]')]
    .map(a => a.getAttribute('href')).filter(h => h && h.startsWith('/'))"""
# The first record a list page links to: a link in a table row or a list's item.
FIRST_RECORD = """() => { const a = document.querySelector(
    'main table tbody tr a[href^="/"], main .list-group a.list-group-item[href^="/"]');
    return a ? a.getAttribute('href') : null; }"""
CHINESE_TEXT = """() => { const main = document.querySelector('main'); if (!main) return '';
    const copy = main.cloneNode(true);
    copy.querySelectorAll('code, pre, kbd, .font-monospace, [lang="en"], [translate="no"], .user-content')
        .forEach(e => e.remove());
    return copy.innerText; }"""


def _pages(page: Any, base: str, start: str) -> tuple[list[str], list[str]]:
    """The start page and every page the navigation offers; then the first record of each list."""
    page.goto(base + start)
    found = [start, *page.evaluate(NAV_LINKS)]
    pages = list(dict.fromkeys(link for link in found if not SKIP.search(link) and link != "#"))
    records = []
    for link in pages:
        page.goto(base + link)
        record = page.evaluate(FIRST_RECORD)
        if record and not SKIP.search(record) and record not in pages:
            records.append(record)
    return pages, list(dict.fromkeys(records))


def _check(page: Any, url: str, language: str) -> list[str]:
    """What is wrong with the page at `url` (the page is already open)."""
    problems = []
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > sizes[1]:
        problems.append(f"{url} is {sizes[0]} px wide at {sizes[1]} px: {page.evaluate(WIDER, False)}")
    if language != "en":
        english = sorted(set(ENGLISH_UI.findall(page.evaluate(CHINESE_TEXT))))
        if english:
            problems.append(f"{url} shows English UI words on the Chinese page: {english}")
    return problems


def _look(page: Any, path: str, shot: str | None, language: str) -> list[str]:
    """The open page at each width (one load: the layout follows the viewport), a screenshot of
    each when `shot` names the page."""
    problems = []
    for width, size in WIDTHS.items():
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.evaluate(SETTLE)
        problems += [f"{language} {width}: {p}" for p in _check(page, path, language)]
        if shot:
            page.screenshot(path=str(SHOTS / f"{shot}-{width}.jpg"), full_page=True, type="jpeg", quality=50)
    return problems


def _tour(browser: Any, base: str, username: str | None) -> list[str]:
    """Every page twice (English, Chinese), each looked at 1,366 and 390 px wide; screenshots of
    the pages the navigation offers (the records opened from them are checked, not kept)."""
    role = username or "anonymous"
    problems: list[str] = []
    for language in LANGUAGES:
        with translation.override(language):  # the public site's addresses carry the language
            start = reverse("office:home") if username else reverse("cataloging:public_search")
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(f"{page.url}: {exc}"))
        if username:
            _log_in(page, base, username)
        host = urlsplit(base).hostname
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}])
        pages, records = _pages(page, base, start)
        for n, path in enumerate(pages + records):
            page.set_viewport_size({"width": 390, "height": 844})
            response = page.goto(base + path)
            assert response is not None and response.ok, f"{role} {path}: {response and response.status}"
            _assert_styled(page)
            shot = f"{role}-{language}-{n:02d}" if n < len(pages) else None
            problems += [f"{role} {p}" for p in _look(page, path, shot, language)]
        problems += errors
        context.close()
    return problems


@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_a_role_reaches_holds_at_both_widths_in_both_languages(
    browser: Any, live_server: Any, demo: Any, username: str | None
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = _tour(browser, live_server.url, username)
    assert not problems, "\n".join(problems)
