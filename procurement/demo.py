"""Demo purchasing for `seed_demo`: vendors (one manual, one clearly-labelled SIMULATED API
vendor whose orders advance by themselves), bilingual catalogs with the same ISBN at two
vendors, and a few requests in different states, made through the real actions.
Idempotent: vendors by code, and the requests only once (recognised by their justification).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from office.models import Budget, Organization
from procurement import actions
from procurement.models import Licence, PurchaseRequest, Vendor, VendorItem

VENDORS = [
    # code, name, name_zh, integration, email, payee, lead days
    (
        "bookhub",
        "BookHub Online Books",
        "书网在线图书",
        Vendor.Integration.MANUAL,
        "orders@bookhub.example",
        "BookHub Trading Co.",
        10,
    ),
    (
        "sim-api",
        "Simulated API vendor (demo) – DataStream",
        "模拟接口供应商（演示）",
        Vendor.Integration.SIMULATED,
        "api@sim-vendor.example",
        "DataStream Demo Ltd.",
        7,
    ),
    ("officemart", "OfficeMart Supplies", "办公用品超市", Vendor.Integration.MANUAL, "sales@officemart.example", "", 5),
]

# vendor code, sku, title, title_zh, kind, format, isbn, term months, price (fen)
ITEMS = [
    (
        "bookhub",
        "BH-1001",
        "Information Retrieval and Use",
        "信息检索与利用",
        "book",
        "print",
        "9787040512345",
        None,
        4_500,
    ),
    (
        "sim-api",
        "DS-1001",
        "Information Retrieval and Use",
        "信息检索与利用",
        "book",
        "print",
        "9787040512345",
        None,
        4_200,
    ),
    (
        "bookhub",
        "BH-1002",
        "Introduction to Library Science",
        "图书馆学概论",
        "book",
        "print",
        "9787501365284",
        None,
        5_800,
    ),
    (
        "sim-api",
        "DS-1002",
        "Introduction to Library Science",
        "图书馆学概论",
        "book",
        "print",
        "9787501365284",
        None,
        6_100,
    ),
    (
        "bookhub",
        "BH-2001",
        "Journal of Information Science (annual)",
        "情报学报（全年）",
        "journal",
        "print",
        "",
        None,
        96_000,
    ),
    (
        "sim-api",
        "DS-3001",
        "China Academic Journals full-text database",
        "中国学术期刊全文数据库",
        "database",
        "usage_right",
        "",
        12,
        1_200_000,
    ),
    ("sim-api", "DS-3002", "Patent abstracts online", "专利文摘在线", "e_resource", "electronic", "", None, 380_000),
    ("officemart", "OM-001", "A4 copy paper, 5 reams", "A4复印纸（5包）", "supplies", "print", "", None, 12_500),
    ("officemart", "OM-002", "Document scanner", "文档扫描仪", "equipment", "print", "", None, 560_000),
]

DEMO_TAG = "[demo]"


def seed_procurement(stdout: Any) -> None:
    home = Organization.objects.filter(is_home=True).first()
    if home is None:
        return
    with transaction.atomic():
        vendors = {}
        for code, name, name_zh, integration, email, payee, days in VENDORS:
            vendors[code], _ = Vendor.objects.get_or_create(
                organization=home,
                code=code,
                defaults={
                    "name": name,
                    "name_zh": name_zh,
                    "integration": integration,
                    "email": email,
                    "payee_name": payee,
                    "lead_time_days": days,
                    "contact_name": "Sales desk 销售部",
                    "phone": "+86 10 5555 0100",
                    "payment_terms": "Online payment on order 下单即付",
                    "webhook_secret": "demo-webhook-secret" if integration != Vendor.Integration.MANUAL else "",
                },
            )
        for code, sku, title, title_zh, kind, fmt, isbn, term, price in ITEMS:
            VendorItem.objects.get_or_create(
                vendor=vendors[code],
                sku=sku,
                defaults={
                    "title": title,
                    "title_zh": title_zh,
                    "kind": kind,
                    "format": fmt,
                    "isbn": isbn,
                    "term_months": term,
                    "price_minor": price,
                },
            )
    if PurchaseRequest.objects.filter(organization=home, justification__startswith=DEMO_TAG).exists():
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["staff_infodev", "staff_custsvc", "head_infodev", "head_custsvc", "director"]
        )
    }
    if len(users) < 5:
        return
    items = {i.sku: i for i in VendorItem.objects.filter(vendor__organization=home)}
    year = timezone.localdate().year

    def request(user: Any, lines: list[tuple[str, int]], why: str) -> PurchaseRequest:
        for sku, quantity in lines:
            actions.cart_add(actor=user, item_id=items[sku].pk, quantity=quantity)
        budget = Budget.objects.get(department=user.staff_profile.department, fiscal_year=year)
        return actions.purchase_request_create_from_cart(
            actor=user, budget_id=budget.pk, justification=f"{DEMO_TAG} {why}"
        )

    with transaction.atomic():
        request(users["staff_infodev"], [("OM-001", 2)], "Paper for the topic-service reports 课题报告用纸")
        pr = request(users["staff_infodev"], [("BH-1002", 3)], "Textbooks for new staff 新员工教材")
        actions.purchase_request_submit(request_id=pr.pk, actor=users["staff_infodev"])
        pr = request(users["staff_infodev"], [("DS-3001", 1)], "Full-text database for topic services 课题服务全文库")
        actions.purchase_request_submit(request_id=pr.pk, actor=users["staff_infodev"])
        actions.purchase_request_approve(request_id=pr.pk, actor=users["head_infodev"], comment="Needed for SDI 需要")
        pr = request(
            users["staff_custsvc"], [("DS-1001", 5), ("BH-2001", 1)], "Training books and journal 培训用书与期刊"
        )
        actions.purchase_request_submit(request_id=pr.pk, actor=users["staff_custsvc"])
        actions.purchase_request_approve(request_id=pr.pk, actor=users["head_custsvc"])
        orders = actions.purchase_request_place_orders(request_id=pr.pk, actor=users["staff_custsvc"])
        today = timezone.localdate()
        Licence.objects.get_or_create(
            organization=home,
            vendor=vendors["sim-api"],
            title="Patent abstracts online 专利文摘在线",
            defaults={
                "starts_on": today - datetime.timedelta(days=340),
                "ends_on": today + datetime.timedelta(days=25),
                "concurrent_users": 5,
                "permitted_sites": "Main office 本部",
                "ip_ranges": "10.0.0.0/16",
                "terms": "Staff and walk-in users; no systematic downloading. 限本馆用户，禁止批量下载。",
            },
        )
    for order in orders:
        if order.vendor.integration == Vendor.Integration.SIMULATED:
            actions.purchase_order_send(order_id=order.pk)
    stdout.write("Procurement demo: vendors (incl. the simulated API vendor), catalogs, requests, orders.")
