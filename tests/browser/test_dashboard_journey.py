"""The director's dashboard in real Chromium, in Chinese (issue 16, "Done when"): the director
chooses Chinese with the language switcher (stored as their language), opens the dashboard
from the menu, drills from a department's spend to that department's purchase requests, comes
back and downloads the monthly PDF, which is in Chinese too."""

from __future__ import annotations

import subprocess
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from office.models import Department, Preference
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_director_reads_the_dashboard_in_chinese_drills_down_and_downloads_the_report(
    page: Any, live_server: Any, demo: Any, tmp_path: Any
) -> None:
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    base = live_server.url
    _log_in(page, base, "director")

    # The language switcher: the page turns Chinese and the choice is the director's own.
    with page.expect_navigation():
        page.click('#language-form button[data-lang="zh-hans"]')
    assert Preference.objects.get(user=demo.director).language == "zh-hans"

    # The menu's dashboard entry.
    page.click("#nav-office")
    with page.expect_navigation():
        page.click("#nav-dashboard")
    assert urlsplit(page.url).path == reverse("office:dashboard")
    _assert_styled(page)
    expect(page.locator("h1")).to_contain_text("主任仪表板")
    expect(page.locator("#tile-budget")).to_contain_text("预算执行情况")
    # Chart.js drew the budget chart (a canvas with pixels, not an empty element).
    page.wait_for_function(
        "() => { const c = document.querySelector('#tile-budget canvas'); return c && c.width > 0 && c.height > 0; }"
    )

    # Drill down: information development's spend -> its purchase requests.
    infodev = Department.objects.get(organization__is_home=True, code="infodev")
    link = page.locator(f'#tile-budget a[href$="?department={infodev.pk}"]')
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path == reverse("procurement:request_list")
    assert parse_qs(urlsplit(page.url).query)["department"] == [str(infodev.pk)]
    expect(page.locator("#department-filter")).to_contain_text(str(infodev.name_zh or infodev.name))
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 1
    units = {infodev.name_zh, *Department.objects.filter(parent=infodev).values_list("name_zh", flat=True)}
    for index in range(rows.count()):
        assert rows.nth(index).locator("td").nth(2).inner_text().strip() in units

    # Back on the dashboard: the period picker, then the report for that period.
    page.go_back()
    page.select_option("#id_period", "quarter")
    with page.expect_navigation():
        page.click("#period-form button[type=submit]")
    assert parse_qs(urlsplit(page.url).query)["period"] == ["quarter"]
    with page.expect_download() as download:
        page.click("#dashboard-report")
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    assert "预算执行情况" in text.decode() and "Spend against budget" not in text.decode()

    # The dashboard itself never overflows sideways on a laptop or a phone (tables scroll inside
    # their tiles). The shared navigation bar is not part of this page and not checked here.
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                .filter(e => !e.closest('.table-responsive, .dropdown-menu'))
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)"""
        )
        assert not wide, f"wider than {width}px: {wide}"

    recorder.assert_clean()
