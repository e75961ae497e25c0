"""What the signed-in navigation asks about its user, read in one statement when it is rendered
(issue 18). base.html caches the rendered menu per user (office/context_processors.py); when it
is cold, its entries ask the apps' predicates — the office's active sharing agency, the cart's
count, the units the user sells for, the customer-service unit, the navigation units a head
leads, the unread notifications — each one query of its own. `prime(user)` (the `{% nav_facts %}`
tag at the top of partials/_nav.html) reads all of them that the request has not memoised yet
through office/dashboard/batch.py and puts each answer where its predicate memoises it, so the
predicates answer from the memo and the menu shows exactly what they would have said."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count

from office import inbox
from office.access import Role, memo, memo_of, staff_profile, unit_parents_of, unit_tree_memo_key, unit_tree_query
from office.dashboard import batch

_PRIMED = "office_nav_primed"


@dataclass(frozen=True)
class Fact:
    key: str  # the request memo's key its predicate reads (office.access.memo)
    read: batch.Read
    value: Callable[[Any], Any]  # the read's result -> what the predicate memoises


def prime(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or _PRIMED in memo_of(user):
        return
    memo(user, _PRIMED, lambda: True)
    known = memo_of(user)
    facts = [fact for fact in _facts(user) if fact.key not in known]
    reads: dict[str, Any] = {fact.key: fact.read for fact in facts}
    unread = inbox.unread_count_cached(user) is None
    if unread:
        reads["unread"] = batch.aggregate(inbox.unread_query(user), n=Count("pk"))
    if not reads:
        return
    data = batch.fetch(reads)
    for fact in facts:  # in order: the unit tree before the units it walks
        memo(user, fact.key, lambda fact=fact: fact.value(data[fact.key]))
    if unread:
        inbox.remember_unread_count(user, data["unread"]["n"])


def _facts(user: Any) -> list[Fact]:
    from marketing.store import selectors as store_selectors

    facts = [
        Fact(
            store_selectors.CART_COUNT_MEMO,
            batch.aggregate(store_selectors.cart_lines(user), n=Count("pk")),
            lambda row: row["n"],
        )
    ]
    profile = staff_profile(user)
    if profile is None:
        return facts
    facts += _staff_facts(user, profile)
    if profile.organization.is_home:
        facts += _home_facts(user, profile)
    return facts


def _staff_facts(user: Any, profile: Any) -> list[Fact]:
    from sharing import permissions as sharing

    facts = []
    if profile.position.role == Role.HEAD:  # is_head_of walks the unit tree (office.access)
        tree = unit_tree_query(profile.organization_id)
        facts.append(Fact(unit_tree_memo_key(profile.organization_id), batch.rows(tree), unit_parents_of))
    agency = sharing.agency_query(profile.organization_id)[:1]
    facts.append(Fact(sharing.AGENCY_MEMO, batch.instances(agency), lambda rows: rows[0] if rows else None))
    return facts


def _home_facts(user: Any, profile: Any) -> list[Fact]:
    from marketing import permissions as marketing
    from marketing.store import permissions as store
    from marketing.support import permissions as support
    from office.models import Department

    customer_service = Department.objects.filter(
        organization__is_home=True, code=settings.SERVICES_CONSULTATION_DEPARTMENT
    )
    facts = [
        Fact(
            store.SELLING_UNITS_MEMO,
            batch.instances(store.selling_unit_candidates()),
            lambda units: store.selling_units_among(user, units),
        ),
        Fact(support.CUSTOMER_SERVICE_MEMO, batch.instances(customer_service), lambda rows: rows[0] if rows else None),
    ]
    if profile.position.role == Role.HEAD:
        facts.append(Fact(marketing.NAVIGATION_UNITS_MEMO, batch.instances(marketing.navigation_units()), list))
    return facts
