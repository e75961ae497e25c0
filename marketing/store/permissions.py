"""Who may do what in the storefront (one predicate each, used by actions, views and templates).

Buyers: remote clients (organisation → outside-organisation prices, person → individual
prices) and staff of member offices (member-office prices; the office is the licensee).
The home office sells; its staff do not buy from themselves. Sellers: the home office's
units that own products (the special digital-resource group), their heads, and leadership.
"""

from __future__ import annotations

from typing import Any

from marketing.store.models import BuyerType, Grant, Product, StoreOrder
from office.access import client_account, is_head_of, is_leadership, staff_profile
from office.models import ClientAccount


def buyer_type_for(user: Any) -> str | None:
    """The price list a user buys at, or None when they cannot buy."""
    profile = staff_profile(user)
    if profile is not None:
        return None if profile.organization.is_home else BuyerType.MEMBER
    account = client_account(user)
    if account is None:
        return None
    return BuyerType.ORGANISATION if account.kind == ClientAccount.Kind.ORGANISATION else BuyerType.INDIVIDUAL


def can_buy(user: Any) -> bool:
    return buyer_type_for(user) is not None


def is_seller(user: Any) -> bool:
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return False
    if is_leadership(user):
        return True
    from office.models import Department

    units = Department.objects.filter(pk__in=Product.objects.values("department_id").distinct())
    return any(profile.department_id == unit.pk or is_head_of(user, unit) for unit in units)


def can_view_order(user: Any, order: StoreOrder) -> bool:
    if order.buyer_user_id == user.pk or is_seller(user):
        return True
    profile = staff_profile(user)
    return profile is not None and order.buyer_organization_id == profile.organization_id


def can_use_grant(user: Any, grant: Grant) -> bool:
    """The holder, or any staff member of the holding office."""
    if grant.holder_user_id == user.pk:
        return True
    profile = staff_profile(user)
    return (
        profile is not None
        and grant.holder_organization_id is not None
        and (grant.holder_organization_id == profile.organization_id)
    )


def can_manage_grant(user: Any, grant: Grant) -> bool:
    """Renew or add seats: the person who bought it, or staff of the holding office."""
    return can_use_grant(user, grant) and can_buy(user)
