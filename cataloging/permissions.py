"""Who may do what in the union catalog. Each predicate guards an action, drives a button,
and is tested once.

Reviewers (审核): the union-catalog quality team is every unit of the home office that the
leadership office has given the catalog-review function (office.functions; in the demo the
information development department 信息开发部 and its groups). The home office operates the
union catalog for the whole network; so member offices contribute, the hub's cataloguers review.
Leadership is deliberately not in the team (reviewing is subject work, not management),
and nobody reviews a record they submitted themselves.
"""

from __future__ import annotations

from typing import Any

from cataloging.models import BibRecord, Holding, Statement
from office.access import Role, is_staff_member, same_office, staff_profile
from office.functions import Function, has_function

STATEMENT_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN_ASSISTANT, Role.BUSINESS_ASSISTANT, Role.HEAD})


def can_catalog(user: Any) -> bool:
    """Search the staff catalog, create and import records, copy shared ones."""
    return is_staff_member(user)


def can_edit(user: Any, record: BibRecord) -> bool:
    return same_office(user, record.organization_id) and record.status in BibRecord.EDITABLE


def can_submit(user: Any, record: BibRecord) -> bool:
    """Staff submit their own office's records (the action checks the state)."""
    return same_office(user, record.organization_id)


def is_reviewer(user: Any) -> bool:
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return False
    return has_function(user, Function.CATALOG_REVIEW)


def can_review(user: Any, record: BibRecord | None = None) -> bool:
    if not is_reviewer(user):
        return False
    return record is None or record.submitted_by_id != user.pk


def can_copy(user: Any, record: BibRecord) -> bool:
    """Add a holding (馆藏) of the record for the user's office: any office copies a shared
    record (copy cataloging, charged); the contributing office records its own copies of its
    own record in any state, so the catalog knows it holds the book from the day it is
    catalogued (free)."""
    return is_staff_member(user) and (
        record.status == BibRecord.Status.APPROVED or same_office(user, record.organization_id)
    )


def can_edit_holding(user: Any, holding: Holding) -> bool:
    return same_office(user, holding.organization_id)


def can_close_statement(user: Any) -> bool:
    """The office's leadership and department heads close a month into a statement."""
    profile = staff_profile(user)
    return profile is not None and profile.position.role in STATEMENT_ROLES


def can_view_statement(user: Any, statement: Statement) -> bool:
    return same_office(user, statement.organization_id)


def can_pay_statements(user: Any) -> bool:
    """The office's leadership and department heads pay its statements, as they close them."""
    return can_close_statement(user)


def can_pay_statement(user: Any, statement: Statement) -> bool:
    """Drives the "Pay online" button: someone who pays for the office, a debit not yet paid,
    owed to the catalog operator (the home office does not pay itself)."""
    return (
        can_view_statement(user, statement)
        and can_pay_statements(user)
        and statement.is_payable
        and not statement.organization.is_home
    )


def can_edit_fee_schedule(user: Any) -> bool:
    """The catalog operator sets what copying costs and what a contribution earns: the home
    office's money people (director, business assistant) and the heads of its catalog-review
    units (the function as data, office.functions)."""
    profile = staff_profile(user)
    if profile is None or not profile.organization.is_home:
        return False
    if profile.position.role in {Role.DIRECTOR, Role.BUSINESS_ASSISTANT}:
        return True
    return profile.position.role == Role.HEAD and has_function(user, Function.CATALOG_REVIEW)
