"""Permission-matrix entries for customer contact (marketing/support/urls.py, namespace "support").

Format: see the docstring of tests/permissions/test_url_matrix.py. The visitor's chat is public:
its URLs carry the chat's token (the anonymous visitor's key), so every role gets the same
answer; refused or empty forms go back to the chat page. The console is customer service's
(none of the matrix roles is in customer service: the director, home leadership, may look on;
writing in a chat is customer service's alone, tested in tests/support/test_views.py).
Survey results are for the leadership office and department heads; a follow-up in customer
service is not head_infodev's (404).
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect

CHAT = Redirect("support:chat")
CONSOLE = expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403)
ANSWER = expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=403)
NOT_GET = everyone(405)


def _chat(demo: Any) -> dict[str, Any]:
    from marketing.support.models import Conversation

    conversation = Conversation.objects.create(name="Matrix", email="matrix@example.org")
    return {"token": conversation.token}


def _conversation(demo: Any) -> dict[str, Any]:
    from marketing.support.models import Conversation

    return {"pk": Conversation.objects.create(name="Matrix", email="matrix@example.org").pk}


def _canned(demo: Any) -> dict[str, Any]:
    from marketing.support.models import CannedAnswer

    return {"pk": CannedAnswer.objects.create(title="Matrix", text="Hello").pk}


def _survey(demo: Any) -> Any:
    from django.utils import timezone

    from marketing.support.models import SurveyInvitation
    from marketing.support.permissions import customer_service_unit

    return SurveyInvitation.objects.create(
        kind="chat", subject_id=777_777, subject_label="Matrix chat", user=demo.client_a,
        client=demo.client_a.client_account, department=customer_service_unit(), completed_at=timezone.now(),
    )  # fmt: skip


def _survey_token(demo: Any) -> dict[str, Any]:
    return {"token": _survey(demo).token}


def _follow_up(demo: Any) -> dict[str, Any]:
    from marketing.support.models import SurveyFollowUp

    survey = _survey(demo)
    return {"pk": SurveyFollowUp.objects.create(survey=survey, department=survey.department).pk}


EXPECTATIONS = [
    Entry("support:chat", get=everyone(200)),
    Entry("support:widget", get=everyone(200)),
    Entry("support:chat_start", get=NOT_GET, post=everyone(CHAT)),
    Entry("support:chat_offline", get=NOT_GET, post=everyone(CHAT)),
    Entry("support:chat_poll", kwargs=_chat, get=everyone(200)),
    Entry("support:chat_send", kwargs=_chat, get=NOT_GET, post=everyone(CHAT)),
    Entry("support:chat_typing", kwargs=_chat, get=NOT_GET, post=everyone(204)),
    Entry("support:chat_close", kwargs=_chat, get=NOT_GET, post=everyone(CHAT)),
    Entry("support:chat_transcript", kwargs=_chat, get=NOT_GET, post=everyone(CHAT)),
    Entry("support:console", get=CONSOLE),
    Entry("support:console_poll", get=CONSOLE),
    Entry("support:transcripts", get=CONSOLE),
    Entry("support:canned_list", get=CONSOLE, post=ANSWER),
    Entry("support:canned_edit", kwargs=_canned, get=CONSOLE, post=ANSWER),
    Entry("support:console_conversation", kwargs=_conversation, get=CONSOLE),
    Entry("support:console_log", kwargs=_conversation, get=CONSOLE),
    Entry("support:console_reply", kwargs=_conversation, get=ANSWER, post=ANSWER),
    Entry("support:console_typing", kwargs=_conversation, get=ANSWER, post=ANSWER),
    Entry("support:console_transfer", kwargs=_conversation, get=ANSWER, post=ANSWER),
    Entry("support:console_close", kwargs=_conversation, get=ANSWER, post=ANSWER),
    Entry(
        "support:survey_dashboard",
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
    ),
    Entry(
        "support:my_surveys", get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403)
    ),
    Entry(
        "support:survey_answer",
        kwargs=_survey_token,
        get=expect(anon=LOGIN, client=200, staff=404, head=404, director=404, other_office=404),
        post=expect(anon=LOGIN, client=200, staff=404, head=404, director=404, other_office=404),
    ),
    Entry(
        "support:follow_up_detail",
        kwargs=_follow_up,
        get=expect(anon=LOGIN, client=403, staff=403, head=404, director=200, other_office=403),
    ),
    Entry(
        "support:follow_up_close",
        kwargs=_follow_up,
        get=expect(anon=LOGIN, client=403, staff=403, head=405, director=405, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=404, director=200, other_office=403),
    ),
]
