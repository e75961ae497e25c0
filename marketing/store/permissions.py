"""Who may do what in the storefront (one predicate each, used by actions, views and templates).

Buyers: remote clients (organisation → outside-organisation prices, person → individual
prices) and staff of member offices (member-office prices; the office is the licensee).
The home office sells; its staff do not buy from themselves. Sellers: the home office's
units that own products (the special digital-resource group), their heads, and leadership.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from marketing.store.models import BuyerType, Grant, Product, StoreOrder
from office.access import client_account, is_head_of, is_leadership, memo, staff_profile
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


SELLING_UNITS_MEMO = "store_selling_units"  # office/nav.py reads it with the menu's other facts


def selling_units(user: Any) -> list[Any]:
    """The home office's units whose products the user manages: units that own products or
    carry the digital-resources function, the user's own or headed (a department head leads
    its groups); leadership manages them all. Read once per request."""
    return memo(user, SELLING_UNITS_MEMO, lambda: selling_units_among(user, selling_unit_candidates()))


def selling_unit_candidates() -> QuerySet[Any]:
    """The home office's open units that sell: they own products or carry the digital-resources
    function (whoever their sellers are)."""
    from office.models import Department, Function

    return (
        Department.objects.filter(organization__is_home=True, closed_at__isnull=True)
        .filter(Q(functions__function=Function.DIGITAL_RESOURCES) | Q(pk__in=Product.objects.values("department_id")))
        .distinct()
        .order_by("name")
    )


def _manages_every_unit(user: Any) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.organization.is_home and is_leadership(user)


def selling_units_among(user: Any, units: Any) -> list[Any]:
    """Those of the selling units `units` (all of them, read) that `user` manages."""
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return []
    if is_leadership(user):
        return list(units)
    return [unit for unit in units if profile.department_id == unit.pk or is_head_of(user, unit)]


def selling_unit_ids(user: Any) -> QuerySet[Any] | list[int]:
    """The ids of `selling_units(user)`: for the home leadership, who manage every selling unit,
    a subquery (a page that filters by it reads nothing first: the audit log's links, issue 18);
    for the others the memoised list."""
    if _manages_every_unit(user):
        return selling_unit_candidates().order_by().values("pk")
    return [unit.pk for unit in selling_units(user)]


def is_seller(user: Any) -> bool:
    return bool(selling_units(user))


def can_edit_product(user: Any, product: Product) -> bool:
    """Edit, price, publish a product and ship its discs: a seller of the unit that sells it."""
    return any(unit.pk == product.department_id for unit in selling_units(user))


def can_ship(user: Any, shipment: Any) -> bool:
    return can_edit_product(user, shipment.product)


def can_view_order(user: Any, order: StoreOrder) -> bool:
    if order.buyer_user_id == user.pk:
        return True
    units = {unit.pk for unit in selling_units(user)}  # only the home office's staff have some
    if units and (is_leadership(user) or order.lines.filter(option__product__department_id__in=units).exists()):
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
