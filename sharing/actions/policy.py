"""An office's lending policy and fee schedule (its own agency only; leadership and heads)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from office import audit
from office.exceptions import DomainError
from office.money import check_amount
from sharing import permissions
from sharing.models import Agency

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FEE_FIELDS = ("loan_fee_minor", "copy_fee_minor", "page_fee_minor", "urgent_fee_minor")
POLICY_FIELDS = ("rota_rule", "preference_list", "answer_days", "loan_days", "max_renewals", "lends", *FEE_FIELDS)


@transaction.atomic
def agency_policy_update(*, actor: User, **changes: Any) -> Agency:
    """Change the actor's office's rota rule, preference list (agency ids), answer days,
    loan period, renewals, whether it lends, and fees (minor units of its currency)."""
    if not permissions.can_manage_policy(actor):
        raise PermissionDenied(_("Only the office's leadership and department heads set its lending policy."))
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"agency_policy_update: unknown fields {sorted(unknown)}")
    agency = Agency.objects.select_for_update().get(pk=permissions.agency_of(actor).pk)
    if "rota_rule" in changes and changes["rota_rule"] not in Agency.RotaRule.values:
        raise DomainError(_("Choose a rota rule."))
    if "preference_list" in changes:
        changes["preference_list"] = _preferences(agency, changes["preference_list"])
    for name in ("answer_days", "loan_days"):
        if name in changes and not (1 <= int(changes[name]) <= 90):
            raise DomainError(_("Give a number of days between 1 and 90."))
    for name in FEE_FIELDS:
        if name in changes:
            check_amount(changes[name], agency.currency, allow_zero=True)
    changed = {k: v for k, v in changes.items() if getattr(agency, k) != v}
    for name, value in changed.items():
        setattr(agency, name, value)
    agency.save()
    audit.record(
        actor=actor,
        target=agency,
        verb="sharing.agency.policy_changed",
        organization=agency.organization,
        data={"fields": sorted(changed)},
    )
    return agency


def _preferences(agency: Agency, value: Any) -> list[str]:
    ids = [v.strip().upper() for v in (value.split(",") if isinstance(value, str) else value or []) if v.strip()]
    known = set(Agency.objects.active().filter(agency_id__in=ids).values_list("agency_id", flat=True))
    unknown = [i for i in ids if i not in known or i == agency.agency_id]
    if unknown:
        raise DomainError(_("Unknown agency ids: %(ids)s") % {"ids": ", ".join(unknown)})
    return list(dict.fromkeys(ids))
