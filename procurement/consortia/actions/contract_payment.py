"""Paying the member offices' contracts, and the handler of the
"procurement.consortium_contract" payable (`procurement.payables`):

    contract:   signed -> paid (the member's licence is created; the contract keeps its payment,
                and any other payment that succeeds for it is refunded by the payments app)
    consortium: contracting -> active (once every contract is paid)

Each member pays the provider for its own contract, as soon as both sides signed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import InvalidTransition
from office.money import format_money
from payments.actions import payment_create
from procurement.consortia import permissions
from procurement.consortia.actions.common import CS, lock_consortium
from procurement.consortia.models import Contract, Offer
from procurement.models import Licence, Vendor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from payments.models import Payment

CONSORTIUM_CONTRACT_PURPOSE = "procurement.consortium_contract"


def contract_pay(*, contract_id: int, actor: User) -> Payment:
    """The member office pays the provider for its own contract (the provider is the payee).
    A second click, another tab or a retry gets the same payment: one live payment per contract."""
    contract = Contract.objects.select_related("consortium__vendor", "membership", "organization").get(pk=contract_id)
    if not permissions.can_pay(actor, contract, contract.membership):
        if contract.status != Contract.Status.SIGNED:
            raise InvalidTransition(contract, Contract.Status.PAID.label)
        raise PermissionDenied(_("Only the member office's representative or finance staff pay its contract."))
    vendor = contract.consortium.vendor
    return payment_create(
        purpose_type=CONSORTIUM_CONTRACT_PURPOSE,
        purpose_id=contract.pk,
        amount_minor=contract.price_minor,
        currency=contract.currency,
        description=_("Consortium contract %(number)s – %(vendor)s") % {"number": contract.number, "vendor": vendor},
        payer_user=actor,
        payer_organization=contract.organization,
        payee_name=vendor.payee,
        payee_stripe_account="",
    )


def _member_vendor(contract: Contract, provider: Vendor) -> Vendor:
    """The provider as a vendor of the member office (its licences list its own vendors)."""
    if provider.organization_id == contract.organization_id:
        return provider
    vendor, _created = Vendor.objects.get_or_create(
        organization_id=contract.organization_id,
        code=provider.code,
        defaults={
            "name": provider.name,
            "name_zh": provider.name_zh,
            "email": provider.email,
            "website": provider.website,
            "payee_name": provider.payee,
            "payment_terms": provider.payment_terms,
        },
    )
    return vendor


def _licence_terms(offer: Offer, contract: Contract) -> str:
    yes, no = _("yes"), _("no")
    lines = [
        _("Consortium contract %(number)s") % {"number": contract.number},
        _("Consortium price: %(price)s (list price %(list)s)")
        % {
            "price": format_money(contract.price_minor, contract.currency),
            "list": format_money(contract.consortium.list_price_minor, contract.consortium.currency),
        },
        _("Interlibrary loan: %(v)s") % {"v": yes if offer.ill_allowed else no},
        _("Archival rights: %(v)s") % {"v": yes if offer.archival_rights else no},
        _("Perpetual access: %(v)s") % {"v": yes if offer.perpetual_access else no},
    ]
    if offer.renewal_cap_percent is not None:
        lines.append(_("Renewal price cap: +%(p)s%%") % {"p": offer.renewal_cap_percent})
    return "\n".join(lines)


def contract_lock_for_payment(pk: str) -> Contract | None:
    """The contract and its consortium, locked in this module's order (consortium first)."""
    consortium_id = Contract.objects.filter(pk=pk).values_list("consortium_id", flat=True).first()
    if consortium_id is None:
        return None
    lock_consortium(consortium_id)
    return Contract.objects.select_for_update(of=("self",)).select_related("consortium", "membership").get(pk=pk)


def contract_paid(contract: Contract, payment: Payment) -> None:
    """On-paid handler of the "procurement.consortium_contract" payable
    (`procurement.payables`): the contract is paid by this payment and the member's licence
    starts; once every contract is paid the consortium is active. The payments app has checked
    that the contract is signed, not paid, and that the amount is its price; a second or late
    payment is refunded there."""
    consortium = contract.consortium
    offer = consortium.accepted_offer
    licence = Licence.objects.create(
        organization_id=contract.organization_id,
        vendor=_member_vendor(contract, consortium.vendor),
        title=consortium.resource,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        concurrent_users=offer.concurrent_users,
        permitted_sites=offer.sites,
        terms=_licence_terms(offer, contract),
    )
    contract.move_to(Contract.Status.PAID)  # the payments app checked that it is signed
    contract.paid_at = payment.succeeded_at or timezone.now()
    contract.payment = payment
    contract.licence = licence
    contract.save(update_fields=["status", "paid_at", "payment", "licence", "updated_at"])
    audit.record(
        actor=None,
        target=contract,
        verb="procurement.contract.paid",
        data={"payment": payment.pk, "licence": licence.pk},
    )
    if not consortium.contracts.exclude(status=Contract.Status.PAID).exists():
        consortium.move_to(CS.ACTIVE)
        consortium.activated_at = timezone.now()
        consortium.save(update_fields=["status", "activated_at", "updated_at"])
        audit.record(actor=None, target=consortium, verb="procurement.consortium.activated")
    if contract.membership.representative_id:
        notify(
            recipient_id=contract.membership.representative_id,
            verb="procurement.contract.paid",
            title=gettext_noop("Contract %(number)s is paid; your licence is active"),
            url=reverse("procurement:licence_detail", kwargs={"pk": licence.pk}),
            send_email=False,
            params={"number": contract.number},
        )
