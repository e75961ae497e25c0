"""Who may do what with payments. Each predicate guards an action, drives a button, and is
tested once.

Finance staff are the director and the business assistant of an office (the leadership
office handles money, DESIGN §2). They see and refund what their office receives.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from office.access import Role, staff_profile, user_roles
from office.models import Organization
from payments.models import Payment, PaymentRequest

FINANCE_ROLES = frozenset({Role.DIRECTOR, Role.BUSINESS_ASSISTANT})


def is_finance_staff(user: Any) -> bool:
    return bool(user_roles(user) & FINANCE_ROLES)


def finance_office(user: Any) -> Organization | None:
    """The office whose money `user` looks after, or None."""
    if not is_finance_staff(user):
        return None
    profile = staff_profile(user)
    return profile.organization if profile else None


def can_view_payment(user: Any, payment: Payment) -> bool:
    return Payment.objects.visible_to(user).filter(pk=payment.pk).exists()


def can_pay(user: Any, payment: Payment) -> bool:
    """Only the payer pays, and only while nothing has been charged yet."""
    return payment.payer_user_id == user.pk and payment.status in (
        Payment.Status.CREATED,
        Payment.Status.REQUIRES_ACTION,
        Payment.Status.FAILED,
    )


def can_cancel(user: Any, payment: Payment) -> bool:
    if payment.status not in (Payment.Status.CREATED, Payment.Status.REQUIRES_ACTION, Payment.Status.FAILED):
        return False
    return payment.payer_user_id == user.pk or can_refund_any(user, payment)


def can_refund_any(user: Any, payment: Payment) -> bool:
    """Finance staff of the receiving office; the home office's for payees outside the network."""
    office = finance_office(user)
    if office is None:
        return False
    if payment.payee_organization_id is not None:
        return payment.payee_organization_id == office.pk
    return office.is_home


def can_refund(user: Any, payment: Payment) -> bool:
    return can_refund_any(user, payment) and payment.refundable_minor > 0


def can_view_receipt(user: Any, payment: Payment) -> bool:
    return bool(payment.receipt_number) and can_view_payment(user, payment)


def can_list_payments(user: Any) -> bool:
    return is_finance_staff(user)


def can_create_payment_request(user: Any) -> bool:
    return is_finance_staff(user)


def billable_payers(user: Any) -> QuerySet[Any]:
    """Whom `user` may ask to pay: the active staff of their own office and, for the home
    office (which remote clients pay, DESIGN §5), the active remote clients. Never another
    office's people: a member office billing a home-office client was issue 17 item 3."""
    office = finance_office(user)
    users = get_user_model().objects.filter(is_active=True)
    if office is None:
        return users.none()
    who = Q(staff_profile__organization=office)
    if office.is_home:
        who |= Q(client_account__isnull=False)
    return users.filter(who)


def can_bill(user: Any, payer: Any) -> bool:
    return billable_payers(user).filter(pk=payer.pk).exists()


def can_pay_request(user: Any, request: PaymentRequest) -> bool:
    return request.payer_id == user.pk and request.status == PaymentRequest.Status.OPEN


def can_cancel_request(user: Any, request: PaymentRequest) -> bool:
    office = finance_office(user)
    return office is not None and office.pk == request.organization_id and request.status == PaymentRequest.Status.OPEN


def refund_staff_ids(payment: Payment) -> list[int]:
    """The people who may refund `payment`: finance staff of the receiving office (the home
    office's for payees outside the network)."""
    from office.models import StaffProfile

    profiles = StaffProfile.objects.filter(position__role__in=list(FINANCE_ROLES), user__is_active=True)
    if payment.payee_organization_id is not None:
        profiles = profiles.filter(organization_id=payment.payee_organization_id)
    else:
        profiles = profiles.filter(organization__is_home=True)
    return list(profiles.values_list("user_id", flat=True))
