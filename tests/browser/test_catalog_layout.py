"""Issue 20: the union catalog's results pages hold at 390 px and 1,366 px, in English and
Chinese, for staff (status badge and office column) and for the public: no horizontal
overflow (`document.documentElement.scrollWidth <= innerWidth`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from cataloging.models import BibRecord
from tests.browser.test_journeys import _assert_styled, _log_in
from tests.cataloging.factories import make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = ((390, 844), (1366, 900))
LANGUAGES = ("en", "zh-hans")
WIDER = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
    .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + [...e.classList].join('.'))"""


def _holds(page: Any, url: str) -> None:
    page.goto(url)
    _assert_styled(page)
    assert page.locator("#results li").count() > 0, url
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{url} is {width} px wide at {inner} px: {page.evaluate(WIDER)}"


def test_catalog_results_hold_at_390_and_1366_px_in_both_languages(browser: Any, live_server: Any, demo: Any) -> None:
    from office.models import Organization

    east = Organization.objects.get(code="east")
    make_record(
        east,
        status=BibRecord.Status.APPROVED,
        title="Interdisciplinaryinformationretrievalhandbookwithoutspaces for long-word layouts",
        author="Baeza-Yates, Ricardo",
        isbn="9780201398298",
        subjects=("Information retrieval",),
        clc="G254.92",
    )
    base = live_server.url
    staff = [reverse("cataloging:record_search"), reverse("cataloging:record_search") + "?q=retrieval"]
    public = [reverse("cataloging:public_search"), reverse("cataloging:public_search") + "?q=retrieval&sort=newest"]
    for w, h in WIDTHS:
        for language in LANGUAGES:
            context = browser.new_context(viewport={"width": w, "height": h}, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(15_000)
            host = urlsplit(base).hostname
            cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}
            context.add_cookies([cookie])
            for path in public:
                _holds(page, base + path)
            _log_in(page, base, "staff_east")
            for path in staff:
                _holds(page, base + path)
            if language == "en":
                assert page.locator("#results .badge[data-status=approved]").first.inner_text() == "Approved (shared)"
            context.close()
