"""Demo content for `seed_demo`: canned answers, two chats (one open, one closed) and a few
answered satisfaction surveys (one low score with its follow-up open). Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

CANNED = [
    (
        "Greeting",
        "问候",
        "Hello! Thank you for contacting us. How can I help you?",
        "您好！感谢您的咨询，请问有什么可以帮您？",
    ),
    (
        "Novelty search turnaround",
        "科技查新周期",
        "A novelty search usually takes five working days after payment. You can follow it under My orders.",
        "科技查新一般在付款后五个工作日内完成，您可以在“我的订单”中查看进度。",
    ),
    (
        "Opening hours",
        "服务时间",
        "Customer service is online Monday to Friday, 09:00 to 17:30 (Beijing time).",
        "在线客服时间为周一至周五 9:00–17:30（北京时间）。",
    ),
]

OPEN_CHAT = [
    ("visitor", "Hello, can you search Chinese patents for a novelty search?"),
    ("staff", "Yes, our novelty search covers CNKI, Wanfang and the CNIPA patent database."),
    ("visitor", "How long does it take?"),
]
CLOSED_CHAT = [
    ("visitor", "我想订阅行业动态剪报，怎么付款？"),
    ("staff", "您可以在服务目录中选择“剪报服务”，下单后在线支付即可。"),
    ("visitor", "好的，谢谢！"),
]


def _chat(conversation: Any, lines: list[tuple[str, str]], staff: Any) -> None:
    from marketing.support.models import ChatMessage

    start = conversation.created_at
    for seq, (side, text) in enumerate(lines, start=1):
        author = staff if side == "staff" else None
        ChatMessage.objects.create(
            conversation=conversation, seq=seq, side=side, author=author, created_at=start + timedelta(minutes=seq),
            author_name=str(staff.staff_profile.display_name) if author else "", text=text,
        )  # fmt: skip
    conversation.last_message_seq = len(lines)
    conversation.save(update_fields=["last_message_seq"])


def _seed_chats(staff: Any, client: Any) -> None:
    from marketing.support.models import ChatMessage, Conversation

    now = timezone.now()
    visitor = Conversation.objects.create(
        name="Li Ming 李明", email="li.ming@example.org", language="en", page_url="/services/",
        status=Conversation.Status.OPEN, assigned_to=staff, changed_at=now,
    )  # fmt: skip
    _chat(visitor, OPEN_CHAT, staff)
    closed = Conversation.objects.create(
        user=client, client=client.client_account, name=client.client_account.display_name, email=client.email,
        language="zh-hans", page_url="/", status=Conversation.Status.CLOSED, assigned_to=staff,
        closed_at=now - timedelta(days=2), changed_at=now - timedelta(days=2),
    )  # fmt: skip
    _chat(closed, CLOSED_CHAT, staff)
    ChatMessage.objects.create(
        conversation=closed, seq=4, side="system", text=gettext_noop("The visitor ended the chat."), params={}
    )
    closed.last_message_seq = 4
    closed.save(update_fields=["last_message_seq"])


def _seed_surveys(client: Any) -> int:
    from marketing.support import actions
    from marketing.support.models import Conversation, SurveyInvitation
    from marketing.support.permissions import customer_service_unit
    from services.models import Offering

    unit = customer_service_unit()
    offerings = list(Offering.objects.filter(department__organization__is_home=True).select_related("department")[:3])
    if unit is None:
        return 0
    closed = Conversation.objects.filter(client=client.client_account, status=Conversation.Status.CLOSED).first()
    rows = [
        ("chat", closed.pk if closed else 0, closed.name if closed else "Chat", unit, None, 10, "很快就回答了，谢谢！")
    ]
    scores = [(9, "Thorough report, delivered on time."), (5, "The report came two days late.")]
    for n, (offering, (score, comment)) in enumerate(zip(offerings, scores, strict=False), start=1):
        rows.append(("order", 900_000 + n, f"DEMO-{n} {offering.name}", offering.department, offering, score, comment))
    for months_ago, (kind, subject_id, label, department, offering, score, comment) in enumerate(rows):
        survey = SurveyInvitation.objects.create(
            kind=kind, subject_id=subject_id, subject_label=label[:300], user=client, client=client.client_account,
            department=department, offering=offering, completed_at=timezone.now() - timedelta(days=30 * months_ago + 1),
        )  # fmt: skip
        actions.survey_answer(token=survey.token, actor=client, score=score, comment=comment,
                              ratings={"speed": min(5, score // 2), "quality": 4})  # fmt: skip
        answered = timezone.now() - timedelta(days=30 * months_ago)
        SurveyInvitation.objects.filter(pk=survey.pk).update(answered_at=answered)
    return len(rows)


def seed_support_demo(stdout: Any) -> None:
    from marketing.support.models import CannedAnswer, Conversation

    User = get_user_model()
    staff = User.objects.filter(username="staff_custsvc").select_related("staff_profile").first()
    client = User.objects.filter(username="client_a").select_related("client_account").first()
    if staff is None or client is None or Conversation.objects.exists():
        return
    with transaction.atomic():
        if not CannedAnswer.objects.exists():
            for n, (title, title_zh, text, text_zh) in enumerate(CANNED):
                CannedAnswer.objects.create(title=title, title_zh=title_zh, text=text, text_zh=text_zh, sort_order=n)
        _seed_chats(staff, client)
        surveys = _seed_surveys(client)
    stdout.write(f"Customer contact demo: {len(CANNED)} canned answers, 2 chats, {surveys} answered surveys.\n")
