"""Chat actions: starting, answering, typing, transfer, closing, transcripts, staffed hours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from marketing.support import actions, selectors
from marketing.support.hours import is_staffed
from marketing.support.models import ChatMessage, Conversation
from office.exceptions import DomainError
from office.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_default_hours_are_weekdays_nine_to_half_past_five_in_shanghai(settings: Any) -> None:
    if hasattr(settings, "SUPPORT_HOURS"):
        del settings.SUPPORT_HOURS
    assert is_staffed(dt.datetime(2026, 12, 2, 9, 0, tzinfo=SH))  # a Wednesday
    assert is_staffed(dt.datetime(2026, 12, 2, 17, 29, tzinfo=SH))
    assert not is_staffed(dt.datetime(2026, 12, 2, 17, 30, tzinfo=SH))
    assert not is_staffed(dt.datetime(2026, 12, 2, 8, 59, tzinfo=SH))
    assert not is_staffed(dt.datetime(2026, 12, 5, 10, 0, tzinfo=SH))  # Saturday
    assert is_staffed(dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC))  # 10:00 in Shanghai


def test_start_creates_an_open_conversation_with_the_first_message(chat: Conversation) -> None:
    assert chat.status == Conversation.Status.OPEN
    assert chat.user is None and chat.email == "visitor@example.org" and chat.page_url == "/services/"
    assert [(m.seq, m.side, m.text) for m in chat.messages.all()] == [(1, "visitor", "Hello")]
    assert AuditEvent.objects.filter(verb="support.conversation.started").count() == 1


def test_a_signed_in_client_is_known_by_the_account(demo: Any, staffed: None) -> None:
    chat = actions.conversation_start(name="", email="", message="Hi", language="zh-hans", user=demo.client_a)
    assert chat.client == demo.client_a.client_account
    assert chat.user == demo.client_a and chat.email == demo.client_a.email and chat.language == "zh-hans"


def test_anonymous_visitor_must_give_name_and_email(demo: Any, staffed: None) -> None:
    with pytest.raises(DomainError):
        actions.conversation_start(name="", email="", message="Hi", language="en")


def test_out_of_hours_no_chat_starts(demo: Any, offline: None) -> None:
    before = Conversation.objects.count()
    with pytest.raises(DomainError):
        actions.conversation_start(name="A", email="a@example.org", message="Hi", language="en")
    assert Conversation.objects.count() == before


def test_answer_and_reply_move_the_turn(chat: Conversation, demo: Any) -> None:
    actions.staff_message_post(conversation_id=chat.pk, actor=demo.staff_custsvc, text="How can I help?")
    chat.refresh_from_db()
    assert chat.status == Conversation.Status.WAITING and chat.assigned_to == demo.staff_custsvc
    actions.visitor_message_post(token=chat.token, text="A novelty search")
    chat.refresh_from_db()
    assert chat.status == Conversation.Status.OPEN
    assert list(chat.messages.values_list("seq", "side")) == [(1, "visitor"), (2, "staff"), (3, "visitor")]


def test_only_customer_service_answers(chat: Conversation, demo: Any) -> None:
    for user in (demo.staff_infodev, demo.director, demo.client_a, demo.staff_north):
        with pytest.raises(PermissionDenied):
            actions.staff_message_post(conversation_id=chat.pk, actor=user, text="Hi")
    actions.staff_message_post(conversation_id=chat.pk, actor=demo.head_custsvc, text="Hi")


def test_empty_and_overlong_messages_are_refused(chat: Conversation) -> None:
    with pytest.raises(DomainError):
        actions.visitor_message_post(token=chat.token, text="   ")
    with pytest.raises(DomainError):
        actions.visitor_message_post(token=chat.token, text="x" * 2001)


def test_typing_marks_show_for_a_few_seconds(chat: Conversation, demo: Any) -> None:
    before = selectors.staff_poll_etag(chat.pk)
    actions.typing_mark(token=chat.token)
    chat.refresh_from_db()
    assert chat.visitor_is_typing and not chat.staff_is_typing
    assert selectors.staff_poll_etag(chat.pk) != before  # the console's poll shows it
    Conversation.objects.filter(pk=chat.pk).update(visitor_typing_at=chat.visitor_typing_at - dt.timedelta(seconds=7))
    assert selectors.staff_poll_etag(chat.pk) == before  # and forgets it after a few seconds
    actions.typing_mark(conversation_id=chat.pk, actor=demo.staff_custsvc)
    chat.refresh_from_db()
    assert chat.staff_is_typing and chat.staff_typing_name == "Wu Fang 吴芳"
    with pytest.raises(PermissionDenied):
        actions.typing_mark(conversation_id=chat.pk, actor=demo.staff_infodev)


def test_transfer_to_a_colleague_notifies_with_params(chat: Conversation, demo: Any) -> None:
    actions.conversation_transfer(conversation_id=chat.pk, actor=demo.staff_custsvc, to_user_id=demo.head_custsvc.pk)
    chat.refresh_from_db()
    assert chat.assigned_to == demo.head_custsvc
    note = Notification.objects.get(recipient=demo.head_custsvc, verb="support.conversation.transferred")
    assert note.params == {"colleague": "Wu Fang 吴芳", "visitor": "Visitor V"}
    assert note.title == "%(colleague)s passed you a chat with %(visitor)s"
    system = chat.messages.get(side=ChatMessage.Side.SYSTEM)
    with translation.override("zh-hans"):
        assert "接手" in system.display_text
    with pytest.raises(DomainError):  # not to somebody outside customer service
        actions.conversation_transfer(
            conversation_id=chat.pk, actor=demo.staff_custsvc, to_user_id=demo.staff_infodev.pk
        )


def test_closed_chat_takes_no_more_messages(chat: Conversation, demo: Any) -> None:
    actions.conversation_close(token=chat.token)
    actions.conversation_close(token=chat.token)  # twice (two tabs): nothing more happens
    chat.refresh_from_db()
    assert chat.status == Conversation.Status.CLOSED and chat.closed_at is not None
    assert chat.messages.filter(side=ChatMessage.Side.SYSTEM).count() == 1
    with pytest.raises(DomainError):
        actions.visitor_message_post(token=chat.token, text="Hello?")
    with pytest.raises(DomainError):
        actions.staff_message_post(conversation_id=chat.pk, actor=demo.staff_custsvc, text="Hi")


def test_staff_close_needs_customer_service(chat: Conversation, demo: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.conversation_close(conversation_id=chat.pk, actor=demo.staff_infodev)
    actions.conversation_close(conversation_id=chat.pk, actor=demo.staff_custsvc)
    assert AuditEvent.objects.filter(verb="support.conversation.closed", data__by="staff").exists()


def test_transcript_is_mailed_once_in_the_visitors_language(demo: Any, staffed: None) -> None:
    chat = actions.conversation_start(name="王小明", email="wang@example.cn", message="你好", language="zh-hans")
    actions.staff_message_post(conversation_id=chat.pk, actor=demo.staff_custsvc, text="您好！")
    actions.conversation_close(token=chat.token)
    actions.transcript_request(token=chat.token)
    with translation.override("en"):  # whoever runs the task, the mail is in the visitor's language
        assert actions.transcript_send(conversation_id=chat.pk) is True
        assert actions.transcript_send(conversation_id=chat.pk) is False  # a redelivered task sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang@example.cn"]
    assert message.subject == "您与客服的对话记录"
    assert "你好" in message.body and "您好！" in message.body and "Wu Fang 吴芳" in message.body
    assert "访客结束了对话。" in message.body


def test_transcript_sweep_sends_what_the_broker_lost(chat: Conversation) -> None:
    actions.transcript_request(token=chat.token)
    assert actions.transcript_sweep() == 0  # too fresh: the task has it
    Conversation.objects.filter(pk=chat.pk).update(transcript_requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert actions.transcript_sweep() == 1
    assert actions.transcript_sweep() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Your chat with customer service"
    actions.transcript_request(token=chat.token)  # asked again: sent again, by the sweep if need be
    assert actions.transcript_sweep(older_than_seconds=0) == 1
    assert len(mail.outbox) == 2


def test_transcript_search_finds_words_names_and_addresses(chat: Conversation, demo: Any) -> None:
    actions.staff_message_post(conversation_id=chat.pk, actor=demo.staff_custsvc, text="Patent databases are included")
    assert list(selectors.transcript_search("PATENT DATABASES")) == [chat]
    assert list(selectors.transcript_search("visitor@example")) == [chat]
    assert list(selectors.transcript_search("nothing like this")) == []
