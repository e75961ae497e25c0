"""Commitments: once the consortium has agreed terms (agreed), each member office commits to
buying at them, or withdraws, until contracts are issued. The tier is computed from the
commitments only when contracts are issued (`contracts`), so both stay free until then."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office import audit
from office.exceptions import DomainError
from procurement.consortia import permissions
from procurement.consortia.actions.common import CS, lock_consortium
from procurement.consortia.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def commitment_set(*, membership_id: int, actor: User, committed: bool) -> Membership:
    """A member commits to (or withdraws from) buying at the agreed terms. The tier follows the
    commitments when contracts are issued; until then both are free."""
    consortium = lock_consortium(Membership.objects.get(pk=membership_id).consortium_id)
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if not permissions.can_commit(actor, consortium, membership):
        if consortium.status != CS.AGREED or not membership.is_member:
            raise DomainError(_("Commitments are open only between agreement and the issue of contracts."))
        raise PermissionDenied(_("Only the office itself commits."))
    if committed == bool(membership.committed_at):
        return membership
    membership.committed_at = timezone.now() if committed else None
    membership.save(update_fields=["committed_at", "updated_at"])
    audit.record(
        actor=actor,
        target=consortium,
        verb="procurement.consortium_membership.committed"
        if committed
        else "procurement.consortium_membership.withdrawn",
        data={"office": membership.organization_id},
    )
    return membership
