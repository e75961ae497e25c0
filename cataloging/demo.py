"""Demo content for `seed_demo`: a small bilingual union catalog (联合联机编目).

Chinese and English books with CLC (中图法) numbers, two serials; most records went through
the real contribution workflow (submitted, reviewed, approved), a few wait in the review
queue or are drafts, and several shared records are held (馆藏) by more than one office.
Idempotent: records are recognised by their 001 control number.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from pymarc import Field, Indicators, Record, Subfield
from stdnum import ean

from cataloging import actions
from cataloging.models import BibRecord, FeeSchedule, Holding, LedgerEntry
from office.models import Organization

# title, responsibility/author, publisher, place, year, CLC, Dewey, subject, language, office, state
BOOKS = [
    ("信息检索与利用", "王敏", "高等教育出版社", "北京", 2019, "G252.7", "", "信息检索", "chi", "home", "approved"),
    ("图书馆学概论", "吴慰慈", "国家图书馆出版社", "北京", 2018, "G250", "", "图书馆学", "chi", "home", "approved"),
    ("文献编目教程", "段明莲", "北京大学出版社", "北京", 2017, "G254.3", "", "文献编目", "chi", "home", "approved"),
    (
        "中国图书馆分类法使用手册",
        "国家图书馆",
        "国家图书馆出版社",
        "北京",
        2012,
        "G254.122",
        "",
        "图书分类",
        "chi",
        "home",
        "approved",
    ),
    ("电子商务概论", "李琪", "高等教育出版社", "北京", 2020, "F713.36", "", "电子商务", "chi", "home", "approved"),
    (
        "数字图书馆建设与服务",
        "张晓林",
        "科学出版社",
        "北京",
        2016,
        "G250.76",
        "",
        "数字图书馆",
        "chi",
        "home",
        "submitted",
    ),
    (
        "网络信息资源开发与利用",
        "马费成",
        "武汉大学出版社",
        "武汉",
        2015,
        "G203",
        "",
        "网络信息资源",
        "chi",
        "east",
        "approved",
    ),
    (
        "科技查新理论与实践",
        "陈英",
        "科学技术文献出版社",
        "北京",
        2014,
        "G306",
        "",
        "科技查新",
        "chi",
        "east",
        "approved",
    ),
    (
        "馆际互借与文献传递",
        "高波",
        "北京图书馆出版社",
        "北京",
        2013,
        "G252.4",
        "",
        "馆际互借",
        "chi",
        "east",
        "approved",
    ),
    ("信息服务与用户研究", "胡昌平", "武汉大学出版社", "武汉", 2018, "G252", "", "信息服务", "chi", "east", "draft"),
    ("红楼梦", "曹雪芹", "人民文学出版社", "北京", 2008, "I242.47", "", "古典小说", "chi", "riverside", "approved"),
    ("三体", "刘慈欣", "重庆出版社", "重庆", 2008, "I247.55", "", "科幻小说", "chi", "riverside", "approved"),
    ("机器学习", "周志华", "清华大学出版社", "北京", 2016, "TP181", "", "机器学习", "chi", "riverside", "approved"),
    ("中医基础理论", "孙广仁", "中国中医药出版社", "北京", 2012, "R22", "", "中医学", "chi", "riverside", "submitted"),
    ("中国通史", "吕思勉", "中华书局", "北京", 2015, "K20", "", "中国历史", "chi", "riverside", "approved"),
    ("数据库系统概论", "王珊", "高等教育出版社", "北京", 2014, "TP311.13", "", "数据库", "chi", "home", "approved"),
    (
        "Introduction to information retrieval",
        "Manning, Christopher D.",
        "Cambridge University Press",
        "Cambridge",
        2008,
        "G354",
        "025.04",
        "Information retrieval",
        "eng",
        "home",
        "approved",
    ),
    (
        "Cataloging and classification : an introduction",
        "Chan, Lois Mai",
        "Scarecrow Press",
        "Lanham",
        2007,
        "G254",
        "025.3",
        "Cataloging",
        "eng",
        "home",
        "approved",
    ),
    (
        "The organization of information",
        "Taylor, Arlene G.",
        "Libraries Unlimited",
        "Westport",
        2009,
        "G254",
        "025",
        "Information organization",
        "eng",
        "home",
        "approved",
    ),
    (
        "Metadata",
        "Zeng, Marcia Lei",
        "ALA Neal-Schuman",
        "Chicago",
        2016,
        "G254.36",
        "025.3",
        "Metadata",
        "eng",
        "east",
        "approved",
    ),
    (
        "Library and information center management",
        "Stueart, Robert D.",
        "Libraries Unlimited",
        "Santa Barbara",
        2012,
        "G251",
        "025.1",
        "Library administration",
        "eng",
        "east",
        "approved",
    ),
    (
        "Digital libraries",
        "Arms, William Y.",
        "MIT Press",
        "Cambridge, Mass.",
        2000,
        "G250.76",
        "025.00285",
        "Digital libraries",
        "eng",
        "east",
        "approved",
    ),
    (
        "E-commerce : business, technology, society",
        "Laudon, Kenneth C.",
        "Pearson",
        "Boston",
        2019,
        "F713.36",
        "658.8",
        "Electronic commerce",
        "eng",
        "east",
        "submitted",
    ),
    (
        "Foundations of statistical natural language processing",
        "Manning, Christopher D.",
        "MIT Press",
        "Cambridge, Mass.",
        1999,
        "TP391",
        "006.35",
        "Natural language processing",
        "eng",
        "riverside",
        "approved",
    ),
    (
        "Deep learning",
        "Goodfellow, Ian",
        "MIT Press",
        "Cambridge, Mass.",
        2016,
        "TP181",
        "006.31",
        "Machine learning",
        "eng",
        "riverside",
        "approved",
    ),
    (
        "Looking for information : a survey of research on information seeking",
        "Case, Donald O.",
        "Emerald",
        "Bingley",
        2016,
        "G252",
        "025.524",
        "Information behavior",
        "eng",
        "riverside",
        "approved",
    ),
    (
        "Biomedical informatics",
        "Shortliffe, Edward H.",
        "Springer",
        "London",
        2014,
        "R319",
        "610.285",
        "Medical informatics",
        "eng",
        "riverside",
        "draft",
    ),
]
SERIALS = [
    ("中国图书馆学报", "中国图书馆学会", "1001-8867", "G25", "chi", "home"),
    ("Journal of documentation", "Emerald", "0022-0418", "G25", "eng", "east"),
]
COPIES = [  # (record index in BOOKS, copying office)
    (0, "east"),
    (0, "riverside"),
    (1, "east"),
    (4, "riverside"),
    (6, "home"),
    (7, "home"),
    (10, "home"),
    (11, "home"),
    (11, "east"),
    (12, "east"),
    (16, "riverside"),
    (19, "home"),
    (23, "home"),
    (24, "east"),
]
ACTORS = {"home": "staff_nav", "east": "staff_east", "riverside": "staff_riverside"}


def _isbn(index: int, chinese: bool) -> str:
    first12 = (f"978704{index:06d}" if chinese else f"978026{index:06d}")[:12]
    return first12 + ean.calc_check_digit(first12)


def _book(index: int, row: tuple[Any, ...]) -> Record:
    title, author, publisher, place, year, clc, dewey, subject, language = row[:9]
    chinese = language == "chi"
    record = Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    record.add_field(Field(tag="001", data=f"DEMO{index:04d}"))
    record.add_field(
        Field(tag="008", data=f"250101s{year}    {'cc ' if chinese else 'xxu'}           000 0 {language} d")
    )
    record.add_field(
        Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", _isbn(index, chinese))])
    )
    if dewey:
        record.add_field(Field(tag="082", indicators=Indicators("0", "4"), subfields=[Subfield("a", dewey)]))
    record.add_field(
        Field(tag="084", indicators=Indicators(" ", " "), subfields=[Subfield("a", clc), Subfield("2", "clc")])
    )
    record.add_field(
        Field(tag="100", indicators=Indicators("1" if "," in author else "0", " "), subfields=[Subfield("a", author)])
    )
    responsibility = f"{author}著" if chinese else " ".join(reversed(author.rstrip(".").split(", ")))
    record.add_field(
        Field(
            tag="245",
            indicators=Indicators("1", "0"),
            subfields=[Subfield("a", f"{title} /"), Subfield("c", responsibility)],
        )
    )
    record.add_field(
        Field(
            tag="264",
            indicators=Indicators(" ", "1"),
            subfields=[Subfield("a", f"{place} :"), Subfield("b", f"{publisher},"), Subfield("c", str(year))],
        )
    )
    record.add_field(
        Field(
            tag="300",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "xii, 320 p. ;"), Subfield("c", "26 cm")],
        )
    )
    record.add_field(
        Field(tag="650", indicators=Indicators(" ", "0" if not chinese else "7"), subfields=[Subfield("a", subject)])
    )
    return record


def _serial(index: int, row: tuple[Any, ...]) -> Record:
    title, publisher, issn, clc, language = row[:5]
    record = Record(force_utf8=True, leader="00000nas a2200000 i 4500")
    record.add_field(Field(tag="001", data=f"DEMO{index:04d}"))
    record.add_field(Field(tag="008", data=f"250101c19579999xx qr p       0   a0{language} d"[:40]))
    record.add_field(Field(tag="022", indicators=Indicators("0", " "), subfields=[Subfield("a", issn)]))
    record.add_field(
        Field(tag="084", indicators=Indicators(" ", " "), subfields=[Subfield("a", clc), Subfield("2", "clc")])
    )
    record.add_field(Field(tag="245", indicators=Indicators("0", "0"), subfields=[Subfield("a", title)]))
    record.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=[Subfield("b", publisher)]))
    return record


def seed_catalog(stdout: Any) -> None:
    # Migration 0002 writes the standard schedule, but a flushed database (transactional tests,
    # `manage.py flush`) has lost it; copying a demo record needs one in force.
    FeeSchedule.objects.get_or_create(
        valid_from=datetime.date(2020, 1, 1),
        defaults={
            "name": "Standard schedule",
            "currency": "CNY",
            "copy_fee_minor": 200,
            "contribution_credit_minor": 500,
        },
    )
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=[*ACTORS.values(), "head_infodev", "head_techsvc"])
    }
    offices = {o.code: o for o in Organization.objects.filter(code__in=ACTORS)}
    if len(users) < 4 or len(offices) < 3:
        return
    existing = set(BibRecord.objects.filter(control_number__startswith="DEMO").values_list("control_number", flat=True))
    items = [(i, _book(i, row), row[9], row[10]) for i, row in enumerate(BOOKS)]
    items += [(100 + i, _serial(100 + i, row), row[5], "approved") for i, row in enumerate(SERIALS)]
    created = {}
    with transaction.atomic():
        for index, marc_record, office, state in items:
            if f"DEMO{index:04d}" in existing:
                continue
            actor = users[ACTORS[office]]
            # Most shared records arrive as the hub's bulk load (import_marc --share); a few
            # go through the whole contribution workflow so the ledger has credits.
            bulk = state == "approved" and index % 5 != 0
            record = actions.record_create(
                organization=offices[office], actor=actor, marc_record=marc_record, share=bulk
            )
            created[index] = record
            if bulk or state == "draft":
                continue
            actions.record_submit(record_id=record.pk, actor=actor)
            if state == "submitted":
                continue
            actions.record_review_start(record_id=record.pk, actor=users["head_infodev"])
            actions.record_approve(record_id=record.pk, actor=users["head_infodev"], note="Checked against the book.")
        # The contributing office holds its own records (seed shortcut: no fee applies to them).
        Holding.objects.bulk_create(
            [
                Holding(
                    record=record,
                    organization_id=record.organization_id,
                    call_number=record.clc,
                    location="书库 2" if record.organization_id == offices["home"].pk else "Stacks",
                    copies=1 + index % 3,
                )
                for index, record in created.items()
            ]
        )
        for index, office in COPIES:
            if index in created:
                created[index].refresh_from_db(fields=["status"])
                if created[index].status == BibRecord.Status.APPROVED:
                    actions.record_copy(
                        record_id=created[index].pk, actor=users[ACTORS[office]], location="Main stacks"
                    )
        # Date the demo's fees and credits into last month, so a statement can be closed at once.
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        moment = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=15), datetime.time(10)))
        LedgerEntry.objects.filter(record__in=created.values(), statement__isnull=True).update(created_at=moment)
    if created:
        stdout.write(f"Union catalog: {len(created)} demo records.\n")
