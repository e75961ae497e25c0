"""Demo content for `seed_demo`: the four demo offices' agencies (CN-HOME, CN-EAST, CN-RIVER,
CN-NORTH) with policies and fee schedules, an outside partner (CN-PARTNER, address from
SHARING_DEMO_PARTNER_URL; empty: nothing is sent; its security code from
SHARING_DEMO_PARTNER_SECRET; empty: none, its messages are refused until the home office's
leadership sets one in the directory), a reciprocity agreement (east ↔ north),
and requests in several states so every desk shows something (waiting, conditional,
expect-to-supply, shipped, on loan, sent back, complete, unfilled, awaiting a client's
payment). Idempotent: agencies by id, requests only when there are none."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from office.models import Organization

AGENCIES = [
    # agency id, office code, name, Chinese name, rule, loan fee, copy fee, page fee, urgent
    ("CN-HOME", "home", "Home Information Office", "本馆信息办公室", "cheapest", 1000, 500, 30, 1000),
    ("CN-EAST", "east", "East City Information Office", "东城信息办公室", "preference", 1200, 600, 40, 1000),
    (
        "CN-RIVER",
        "riverside",
        "Riverside University Library Office",
        "滨江大学图书馆办公室",
        "cheapest",
        1500,
        500,
        50,
        800,
    ),
    ("CN-NORTH", "north", "Northern Medical Information Office", "北方医学信息办公室", "load", 800, 400, 30, 800),
]


def seed_agencies() -> dict[str, Any]:
    from sharing.models import Agency, Reciprocity

    offices = {o.code: o for o in Organization.objects.all()}
    agencies = {}
    for agency_id, code, name, name_zh, rule, loan, copy, page, urgent in AGENCIES:
        office = offices.get(code)
        if office is None:
            continue
        agencies[agency_id], _ = Agency.objects.get_or_create(
            agency_id=agency_id,
            defaults={
                "organization": office,
                "name": office.name or name,
                "name_zh": office.name_zh or name_zh,
                "email": office.email,
                "postal_address": office.address or office.city,
                "rota_rule": rule,
                "loan_fee_minor": loan,
                "copy_fee_minor": copy,
                "page_fee_minor": page,
                "urgent_fee_minor": urgent,
            },
        )
    if "CN-EAST" in agencies:
        agencies["CN-EAST"].preference_list = agencies["CN-EAST"].preference_list or ["CN-HOME", "CN-RIVER"]
        agencies["CN-EAST"].save(update_fields=["preference_list"])
    agencies["CN-PARTNER"], created = Agency.objects.get_or_create(
        agency_id="CN-PARTNER",
        defaults={
            "name": "Partner University Library",
            "name_zh": "合作大学图书馆",
            "is_partner": True,
            "iso_address": getattr(settings, "SHARING_DEMO_PARTNER_URL", "") or "",
            "email": "ill@partner.example",
            "loan_fee_minor": 2000,
            "copy_fee_minor": 800,
            "page_fee_minor": 50,
        },
    )
    demo_code = getattr(settings, "SHARING_DEMO_PARTNER_SECRET", "") or ""
    if created and demo_code:  # the partner's messages are refused until a code is set
        agencies["CN-PARTNER"].iso_secret, agencies["CN-PARTNER"].iso_secret_set_at = demo_code, timezone.now()
        agencies["CN-PARTNER"].save(update_fields=["iso_secret", "iso_secret_set_at"])
    if "CN-EAST" in agencies and "CN-NORTH" in agencies:
        first, second = sorted((agencies["CN-EAST"].pk, agencies["CN-NORTH"].pk))
        Reciprocity.objects.get_or_create(first_id=first, second_id=second, defaults={"note": "Regional agreement"})
    return agencies


def _record(title: str) -> Any:
    from cataloging.models import BibRecord

    return BibRecord.objects.shared().filter(title=title).first()


STAFF_OF = {
    "CN-HOME": "staff_infodev",
    "CN-EAST": "staff_east",
    "CN-RIVER": "staff_riverside",
    "CN-NORTH": "staff_north",
}


def _lender_staff(request: Any, users: dict[str, Any]) -> Any:
    return users.get(STAFF_OF.get(request.lender.agency_id if request.lender_id else "", ""))


def seed_requests(users: dict[str, Any]) -> int:
    from sharing import actions
    from sharing.models import SharingRequest

    made = 0
    # riverside asks home (and east) for 图书馆学概论: waiting at home's lending desk.
    if (record := _record("图书馆学概论")) is not None:
        actions.request_create(actor=users["staff_riverside"], service_type="loan", record_id=record.pk)
        made += 1
    # north borrows 三体: shipped and received, on loan.
    if (record := _record("三体")) is not None:
        r = actions.request_create(actor=users["staff_north"], service_type="loan", record_id=record.pk)
        if (lender := _lender_staff(r, users)) is not None:
            actions.request_will_supply(request_id=r.pk, actor=lender)
            actions.request_ship(request_id=r.pk, actor=lender, tracking_number="SF1234567890")
            actions.request_mark_received(request_id=r.pk, actor=users["staff_north"])
            made += 1
    # home asks for 中国通史 (riverside holds it): riverside proposes a fee, home decides.
    if (record := _record("中国通史")) is not None:
        r = actions.request_create(actor=users["staff_infodev"], service_type="loan", record_id=record.pk)
        if (lender := _lender_staff(r, users)) is not None:
            actions.request_propose_condition(
                request_id=r.pk, actor=lender, fee_minor=2500, note="Registered post only"
            )
            made += 1
    # north borrowed 红楼梦 last month: complete and charged (a statement to close).
    if (record := _record("红楼梦")) is not None:
        r = actions.request_create(actor=users["staff_north"], service_type="loan", record_id=record.pk)
        if (lender := _lender_staff(r, users)) is not None:
            _complete_loan(r.pk, users["staff_north"], lender)
            last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
            moment = timezone.make_aware(dt.datetime.combine(last_month.replace(day=12), dt.time(10)))
            SharingRequest.objects.filter(pk=r.pk).update(created_at=moment)
            from sharing.models import Charge

            Charge.objects.filter(request_id=r.pk).update(created_at=moment)
            made += 1
    # north asks east for 馆际互借与文献传递 (east holds it): waiting at east's lending desk.
    if (record := _record("馆际互借与文献传递")) is not None:
        actions.request_create(actor=users["staff_north"], service_type="loan", record_id=record.pk, urgent=True)
        made += 1
    # east borrows 机器学习 from riverside: shipped, on its way (east "on the way", riverside "out").
    if (record := _record("机器学习")) is not None:
        r = actions.request_create(actor=users["staff_east"], service_type="loan", record_id=record.pk)
        if (lender := _lender_staff(r, users)) is not None:
            actions.request_will_supply(request_id=r.pk, actor=lender)
            actions.request_ship(request_id=r.pk, actor=lender, tracking_number="SF2233445566")
            made += 1
    # riverside borrowed 信息检索与利用 from home and sent it back: home has it to check in.
    if (record := _record("信息检索与利用")) is not None:
        r = actions.request_create(actor=users["staff_riverside"], service_type="loan", record_id=record.pk)
        if (lender := _lender_staff(r, users)) is not None:
            actions.request_will_supply(request_id=r.pk, actor=lender)
            actions.request_ship(request_id=r.pk, actor=lender, tracking_number="EMS0003")
            actions.request_mark_received(request_id=r.pk, actor=users["staff_riverside"])
            actions.request_return(request_id=r.pk, actor=users["staff_riverside"], tracking_number="EMS0004")
            made += 1
    # home asks east for a chapter of 网络信息资源开发与利用: east expects to supply it.
    if (record := _record("网络信息资源开发与利用")) is not None:
        r = actions.request_create(
            actor=users["staff_infodev"],
            service_type="copy",
            record_id=record.pk,
            pages="45-60",
            article_title="第三章 网络信息资源的组织",
            copyright_declared=True,
        )
        if (lender := _lender_staff(r, users)) is not None:
            actions.request_expect_to_supply(request_id=r.pk, actor=lender, note="Scanning this week")
            made += 1
    # riverside asks for 数据库系统概论; north holds a copy too and is the cheapest lender, so the
    # request waits at north's lending desk (north holds nothing in the catalog demo otherwise).
    if (record := _record("数据库系统概论")) is not None:
        from cataloging.models import Holding

        north = Organization.objects.filter(code="north").first()
        if north is not None:
            Holding.objects.get_or_create(
                record=record, organization=north, defaults={"call_number": record.clc, "location": "Stacks"}
            )
        actions.request_create(actor=users["staff_riverside"], service_type="loan", record_id=record.pk)
        made += 1
    # A citation nobody in the network holds: unfilled at once.
    actions.request_create(
        actor=users["staff_east"], service_type="loan", title="A history of the abacus", isbn="", author="Unknown"
    )
    return made + 1


def _complete_loan(pk: int, borrower: Any, lender: Any) -> None:
    from sharing import actions

    actions.request_will_supply(request_id=pk, actor=lender)
    actions.request_ship(request_id=pk, actor=lender, tracking_number="EMS0001")
    actions.request_mark_received(request_id=pk, actor=borrower)
    actions.request_return(request_id=pk, actor=borrower, tracking_number="EMS0002")
    actions.request_check_in(request_id=pk, actor=lender)


def seed_client_request(users: dict[str, Any]) -> None:
    from sharing import actions

    client = users.get("client_a")
    if client is None or not getattr(getattr(client, "client_account", None), "email_confirmed", False):
        return
    actions.client_request_create(
        actor=client,
        copyright_declared=True,
        title="Journal of documentation",
        issn="0022-0418",
        year=2021,
        volume="77",
        issue="3",
        pages="601-615",
        article_title="Interlibrary loan in the age of e-commerce",
    )


def seed_sharing_demo(stdout: Any) -> None:
    from sharing.models import SharingRequest

    User = get_user_model()
    names = ["staff_infodev", "staff_east", "staff_riverside", "staff_north", "client_a"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    with transaction.atomic():
        agencies = seed_agencies()
    if len(agencies) < 5 or len(users) < 4 or SharingRequest.objects.exists():
        return
    with transaction.atomic():
        made = seed_requests(users)
        seed_client_request(users)
    stdout.write(f"Resource sharing: {len(agencies)} agencies, {made} interlibrary loan requests.\n")
