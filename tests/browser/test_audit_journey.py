"""Issue 20 in real Chromium: the director reads the audit log and a person's history as
sentences, in English and Chinese, at 1,366 px and 390 px — no raw minor units, True/None or
event codes as the text, and no page wider than the window. Screenshots go to var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.test_journeys import _assert_styled, _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _language(page: Any, language: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})  # the switcher is folded on a phone
    with page.expect_navigation():
        page.click(f'#language-form button[data-lang="{language}"]')


def _check(page: Any, name: str, language: str) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        _assert_styled(page)
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name} ({language}, {width}): the page is {scroll} px wide"
        page.screenshot(path=str(SHOTS / f"audit-{name}-{language}-{width}.png"), full_page=True)


def test_the_director_reads_the_audit_log_and_a_history(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    _log_in(page, base, "director")
    person = demo.staff_infodev
    for language in ("en", "zh-hans"):
        _language(page, language)
        page.goto(base + reverse("office:audit_list"))
        _check(page, "log", language)
        summaries = page.locator("#audit-table .audit-summary > .audit-sentence").all_inner_texts()
        assert summaries, "the demo's log is empty"
        body = page.locator("#audit-table").inner_text()
        assert "_minor" not in body and "True" not in body and "None" not in body
        codes = page.locator("#audit-table .audit-summary > .audit-sentence").evaluate_all(
            "spans => spans.map(s => s.title)"
        )
        assert all(code not in text for code, text in zip(codes, summaries, strict=True))
        if language == "zh-hans":
            assert all(CJK.search(text) for text in summaries), summaries
        page.goto(base + reverse("office:audit_list") + "?verb=office.")
        _check(page, "log-office", language)
        page.goto(base + reverse("office:org_person", kwargs={"user_id": person.pk}))
        _check(page, "history", language)
        history = page.locator("#person-history").inner_text()
        assert "office.staff" not in history
