"""Demo content for `seed_demo`: the service catalog and a few orders of client_a in
different states (none for client_b). Idempotent like the command."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

# code, kind, department code, pricing, price (fen), period days, turnaround, channels, name, name_zh,
# description, description_zh
# fmt: off
OFFERINGS = [
    ("novelty-search", "novelty", "topic", "quoted", None, None, 10, ["download", "email", "post"],
     "Novelty search (科技查新)", "科技查新",
     "A formal, numbered novelty search report for research proposals, patents and awards: searched in "
     "domestic and foreign databases, reviewed and signed off.",
     "为立项、专利和成果鉴定提供正式编号的查新报告：检索国内外数据库，经审核签发。"),
    ("topic-sdi", "topic", "topic", "quoted", None, None, 7, ["email", "download"],
     "Topic (SDI) service", "定题服务",
     "Selective dissemination of information on a topic you define, compiled by a subject specialist.",
     "按您确定的课题进行定题检索与信息推送，由学科馆员编制。"),
    ("tracking", "tracking", "topic", "subscription", 30_000, 30, 3, ["email", "download"],
     "Follow-up tracking", "跟踪服务",
     "Monthly tracking of new literature, patents and standards on your research topic.",
     "按月跟踪您研究课题的最新文献、专利和标准。"),
    ("clipping", "clipping", "custsvc", "subscription", 20_000, 30, 2, ["email", "download", "post"],
     "Press clipping", "剪报服务",
     "A monthly digest of newspaper and journal articles on your subjects.",
     "每月汇编与您主题相关的报刊文章。"),
    ("data-collection", "data_collection", "infodev", "quoted", None, None, 10, ["email", "download"],
     "Data collection", "数据收集",
     "Collection and tabulation of statistics and market data from published sources.",
     "从公开来源收集并整理统计与市场数据。"),
    ("compilation", "compilation", "infodev", "quoted", None, None, 15, ["email", "download", "post"],
     "Translation and compilation", "资料编译",
     "Translation, abstracting and compilation of foreign-language material.",
     "外文资料的翻译、摘要和汇编。"),
    ("technical-solution", "technical", "infodev", "quoted", None, None, 20, ["email", "download"],
     "Technical-solution service", "技术方案服务",
     "Background research for technical solutions: prior art, suppliers, feasibility.",
     "为技术方案提供背景研究：现有技术、供应商、可行性。"),
    ("consultation", "consultation", "custsvc", "fixed", 15_000, None, 2, ["email", "fax"],
     "Consultation (one hour)", "咨询服务（一小时）",
     "One hour of consultation with an information specialist, answered in writing.",
     "信息专家一小时咨询，书面答复。"),
    ("training", "training", "custsvc", "fixed", 50_000, None, 5, ["email", "post"],
     "User training (half day)", "用户培训（半天）",
     "A half-day training in database searching for your team.",
     "为您的团队提供半天的数据库检索培训。"),
]
# fmt: on


def seed_services_demo(stdout: Any) -> None:
    from office.models import ClientAccount, Department
    from services.models import Offering, ServiceOrder

    departments = {d.code: d for d in Department.objects.filter(organization__is_home=True)}
    if not departments:
        return
    for sort, row in enumerate(OFFERINGS):
        code, kind, dept, pricing, price, period, turnaround, channels, name, name_zh, desc, desc_zh = row
        if dept not in departments:
            continue
        Offering.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "department": departments[dept],
                "pricing": pricing,
                "price_minor": price,
                "period_days": period,
                "turnaround_days": turnaround,
                "delivery_channels": channels,
                "name": name,
                "name_zh": name_zh,
                "description": desc,
                "description_zh": desc_zh,
                "sort_order": sort * 10,
            },
        )

    _seed_training(departments)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["head_infodev"])}
    account = ClientAccount.objects.filter(user__username="client_a").first()
    if account is None or not users or ServiceOrder.objects.filter(client=account).exists():
        return
    # Rows written directly, like seed_demo's budgets: demo state, not news (the actions would
    # notify the head and the client, and tests count those notifications).
    head = users["head_infodev"]
    now = timezone.now()
    novelty = Offering.objects.get(code="novelty-search")
    sdi = Offering.objects.get(code="topic-sdi")
    orders = [
        ServiceOrder(
            client=account,
            offering=novelty,
            department=novelty.department,
            status=ServiceOrder.Status.QUOTED,
            topic="Graphene-coated separators for sodium-ion batteries 钠离子电池石墨烯涂层隔膜",
            keywords="graphene; separator; sodium-ion battery; 石墨烯; 隔膜",
            scope="Journals, patents (CN, US, EP) and conference papers 2015-2026.",
            delivery_channel="download",
            quoted_amount_minor=80_000,
            currency=novelty.currency,
            due_date=timezone.localdate() + timedelta(days=10),
            quote_note="Includes Chinese and English patent databases.",
            quoted_by=head,
            quoted_at=now,
        ),
        ServiceOrder(
            client=account,
            offering=sdi,
            department=sdi.department,
            topic="Corrosion inhibitors for marine concrete 海工混凝土阻锈剂",
            keywords="corrosion inhibitor; marine concrete",
            delivery_channel="email",
            currency=sdi.currency,
        ),
    ]
    for order in orders:
        order.number = f"tmp{uuid.uuid4().hex[:16]}"
        order.save()
        order.number = f"SO{timezone.localdate().year}-{order.pk:06d}"
        order.save(update_fields=["number"])
    stdout.write("Services demo: 9 offerings; two orders for client_a (one quoted, one requested).\n")


def _seed_training(departments: dict[str, Any]) -> None:
    """One upcoming session with two places (the waiting list fills after two clients)."""
    from office.models import StaffProfile
    from services.models import TrainingSession

    trainer = StaffProfile.objects.filter(user__username="staff_custsvc").select_related("user").first()
    if trainer is None or "custsvc" not in departments or TrainingSession.objects.exists():
        return
    start = (timezone.localtime() + timedelta(days=14)).replace(hour=9, minute=30, second=0, microsecond=0)
    TrainingSession.objects.create(
        title="Searching patent databases",
        title_zh="专利数据库检索",
        description="Hands-on training in CNIPA, Espacenet and the union catalog. 上机实习。",
        department=departments["custsvc"],
        trainer=trainer.user,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Training room 301",
        capacity=2,
        fee_minor=20_000,
    )
