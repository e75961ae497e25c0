"""Text for the reader: a notification written while the actor reads English reaches a
Chinese reader in Chinese — on the page and in the e-mail (office/texts.py)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from office import actions
from office.models import Notification, Preference
from office.texts import language_for, money, render, render_for, tr, when
from tests import factories

pytestmark = pytest.mark.django_db


def _notice(reader) -> Notification:
    with translation.override("en"):  # the actor works in English
        return actions.notify(
            recipient_id=reader.pk,
            verb="tests.notice",
            title=gettext_noop("Purchase order %(number)s"),
            body=gettext_noop("Please find our purchase order %(number)s attached."),
            params={"number": "PO-7"},
            url="/intranet/",
        )


def test_stored_as_message_id_and_rendered_in_the_active_language():
    reader = factories.client_user()
    notification = _notice(reader)
    notification.refresh_from_db()
    assert notification.title == "Purchase order %(number)s"
    assert notification.params == {"number": "PO-7"}
    with translation.override("zh-hans"):
        assert notification.title_text == "订单 PO-7"
    with translation.override("en"):
        assert notification.title_text == "Purchase order PO-7"


def test_a_chinese_reader_sees_the_page_in_chinese(client):
    reader = factories.client_user()
    _notice(reader)
    client.force_login(reader)
    with translation.override("en"):  # the middleware's choice stays inside this test
        page = client.get(reverse("office:notification_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "订单 PO-7" in page.content.decode()
    assert "Purchase order PO-7" not in page.content.decode()


def test_the_email_goes_out_in_the_recipients_language(django_capture_on_commit_callbacks):
    reader = factories.client_user()
    Preference.objects.create(user=reader, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=False):
        notification = _notice(reader)
    assert actions.notification_send_email(notification_id=notification.pk)
    assert mail.outbox[-1].subject == "订单 PO-7"
    assert mail.outbox[-1].body.startswith("随附我方订单 PO-7，请查收。")


def test_without_a_preference_the_site_language_is_used():
    reader = factories.client_user()
    assert language_for(reader) == "en"
    assert language_for(None) == "en"


def test_legacy_text_is_shown_as_stored():
    assert render("Already in some language", None) == "Already in some language"


def test_parameters_are_rendered_for_the_reader():
    reader = factories.client_user()
    Preference.objects.create(user=reader, language="zh-hans")
    import datetime

    params = {"number": tr(gettext_noop("Purchase order %(number)s")), "amount": money(35000, "CNY"),
              "day": when(datetime.date(2026, 12, 2))}  # fmt: skip
    text = render_for(reader, "%(number)s %(amount)s %(day)s", params)
    assert text.startswith("订单 %(number)s ¥350.00")
    assert "2026" in text


def test_a_broken_translation_falls_back_to_the_source():
    # A parameter the caller did not pass: never an exception on a page.
    assert render("Order %(number)s", {}) == "Order %(number)s"
