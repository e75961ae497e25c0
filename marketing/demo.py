"""Demo content for `seed_demo` (registered in apps.py): the site's pages, sponsors and
partners, news and a campaign, the office's databases and collections, the CLC subject tree
with curated links, and two inquiries. Idempotent: nothing is added once the pages exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cataloging.classification import CLC_CLASSES

PAGES = [
    (
        "about",
        "about",
        "About us and our mission",
        "关于我们与使命",
        "Who we are: an information office serving research and industry.",
        "我们是谁：服务科研与产业的信息办公室。",
        "We are an information office on e-commerce. Our mission is to make information services easy to find, "
        "order and pay for online.\n\n## What we do\n\n- information retrieval and topic services\n"
        "- database development\n"
        "- consultation and training",
        "我们是一家电子商务环境下的信息办公室，使命是让信息服务可以在网上方便地查找、订购和支付。\n\n## 我们做什么\n\n"
        "- 信息检索与课题服务\n- 专题数据库开发\n- 咨询与培训",
    ),
    (
        "history",
        "image",
        "Our image and history",
        "形象与历史",
        "From a reading room to a networked information office.",
        "从阅览室到网络化的信息办公室。",
        "Founded as a reference reading room, the office became the hub of a network of member offices.",
        "办公室由参考阅览室发展而来，如今是成员办公室网络的中心。",
    ),
    (
        "services-overview",
        "services",
        "Our information services",
        "信息服务概览",
        "Topic (SDI), novelty search, tracking, clipping, translation and consultation.",
        "定题、查新、跟踪、剪报、编译与咨询服务。",
        "We offer topic (SDI) services, novelty searches, follow-up tracking, clipping, data collection, translation "
        "and compilation, technical solutions, consultation and user training.",
        "我们提供定题服务、查新服务、跟踪服务、剪报服务、数据收集、翻译编译、技术方案、咨询与用户培训。",
    ),
    (
        "cooperation",
        "cooperation",
        "Cooperation",
        "合作",
        "Work with us: joint databases, sponsorship, shared services.",
        "与我们合作：联合建库、赞助、共享服务。",
        "We cooperate with libraries, universities and companies on joint databases and shared services. "
        "Send us an inquiry and customer service will answer by e-mail.",
        "我们与图书馆、高校和企业在联合建库和共享服务方面开展合作。请发送合作咨询，客户服务部将通过电子邮件答复。",
    ),
]

RESOURCES = [
    (
        "ecommerce-law",
        "database",
        "E-commerce law and policy database",
        "电子商务法规政策数据库",
        "Laws, regulations and policy documents on e-commerce in China since 1999, with abstracts.",
        "1999年以来我国电子商务领域的法律法规与政策文件，附摘要。",
        "1999–2026",
        "1999–2026年",
        ["D", "F"],
        "law, e-commerce, policy",
        "",
    ),
    (
        "local-history",
        "collection",
        "Local history digital collection",
        "地方志数字化特藏",
        "Digitised local gazetteers and historical maps of the region, free to read.",
        "本地区地方志与历史地图的数字化特藏，免费阅读。",
        "1700–1949",
        "1700–1949年",
        ["K"],
        "history, gazetteers, maps",
        "https://example.org/local-history",
    ),
    (
        "patent-abstracts",
        "database",
        "Patent abstracts of industrial technology",
        "工业技术专利文摘库",
        "Abstracts of Chinese and foreign patents in industrial technology, indexed by CLC class.",
        "工业技术领域国内外专利文摘，按中图法分类标引。",
        "2005–2026",
        "2005–2026年",
        ["T"],
        "patents, technology",
        "",
    ),
    (
        "information-science",
        "database",
        "Information retrieval literature index",
        "信息检索文献索引",
        "An index of journal articles on information retrieval and library science.",
        "信息检索与图书馆学期刊论文索引。",
        "1990–2026",
        "1990–2026年",
        ["G"],
        "information retrieval, library science",
        "",
    ),
]

PARTNERS = [
    ("sponsor", "Provincial Science and Technology Fund", "省科技基金会", "https://example.org/fund"),
    ("partner", "University Library Consortium", "高校图书馆联盟", "https://example.org/consortium"),
    ("partner", "Regional E-commerce Association", "地区电子商务协会", "https://example.org/association"),
]

LINKS = [
    ("D", "National law database", "国家法律法规数据库", "https://flk.npc.gov.cn/", None),
    ("F", "E-commerce law and policy database", "电子商务法规政策数据库", "", "ecommerce-law"),
    ("G", "Information retrieval literature index", "信息检索文献索引", "", "information-science"),
    ("G", "IFLA", "国际图联", "https://www.ifla.org/", None),
    ("T", "Espacenet patent search", "Espacenet 专利检索", "https://worldwide.espacenet.com/", None),
]  # fmt: skip


def seed_marketing_demo(stdout: Any) -> None:
    from marketing import actions
    from marketing.models import Page

    User = get_user_model()
    editor = User.objects.filter(username="staff_custsvc").first() or User.objects.filter(username="director").first()
    if editor is None or Page.objects.exists():
        return
    with transaction.atomic():
        for slug, kind, title, title_zh, summary, summary_zh, body, body_zh in PAGES:
            actions.page_save(
                actor=editor, slug=slug, kind=kind, title=title, title_zh=title_zh, summary=summary,
                summary_zh=summary_zh, body=body, body_zh=body_zh, is_published=True,
            )  # fmt: skip
        subjects = _subjects(User.objects.filter(username="director").first() or editor)
        _resources(editor, subjects)
        _links(editor, subjects)
        _partners_and_news(editor)
        _inquiries()
    stdout.write("Marketing demo: site pages, resources, subject navigation, partners, news and two inquiries.\n")


def _subjects(actor: Any) -> dict[str, Any]:
    from marketing import actions

    return {
        cls.code: actions.subject_save(
            actor=actor, code=cls.code, name=str(cls.name), name_zh=cls.name_zh, sort_order=i
        )
        for i, cls in enumerate(CLC_CLASSES)
    }


def _resources(editor: Any, subjects: dict[str, Any]) -> None:
    from marketing import actions

    for slug, kind, title, title_zh, abstract, abstract_zh, coverage, coverage_zh, codes, tags, free in RESOURCES:
        actions.resource_save(
            actor=editor, slug=slug, kind=kind, title=title, title_zh=title_zh, abstract=abstract,
            abstract_zh=abstract_zh, coverage=coverage, coverage_zh=coverage_zh, tags=tags, fulltext_url=free,
            sample=f"**{title}**: sample record\n\n| Field | Value |\n|---|---|\n| Title | {title} |",
            sample_zh=f"**{title_zh}** 样例记录", access_terms="Free to browse; full records for clients.",
            access_terms_zh="免费浏览；完整记录面向客户。", is_published=True,
            subjects=[subjects[c] for c in codes],
        )  # fmt: skip


def _links(editor: Any, subjects: dict[str, Any]) -> None:
    from marketing import actions
    from marketing.models import Resource

    for code, title, title_zh, url, slug in LINKS:
        resource = Resource.objects.filter(slug=slug).first() if slug else None
        actions.subject_link_save(
            actor=editor, subject=subjects[code], title=title, title_zh=title_zh, url=url, resource=resource
        )


def _partners_and_news(editor: Any) -> None:
    from marketing import actions

    for i, (kind, name, name_zh, url) in enumerate(PARTNERS):
        actions.partner_save(actor=editor, kind=kind, name=name, name_zh=name_zh, url=url, sort_order=i)
    now = timezone.now()
    actions.news_save(
        actor=editor, slug="novelty-search-week", title="Novelty search week: 20% off", title_zh="查新服务周：八折优惠",
        body="All novelty searches ordered this month are 20% off.", body_zh="本月订购的查新服务一律八折。",
        publish_from=now - dt.timedelta(days=2), publish_until=now + dt.timedelta(days=28), campaign="novelty-week",
    )  # fmt: skip
    actions.news_save(
        actor=editor, slug="new-patent-database", title="New: patent abstracts database",
        title_zh="新上线：工业技术专利文摘库",
        body="Our patent abstracts database is now on line.", body_zh="工业技术专利文摘库现已上线。",
        publish_from=now - dt.timedelta(days=10),
    )  # fmt: skip


def _inquiries() -> None:
    from marketing import actions

    actions.inquiry_create(
        kind="cooperation", name="Li Na 李娜", email="lina@partner.example", organisation="City University Library",
        subject="Joint database of local history", message="We would like to build a joint database with you.",
        language="zh-hans",
    )  # fmt: skip
    actions.inquiry_create(
        kind="general", name="John Smith", email="john@example.com", subject="Access to the patent database",
        message="How can our company get access to the patent abstracts?",
    )  # fmt: skip
