"""Customer contact end to end in real Chromium (issue 14, "Done when").

A visitor opens the chat widget on a public page (the public site's showcase, served from the
cache), starts a chat; staff_custsvc (a second
browser) sees it arrive in the console without reloading, answers, and the answer appears in
the visitor's widget without reloading (htmx polls with ETag/304). Then client_a, whose
service order was completed, answers the satisfaction survey the sweep sent, and the
director's survey dashboard and the marketing dashboard show the answer.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from marketing import cache
from marketing.support import actions
from marketing.support.models import Conversation, SurveyInvitation
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in
from tests.support.conftest import ALWAYS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_visitor_chats_with_customer_service_live(
    page: Any, browser: Any, live_server: Any, demo: Any, settings: Any
) -> None:
    settings.SUPPORT_HOURS = ALWAYS
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url

    # The visitor, on the public site's showcase (a page served from the cache, built without
    # htmx: the widget loads it), opens the widget and starts a chat.
    cache.invalidate()
    with translation.override("en"):
        showcase = reverse("marketing:showcase_list")
    page.goto(base + showcase)
    _assert_styled(page)
    expect(page.locator("aside.support-widget[data-htmx-ready=true]")).to_have_count(1)
    page.click("#support-open")
    expect(page.locator("#support-panel #support-chat")).to_be_visible()
    page.fill("#support-name", "Zhou Min")
    page.fill("#support-email", "zhou.min@example.org")
    page.fill("#support-message", "Do you search Chinese patents?")
    page.click("#support-chat button[type=submit]")
    expect(page.locator("#support-panel .chat-log")).to_contain_text("Do you search Chinese patents?")
    chat = Conversation.objects.get(email="zhou.min@example.org")
    assert chat.page_url == showcase

    # Customer service sees it in the console (a second browser), opens it and answers.
    staff = browser.new_context().new_page()
    staff.set_default_timeout(15_000)
    staff_recorder = Recorder(staff)
    _log_in(staff, base, "staff_custsvc")
    staff.goto(base + reverse("support:console"))
    expect(staff.locator("#console-list")).to_contain_text("Zhou Min")
    with staff.expect_navigation():
        staff.click(f'#console-list a[href="{reverse("support:console_conversation", args=[chat.pk])}"]')
    expect(staff.locator(".chat-log")).to_contain_text("Do you search Chinese patents?")
    staff.fill("#reply-text", "Yes: CNIPA and CNKI patents <b>both</b>.")
    staff.click("#reply-send")
    expect(staff.locator(".chat-log")).to_contain_text("CNIPA and CNKI patents <b>both</b>.")

    # The visitor's widget shows the answer without a reload, as text (never as HTML).
    log = page.locator("#support-panel .chat-log")
    expect(log).to_contain_text("CNIPA and CNKI patents <b>both</b>.", timeout=12_000)
    assert page.locator("#support-panel .chat-log b").count() == 0
    assert urlsplit(page.url).path == showcase

    # The visitor writes again; the console shows it live too.
    page.fill("#support-text", "Thank you!")
    page.click("#support-chat button[type=submit]")
    expect(staff.locator(".chat-log")).to_contain_text("Thank you!", timeout=12_000)
    staff.click("#console-conversation button.btn-outline-danger")
    expect(staff.locator("#console-conversation")).to_contain_text("Customer service ended the chat.")
    chat.refresh_from_db()
    assert chat.status == Conversation.Status.CLOSED and chat.assigned_to == demo.staff_custsvc

    recorder.assert_clean()
    staff_recorder.assert_clean()


def test_client_answers_a_survey_and_the_dashboard_shows_it(page: Any, live_server: Any, demo: Any) -> None:
    from tests.services.factories import order_in

    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    order = order_in(demo, "completed")
    actions.survey_invitation_sweep()
    survey = SurveyInvitation.objects.get(kind="order", subject_id=order.pk)

    _log_in(page, base, "client_a")
    page.goto(base + reverse("support:my_surveys"))
    with page.expect_navigation():
        page.click(f'a[href="{reverse("support:survey_answer", args=[survey.token])}"]')
    page.check("input[name=score][value='3']")
    page.fill("#id_comment", "Delivered late, but the search was thorough.")
    page.select_option("#id_rating_quality", "5")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("#survey-score")).to_have_text("3 / 10")
    survey.refresh_from_db()
    assert survey.score == 3 and survey.ratings == {"quality": 5} and survey.follow_up.status == "open"

    page.context.clear_cookies()
    _log_in(page, base, "director")
    page.goto(base + reverse("support:survey_dashboard"))
    expect(page.locator("#survey-recent")).to_contain_text("Delivered late, but the search was thorough.")
    expect(page.locator("#follow-ups")).to_be_visible()
    assert page.evaluate("() => typeof window.Chart") == "function"
    assert page.locator("#survey-month-chart").bounding_box()["height"] > 50  # Chart.js drew it

    # The marketing dashboard counts the answer too, beside its charts.
    page.goto(base + reverse("marketing_manage:dashboard"))
    from marketing.support.selectors import survey_rollup

    answers = survey_rollup(user=demo.director)["overall"]["count"]  # the demo's and client_a's
    expect(page.locator("#dashboard-answers")).to_have_text(str(answers))
    assert page.locator("#chart-views").bounding_box()["height"] > 50
    recorder.assert_clean()
