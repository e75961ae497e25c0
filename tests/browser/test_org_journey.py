"""Org structure and technical services in real Chromium, in Chinese (issue 16, "Done when"):
the administrative assistant creates a group under information development, invites a member
who sets a password and signs in, gives the group the catalog-review function, and the member
can review records; technical services move the backup time and add a projector."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from office.models import Department, Equipment, Position
from office.schedules import ensure_periodic_tasks
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _chinese(page: Any) -> None:
    with page.expect_navigation():
        page.click('#language-form button[data-lang="zh-hans"]')


def test_assistant_builds_a_review_group_and_technical_services_keep_their_pages(
    page: Any, browser: Any, live_server: Any, demo: Any
) -> None:
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    base = live_server.url
    _log_in(page, base, "admin_assistant")
    _chinese(page)

    # A new group inside information development.
    infodev = Department.objects.get(organization__is_home=True, code="infodev")
    page.goto(base + reverse("office:org_chart"))
    _assert_styled(page)
    expect(page.locator("h1")).to_contain_text("组织结构")
    with page.expect_navigation():
        page.click(f'#org-units a[href="{reverse("office:org_unit", kwargs={"pk": infodev.pk})}"]')
    with page.expect_navigation():
        page.click(f'a[href$="?parent={infodev.pk}&kind=group"]')
    page.fill("#id_code", "metadata")
    page.fill("#id_name", "Metadata group")
    page.fill("#id_name_zh", "元数据小组")
    with page.expect_navigation():
        page.click("#unit-form button[type=submit]")
    group = Department.objects.get(organization__is_home=True, code="metadata")
    assert group.parent_id == infodev.pk
    expect(page.locator("h1")).to_contain_text("元数据小组")

    # Invite a member of the group, in Chinese.
    with page.expect_navigation():
        page.click(f'a[href$="?department={group.pk}"]')
    page.fill("#id_display_name", "Li Na 李娜")
    page.fill("#id_username", "li_na")
    page.fill("#id_email", "li.na@office.example")
    page.select_option("#id_language", "zh-hans")
    page.select_option("#id_position", str(Position.objects.get(code="staff").pk))
    with page.expect_navigation():
        page.click("#invite-form button[type=submit]")
    expect(page.locator("#person-history")).to_contain_text("人员 Li Na 李娜 已邀请")
    invitation = mail.outbox[-1]
    assert invitation.to == ["li.na@office.example"] and "内网账户" in invitation.subject
    link = re.search(r"https?://\S+", invitation.body).group(0)

    # The catalog-review function for the group.
    page.goto(base + reverse("office:org_unit", kwargs={"pk": group.pk}))
    page.check('input[name="functions"][value="catalog_review"]')
    with page.expect_navigation():
        page.click("#unit-functions-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("部门职能已保存")

    # The member sets a password from the e-mail, signs in and reviews records.
    member = browser.new_context(locale="zh-CN").new_page()
    member.set_default_timeout(20_000)
    member_recorder = Recorder(member)
    member.goto(base + urlsplit(link).path)
    member.fill("#id_new_password1", "Lantern-Moss-42")
    member.fill("#id_new_password2", "Lantern-Moss-42")
    with member.expect_navigation():
        member.click("main form button[type=submit]")
    member.goto(base + reverse("login"))
    member.fill("#id_username", "li_na")
    member.fill("#id_password", "Lantern-Moss-42")
    with member.expect_navigation():
        member.click("main form button[type=submit]")
    assert urlsplit(member.url).path == reverse("office:home")
    response = member.goto(base + reverse("cataloging:review_queue"))
    assert response.status == 200
    member_recorder.assert_clean()

    # Technical services: the backup one hour earlier, and a projector in the inventory.
    ensure_periodic_tasks()
    backup = PeriodicTask.objects.get(name="nightly backup")
    tech = browser.new_context(locale="zh-CN").new_page()
    tech.set_default_timeout(20_000)
    tech_recorder = Recorder(tech)
    _log_in(tech, base, "staff_techsvc")
    _chinese(tech)
    tech.goto(base + reverse("office:schedule_list"))
    with tech.expect_navigation():
        tech.click(f'a[href="{reverse("office:schedule_edit", kwargs={"pk": backup.pk})}"]')
    tech.fill("#id_time", "01:30")
    with tech.expect_navigation():
        tech.click("#schedule-form button[type=submit]")
    expect(tech.locator('tr[data-schedule="nightly backup"]')).to_contain_text("01:30")
    tech.goto(base + reverse("office:equipment_list"))
    with tech.expect_navigation():
        tech.click("#equipment-add")
    tech.fill("#id_asset_tag", "AV-0100")
    tech.fill("#id_name", "Meeting-room projector")
    tech.select_option("#id_kind", "av")
    tech.select_option("#id_custodian", str(Department.objects.get(organization__is_home=True, code="techsvc").pk))
    tech.fill("#id_location", "301")
    tech.fill("#id_warranty_until", "2029-06-30")
    with tech.expect_navigation():
        tech.click("#equipment-form button[type=submit]")
    expect(tech.locator("#equipment-detail")).to_contain_text("2029-06-30")
    assert Equipment.objects.filter(asset_tag="av-0100", location="301").exists()
    tech_recorder.assert_clean()
    recorder.assert_clean()
