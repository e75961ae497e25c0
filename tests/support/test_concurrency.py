"""Messages arriving together from both sides on PostgreSQL: every one stored, numbered once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from marketing.support import actions
from marketing.support.models import ChatMessage, Conversation

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_messages_are_all_stored_in_one_order(demo: Any, settings: Any) -> None:
    from tests.support.conftest import ALWAYS

    assert connection.vendor == "postgresql"
    settings.SUPPORT_HOURS = ALWAYS
    chat = actions.conversation_start(name="V", email="v@example.org", message="start", language="en")
    staff = demo.staff_custsvc
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def send(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for k in range(5):
                if n % 2:
                    actions.visitor_message_post(token=chat.token, text=f"v{n}-{k}")
                else:
                    actions.staff_message_post(conversation_id=chat.pk, actor=staff, text=f"s{n}-{k}")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    chat.refresh_from_db()
    seqs = list(ChatMessage.objects.filter(conversation=chat).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, 62))  # the first message and 12 x 5, none lost or doubled
    assert chat.last_message_seq == 61
    last = ChatMessage.objects.filter(conversation=chat).order_by("-seq").first()
    expected = Conversation.Status.OPEN if last.side == "visitor" else Conversation.Status.WAITING
    assert chat.status == expected  # whose turn follows the last message stored
