"""Who may do what in resource sharing. Staff act for their own office's agency; an office
sees only requests where it is borrower or lender; a client sees only its own requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from office.access import LEADERSHIP, Role, _cached, client_account, staff_profile, user_roles

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from sharing.models import Agency, Settlement, SharingRequest


def agency_of(user: Any) -> Agency | None:
    """The active sharing agency of the user's office (None: not staff of a member office)."""
    profile = staff_profile(user)
    if profile is None:
        return None

    return _cached(user, AGENCY_MEMO, lambda: agency_query(profile.organization_id).first())


AGENCY_MEMO = "sharing_agency"  # office/nav.py reads it with the navigation's other facts


def agency_query(organization_id: int) -> QuerySet[Agency]:
    """The office's active agency (at most one is active), the first by id."""
    from sharing.models import Agency

    return Agency.objects.filter(organization_id=organization_id, is_active=True).order_by("pk")


def is_sharing_staff(user: Any) -> bool:
    return agency_of(user) is not None


def is_borrower_staff(user: Any, request: SharingRequest) -> bool:
    agency = agency_of(user)
    return agency is not None and agency.pk == request.borrower_id


def is_lender_staff(user: Any, request: SharingRequest) -> bool:
    agency = agency_of(user)
    return agency is not None and request.lender_id is not None and agency.pk == request.lender_id


def is_request_client(user: Any, request: SharingRequest) -> bool:
    account = client_account(user)
    return account is not None and request.client_id == account.pk


def can_view(user: Any, request: SharingRequest) -> bool:
    return is_borrower_staff(user, request) or is_lender_staff(user, request) or is_request_client(user, request)


def can_manage_policy(user: Any) -> bool:
    """The office's leadership and department heads set its lending policy and fees."""
    roles = user_roles(user)
    return is_sharing_staff(user) and bool(roles & (LEADERSHIP | {Role.HEAD}))


def can_pay_settlement(user: Any, settlement: Settlement) -> bool:
    """Leadership or a head of the debtor office pays an issued statement with something to pay."""
    agency = agency_of(user)
    return (
        agency is not None
        and settlement.debtor_id == agency.pk
        and settlement.is_payable
        and bool(user_roles(user) & (LEADERSHIP | {Role.HEAD}))
    )


def can_request_as_client(user: Any) -> bool:
    account = client_account(user)
    return account is not None and account.email_confirmed


def can_manage_directory(user: Any) -> bool:
    """The home office's leadership keeps the network's directory: outside partner libraries
    (their security codes) and reciprocity agreements. No unit carries a resource-sharing
    function (office.models.Function), so it is the leadership's, like other network matters."""
    profile = staff_profile(user)
    return (
        profile is not None
        and profile.organization.is_home
        and profile.position.role in LEADERSHIP
        and is_sharing_staff(user)
    )
