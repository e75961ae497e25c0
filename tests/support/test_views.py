"""The chat's pages: the widget, the no-JavaScript page, ETag/304 polls, HTML never rendered,
rate limits, the console."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from marketing.support import actions, selectors
from marketing.support.models import Conversation

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script><b onmouseover="y">bold</b>'


def _start(client: Client, **extra: Any) -> Conversation:
    data = {"name": "Visitor V", "email": "v@example.org", "message": "Hello", "page": "/catalog/", **extra}
    response = client.post(reverse("support:chat_start"), data)
    assert response.status_code == 302, response
    return Conversation.objects.get(token=client.session[selectors.SESSION_KEY])


def test_widget_is_a_plain_link_without_javascript_and_hidden_from_staff(demo: Any) -> None:
    page = Client().get(reverse("support:my_surveys"), follow=True)  # the login page: any page with base.html
    html = page.content.decode()
    assert 'id="support-open"' in html and 'href="/support/chat/?from=' in html
    assert 'hx-get="/support/chat/widget/"' in html
    staff_page = demo.client("staff_custsvc").get(reverse("support:console")).content.decode()
    assert 'id="support-open"' not in staff_page


def test_chat_page_without_javascript_starts_and_continues_a_chat(demo: Any, staffed: None) -> None:
    client = Client()
    page = client.get(reverse("support:chat") + "?from=/services/")
    assert page.status_code == 200 and 'name="message"' in page.content.decode()
    chat = _start(client)
    assert chat.page_url == "/catalog/"
    response = client.post(reverse("support:chat_send", args=[chat.token]), {"text": "Second"})
    assert response.status_code == 302 and response["Location"] == reverse("support:chat")
    html = client.get(reverse("support:chat")).content.decode()
    assert "Hello" in html and "Second" in html


def test_htmx_start_answers_with_the_chat_fragment(demo: Any, staffed: None) -> None:
    client = Client()
    response = client.post(
        reverse("support:chat_start"),
        {"name": "V", "email": "v@example.org", "message": "Hi there"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/services/"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="support-chat"' in html and "Hi there" in html
    assert Conversation.objects.get(token=client.session[selectors.SESSION_KEY]).page_url == "/services/"
    bad = client.post(reverse("support:chat_start"), {"message": "x"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()


def test_honeypot_refuses_bots(demo: Any, staffed: None) -> None:
    before = Conversation.objects.count()
    Client().post(
        reverse("support:chat_start"), {"name": "B", "email": "b@example.org", "message": "spam", "website": "x"}
    )
    assert Conversation.objects.count() == before


def test_poll_is_304_after_one_query_when_nothing_changed(
    demo: Any, staffed: None, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    chat = _start(client)
    url = reverse("support:chat_poll", args=[chat.token])
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and f'data-etag="{etag}"'.replace('"', "&quot;", 0)
    poller = Client()  # a widget's poll: no session needed, the token is in the URL
    with django_assert_max_num_queries(1):
        again = poller.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    actions.staff_message_post(conversation_id=chat.pk, actor=demo.staff_custsvc, text="Answer")
    changed = poller.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag and "Answer" in changed.content.decode()
    actions.typing_mark(conversation_id=chat.pk, actor=demo.staff_custsvc)
    typing = poller.get(url, headers={"If-None-Match": changed["ETag"]})
    assert typing.status_code == 200 and "is typing" in typing.content.decode()


def test_the_log_carries_its_etag_for_the_next_poll(demo: Any, staffed: None) -> None:
    client = Client()
    chat = _start(client)
    response = client.get(reverse("support:chat_poll", args=[chat.token]))
    found = re.search(r'data-etag="([^"]*)"', response.content.decode())
    assert found and found.group(1).replace("&quot;", '"') == response["ETag"]


def test_console_polls_are_304_when_nothing_changed(demo: Any, staffed: None) -> None:
    staff = demo.client("staff_custsvc")
    url = reverse("support:console_poll")
    etag = staff.get(url)["ETag"]
    assert staff.get(url, headers={"If-None-Match": etag}).status_code == 304
    chat = _start(Client())
    changed = staff.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Visitor V" in changed.content.decode()
    log_url = reverse("support:console_log", args=[chat.pk])
    log_etag = staff.get(log_url)["ETag"]
    assert staff.get(log_url, headers={"If-None-Match": log_etag}).status_code == 304
    actions.visitor_message_post(token=chat.token, text="More")
    assert staff.get(log_url, headers={"If-None-Match": log_etag}).status_code == 200


def test_html_in_messages_is_never_rendered(demo: Any, staffed: None) -> None:
    visitor = Client()
    chat = _start(visitor, name="<i>Eve</i>", message=EVIL)
    actions.staff_message_post(conversation_id=chat.pk, actor=demo.staff_custsvc, text=EVIL)
    staff = demo.client("staff_custsvc")
    pages = [
        visitor.get(reverse("support:chat")),
        visitor.get(reverse("support:chat_poll", args=[chat.token])),
        staff.get(reverse("support:console_conversation", args=[chat.pk])),
        staff.get(reverse("support:console_log", args=[chat.pk])),
        staff.get(reverse("support:console")),
        staff.get(reverse("support:transcripts") + "?q=script"),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html and "<b onmouseover" not in html and "<i>Eve</i>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0].content.decode()
    assert chat.messages.first().text == EVIL  # stored as typed, plain text


def test_console_reply_with_a_canned_answer_in_the_visitors_language(demo: Any, staffed: None) -> None:
    from marketing.support.models import CannedAnswer

    visitor = Client()
    visitor.cookies["django_language"] = "zh-hans"
    chat = _start(visitor)
    assert chat.language == "zh-hans"
    canned = CannedAnswer.objects.create(title="Hi", text="Hello!", text_zh="您好！")
    staff = demo.client("staff_custsvc")
    response = staff.post(reverse("support:console_reply", args=[chat.pk]), {"text": "", "canned": canned.pk})
    assert response.status_code == 302
    assert chat.messages.last().text == "您好！"


def test_console_shows_the_visitors_context(demo: Any, staffed: None) -> None:
    from tests.services.factories import order_in

    order = order_in(demo, "requested")
    client = demo.client("client_a")
    chat = _start(client, name="", email="")
    assert chat.client is not None
    html = demo.client("staff_custsvc").get(reverse("support:console_conversation", args=[chat.pk])).content.decode()
    assert order.number in html and "/catalog/" in html and demo.client_a.email in html


def test_console_transfer_and_close_from_the_page(demo: Any, staffed: None) -> None:
    chat = _start(Client())
    staff = demo.client("staff_custsvc")
    response = staff.post(
        reverse("support:console_transfer", args=[chat.pk]),
        {"to_user_id": demo.head_custsvc.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'id="console-conversation"' in response.content.decode()
    staff.post(reverse("support:console_close", args=[chat.pk]))
    chat.refresh_from_db()
    assert chat.assigned_to == demo.head_custsvc and chat.status == Conversation.Status.CLOSED


def test_leadership_may_look_on_but_not_write(demo: Any, staffed: None) -> None:
    chat = _start(Client())
    director = demo.client("director")
    assert director.get(reverse("support:console_conversation", args=[chat.pk])).status_code == 200
    assert director.post(reverse("support:console_reply", args=[chat.pk]), {"text": "Hi"}).status_code == 403
    assert demo.client("staff_north").get(reverse("support:console")).status_code == 403  # custsvc of another office


def test_messages_are_rate_limited_per_chat(demo: Any, staffed: None) -> None:
    client = Client()
    chat = _start(client)
    url = reverse("support:chat_send", args=[chat.token])
    codes = [client.post(url, {"text": f"m{n}"}).status_code for n in range(41)]
    assert codes[:40] == [302] * 40 and codes[40] == 429
    assert chat.messages.count() == 41  # the first message and forty more


def test_transcript_request_from_the_chat(demo: Any, staffed: None, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    chat = _start(client)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("support:chat_transcript", args=[chat.token]))
    assert response.status_code == 302 and len(callbacks) == 1
    chat.refresh_from_db()
    assert chat.transcript_requested_at is not None and chat.transcript_sent_at is None


def test_canned_answers_are_kept_by_customer_service(demo: Any) -> None:
    staff = demo.client("staff_custsvc")
    data = {
        "title": "Thanks",
        "title_zh": "感谢",
        "text": "Thank you!",
        "text_zh": "谢谢！",
        "sort_order": 5,
        "is_active": "on",
    }
    assert staff.post(reverse("support:canned_list"), data).status_code == 302
    from marketing.support.models import CannedAnswer

    assert CannedAnswer.objects.get(title="Thanks").text_for("zh-hans") == "谢谢！"
    assert demo.client("director").post(reverse("support:canned_list"), data).status_code == 403


def test_chinese_pages_have_no_english_left(demo: Any, staffed: None) -> None:
    visitor = Client()
    visitor.cookies["django_language"] = "zh-hans"
    html = visitor.get(reverse("support:chat")).content.decode()
    assert "在线咨询" in html and "开始咨询" in html and "Start the chat" not in html
    staff = demo.client("staff_custsvc")
    staff.cookies["django_language"] = "zh-hans"
    console = staff.get(reverse("support:console")).content.decode()
    assert "在线咨询工作台" in console and "No open chats" not in console and "Assigned to" not in console
