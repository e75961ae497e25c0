"""Demo content for `seed_demo`: products of the special digital-resource group with every
licence kind and tier prices, a campaign coupon, and paid orders with grants for client_a
(online access, two seats) and the East office (transmission right). Idempotent."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from office.uploads import save_upload

# slug, kind, name, name_zh, summary, summary_zh, subjects
# fmt: off
PRODUCTS = [
    ("pearl-river-materials-db", "database", "Pearl River Materials Database", "珠江材料专题数据库",
     "Abstracts and full text of 40,000 papers and patents on new materials, updated monthly.",
     "收录新材料领域论文与专利四万余篇的文摘与全文，每月更新。", "TB, TQ"),
    ("lingnan-local-history", "collection", "Lingnan Local History Online", "岭南地方文献在线",
     "Digitised gazetteers, genealogies and maps from the office's special collections.",
     "馆藏特色地方志、族谱与舆图的数字化在线版。", "K29"),
    ("battery-industry-report-2026", "report", "Battery Industry Report 2026", "2026 电池产业报告",
     "A compiled report on patents, standards and markets of the battery industry.",
     "电池产业专利、标准与市场的编译报告。", "TM"),
    ("standards-disc-2026", "disc", "Standards Abstracts Disc Edition 2026", "标准文摘光盘版 2026",
     "The year's standards abstracts on disc, for offices without a network connection.",
     "当年标准文摘光盘版，供无网络条件的单位使用。", "T-65"),
    ("patent-citation-dataset", "dataset", "Patent Citation Dataset", "专利引文数据集",
     "Citation links between 2 million Chinese patents, as CSV.", "两百万件中国专利之间的引文关系（CSV）。", "G"),
]
# slug, kind, name, name_zh, term months, offices only, prices {buyer: [(from qty, unit fen)]}
OPTIONS = [
    ("pearl-river-materials-db", "online", "Online access, 12 months", "在线访问 12 个月", 12, False,
     {"member": [(1, 300_000), (5, 240_000)], "organisation": [(1, 450_000), (5, 380_000)],
      "individual": [(1, 120_000)]}),
    ("pearl-river-materials-db", "transmission", "Transmission rights for an office, 12 months",
     "单位内部传播权 12 个月", 12, True, {"member": [(1, 1_200_000), (10, 1_000_000)]}),
    ("lingnan-local-history", "online", "Online access, 6 months", "在线访问 6 个月", 6, False,
     {"member": [(1, 80_000)], "organisation": [(1, 120_000)], "individual": [(1, 30_000)]}),
    ("battery-industry-report-2026", "download", "PDF download", "PDF 下载", None, False,
     {"member": [(1, 50_000)], "organisation": [(1, 80_000), (10, 60_000)], "individual": [(1, 38_000)]}),
    ("standards-disc-2026", "disc", "Disc shipped", "光盘邮寄", None, False,
     {"member": [(1, 60_000)], "organisation": [(1, 90_000)], "individual": [(1, 90_000)]}),
    ("patent-citation-dataset", "download", "Dataset download", "数据集下载", None, False,
     {"member": [(1, 200_000)], "organisation": [(1, 350_000)], "individual": [(1, 250_000)]}),
]
# fmt: on


def _products() -> None:
    from marketing.store.models import LicenceOption, Price, Product
    from office.models import Department

    unit = Department.objects.filter(organization__is_home=True, code="special").first()
    if unit is None:
        return
    for slug, kind, name, name_zh, summary, summary_zh, subjects in PRODUCTS:
        product, created = Product.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind, "name": name, "name_zh": name_zh, "summary": summary, "summary_zh": summary_zh,
                "description": f"## {name}\n\n{summary}", "description_zh": f"## {name_zh}\n\n{summary_zh}",
                "subjects": subjects, "department": unit, "published": True,
                "access_text": f"### {name}\n\nWelcome. {summary}",
                "access_text_zh": f"### {name_zh}\n\n欢迎使用。{summary_zh}",
            },
        )  # fmt: skip
        if not product.content:
            save_upload(product.content, f"{slug}.txt", ContentFile(f"{name}\n{name_zh}\n".encode()))
            save_upload(product.sample, f"{slug}-sample.txt", ContentFile(f"Sample 样章: {name}\n".encode()))
            product.save(update_fields=["content", "sample"])
    for slug, kind, name, name_zh, term, offices_only, prices in OPTIONS:
        option, _created = LicenceOption.objects.update_or_create(
            product=Product.objects.get(slug=slug),
            kind=kind,
            defaults={"name": name, "name_zh": name_zh, "term_months": term, "offices_only": offices_only,
                      "rights": name, "rights_zh": name_zh},
        )  # fmt: skip
        for buyer, tiers in prices.items():
            for min_quantity, unit_minor in tiers:
                Price.objects.update_or_create(
                    option=option, buyer_type=buyer, min_quantity=min_quantity, defaults={"unit_minor": unit_minor}
                )


def _pay(order_id: int, actor: Any) -> None:
    from marketing.store import actions
    from payments import actions as payment_actions
    from payments.gateways.simulated import SimulatedGateway
    from payments.models import Payment

    payment = actions.order_pay(order_id=order_id, actor=actor)
    if payment.provider != Payment.Provider.SIMULATED:
        return
    payment_actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    payment_actions.payment_sync(payment_id=payment.pk)
    payment_actions.payment_notify_purpose(payment_id=payment.pk)


def _buy(user: Any, option_slug: tuple[str, str], seats: int, ip_ranges: str = "") -> None:
    from marketing.store import actions
    from marketing.store.models import LicenceOption

    option = LicenceOption.objects.get(product__slug=option_slug[0], kind=option_slug[1])
    actions.cart_add(actor=user, option_id=option.pk, quantity=seats, ip_ranges=ip_ranges)
    order = actions.checkout(actor=user, token=f"demo-{option.pk}")
    if order.status == order.Status.PENDING:
        _pay(order.pk, user)


def _east_budget() -> None:
    """The East office's information development unit gets a budget line for this year, so its
    purchases above the head's limit can go through a purchase request (seed_demo gives budget
    lines to the home office only)."""
    from office.models import Budget, Department

    unit = Department.objects.filter(organization__code="east", code="infodev").first()
    if unit is not None:
        Budget.objects.get_or_create(
            department=unit, fiscal_year=timezone.localdate().year, defaults={"allocated_minor": 5_000_000}
        )


def seed_store_demo(stdout: Any) -> None:
    from marketing.store.models import Coupon, StoreOrder

    _products()
    _east_budget()
    today = timezone.localdate()
    Coupon.objects.get_or_create(
        code="SPRING26",
        defaults={"campaign": "spring-newsletter", "percent_off": 10, "valid_from": today,
                  "valid_until": today + datetime.timedelta(days=90), "max_uses": 200},
    )  # fmt: skip
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["client_b", "staff_east"])}
    if len(users) < 2 or StoreOrder.objects.exists():
        return
    # client_b's (client_a's payments are the payments demo's: its matrix entries count on one).
    _buy(users["client_b"], ("pearl-river-materials-db", "online"), 2)
    _buy(users["client_b"], ("battery-industry-report-2026", "download"), 1)
    _buy(users["staff_east"], ("lingnan-local-history", "online"), 3, "198.51.100.0/24")
    stdout.write("Store demo: five products, a coupon, three paid orders with grants.\n")
