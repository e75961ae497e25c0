"""Demo consortium for `seed_demo`: three offices (home, Riverside, North) buying the simulated
vendor's full-text database, mid-negotiation: the election is over (head_infodev negotiates),
the provider made an offer and the consortium countered. East is not a member, so its staff
see only the directory card. A provider account, `provider_datastream`, answers for the vendor.
Made through the real actions; idempotent (recognised by its name)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from office.models import Organization
from procurement.consortia import actions
from procurement.consortia.models import Consortium, Offer, ProviderRepresentative
from procurement.models import Vendor

DEMO_NAME = "Full-text database consortium 2026 全文库集团采购"
PROVIDER_USERNAME = "provider_datastream"


def seed_consortium(stdout: Any) -> None:
    home = Organization.objects.filter(is_home=True).first()
    vendor = Vendor.objects.filter(organization=home, code="sim-api").first() if home else None
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["head_infodev", "staff_riverside", "staff_north"])
    }
    offices = {o.code: o for o in Organization.objects.filter(code__in=["riverside", "north"])}
    if vendor is None or len(users) < 3 or len(offices) < 2:
        return
    with transaction.atomic():
        provider, created = get_user_model().objects.get_or_create(
            username=PROVIDER_USERNAME,
            defaults={"first_name": "DataStream", "last_name": "Sales 销售代表", "email": "sales@sim-vendor.example"},
        )
        if created:
            provider.set_password(settings.DEMO_PASSWORD)
            provider.save(update_fields=["password"])
        ProviderRepresentative.objects.get_or_create(user=provider, vendor=vendor)
    if Consortium.objects.filter(name=DEMO_NAME).exists():
        return
    head, riverside, north = users["head_infodev"], users["staff_riverside"], users["staff_north"]
    now = timezone.now()
    with transaction.atomic():
        consortium = actions.consortium_found(
            actor=head,
            vendor_id=vendor.pk,
            name=DEMO_NAME,
            resource="China Academic Journals full-text database 中国学术期刊全文数据库",
            description="One-year campus licence bought together. 联合采购一年期全文库使用权。",
            list_price_minor=1_200_000,
            fte=120,
        )
        for office, rep, fte in ((offices["riverside"], riverside, 300), (offices["north"], north, 80)):
            membership = actions.membership_invite(
                consortium_id=consortium.pk, actor=head, organization_id=office.pk, representative_id=rep.pk
            )
            actions.membership_answer(membership_id=membership.pk, actor=rep, accept=True, fte=fte)
        election = actions.election_open(
            consortium_id=consortium.pk, actor=head, deadline=now + datetime.timedelta(days=7)
        )
        nomination = actions.nomination_add(
            election_id=election.pk, actor=riverside, candidate_id=head.pk, statement="Experienced with DataStream."
        )
        for rep in (head, riverside, north):
            actions.vote_cast(election_id=election.pk, actor=rep, nomination_id=nomination.pk)
        actions.election_close(election_id=election.pk, actor=head)
        # A long deadline keeps the demo mid-negotiation: the beat sweep lapses expired ones.
        actions.negotiation_deadline_set(
            consortium_id=consortium.pk, actor=head, deadline=now + datetime.timedelta(days=365)
        )
        actions.offer_post(
            consortium_id=consortium.pk,
            actor=provider,
            tiers=[(1, 1_200_000), (3, 950_000), (5, 800_000)],
            term_months=12,
            concurrent_users=10,
            basis=Offer.Basis.MEMBERS,
            sites="Each member's main campus 各成员馆本部",
            ill_allowed=False,
            archival_rights=False,
            message="Our standard consortium price list. 标准集团价。",
        )
        actions.offer_post(
            consortium_id=consortium.pk,
            actor=head,
            tiers=[(1, 1_100_000), (3, 850_000), (5, 700_000)],
            term_months=12,
            concurrent_users=15,
            basis=Offer.Basis.MEMBERS,
            sites="All campuses of each member 各成员馆全部校区",
            ill_allowed=True,
            archival_rights=True,
            perpetual_access=True,
            renewal_cap_percent=5,
            message="We ask for ILL, archival rights and a 5% renewal cap. 要求馆际互借、存档权与续订涨幅上限5%。",
        )
    stdout.write("Consortium demo: three offices negotiating a full-text database (provider: provider_datastream).")
