"""The public site in real Chromium (issue 14, "Done when", the visitor's part): a visitor is
sent to their language, browses a CLC class, uses the A–Z index, searches once in Chinese and
finds a page, a service and a union-catalog record, reads a showcase page in Chinese, and sends
a cooperation inquiry without any JavaScript of ours; customer service finds it in the queue.

Every page must log no console error, get no response >= 400 and request nothing but 127.0.0.1.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from marketing import cache
from marketing.models import Inquiry
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _path(page: Any) -> str:
    return urlsplit(page.url).path


@pytest.mark.timeout(600)
def test_visitor_browses_searches_reads_in_chinese_and_writes_to_us(page: Any, live_server: Any, demo: Any) -> None:
    cache.invalidate()
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    base = live_server.url

    # 1. "/" sends an English browser to /en/.
    page.goto(base + "/")
    assert _path(page) == "/en/"
    _assert_styled(page)
    assert page.locator('script[type="application/ld+json"]').count() >= 1

    # 2. Browse by CLC class K (history and geography): our collection and the catalog link.
    with page.expect_navigation():
        page.click("#site-nav-subjects")
    expect(page.locator("#clc-overview")).to_be_visible()
    with page.expect_navigation():
        page.click("a[data-clc=K]")
    expect(page.locator("#clc-heading")).to_contain_text("K")
    expect(page.locator("main")).to_contain_text("Local history digital collection")
    expect(page.locator("#clc-catalog-link")).to_have_attribute(
        "href", reverse("cataloging:public_classification_browse") + "?clc=K"
    )

    # 3. The A–Z index, letter L.
    with page.expect_navigation():
        page.click("#site-nav-az")
    with page.expect_navigation():
        page.click("a[data-letter=L]")
    expect(page.locator("main")).to_contain_text("Local history digital collection")

    # 4. Switch to Chinese (a link, the same page), search once: a page, a service and a record.
    with page.expect_navigation():
        page.click("#site-lang-zh-hans")
    assert _path(page).startswith("/zh-hans/")
    page.fill("#site-search", "检索")
    with page.expect_navigation():
        page.press("#site-search", "Enter")
    for kind in ("page", "service", "record"):
        expect(page.locator(f"section[data-group={kind}] li").first).to_be_visible()
    expect(page.locator("section[data-group=record]")).to_contain_text("信息检索与利用")

    # 5. A showcase page in Chinese.
    with page.expect_navigation():
        page.locator("section[data-group=resource] a", has_text="信息检索文献索引").first.click()
    expect(page.locator("main h1")).to_have_text("信息检索文献索引")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.locator("#cta-ask")).to_be_visible()

    # 6. A cooperation inquiry, in Chinese, through the plain form.
    with page.expect_navigation():
        page.click("#cta-ask")
    page.fill("#id_name", "赵磊")
    page.fill("#id_email", "zhaolei@partner.example")
    page.fill("#id_message", "希望与贵办公室合作建设专题数据库。")
    page.wait_for_timeout(3_200)  # a person takes a few seconds; the form refuses faster senders
    with page.expect_navigation():
        page.click("#inquiry-submit")
    expect(page.locator("#inquiry-sent")).to_be_visible()
    inquiry = Inquiry.objects.get(email="zhaolei@partner.example")
    assert inquiry.language == "zh-hans" and inquiry.subject == "信息检索文献索引"

    # 7. Customer service sees it in the queue.
    _log_in(page, base, "staff_custsvc")
    with translation.override("en"):
        page.goto(base + reverse("marketing_manage:inquiry_list"))
    expect(page.locator("main")).to_contain_text("赵磊")
    recorder.assert_clean()
