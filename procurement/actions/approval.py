"""Approving purchase requests:

    draft -> submitted -> head_approved (above the head's limit) -> approved -> ordered
                 |              |                                     \\-> cancelled
                 +--------------+-> rejected | returned (-> submitted again) | cancelled

The first approval encumbers the department's budget line for the whole request; rejection,
return and cancellation release it. Heads name deputies who approve for their unit while away.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import is_director, staff_profile
from office.actions import budget_encumber, budget_release, notify
from office.exceptions import DomainError, InvalidTransition
from office.models import StaffProfile
from office.texts import when
from procurement import permissions, selectors
from procurement.actions.common import RS, lock_request, notify_many, request_url
from procurement.models import Deputy, PurchaseRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def purchase_request_submit(*, request_id: int, actor: User) -> PurchaseRequest:
    """The requester sends a draft (or returned) request to the head; notifies the approvers.
    Refuses empty requests and anybody else; a second submit finds it submitted already."""
    pr = lock_request(request_id)
    if pr.requester_id != actor.pk:
        raise PermissionDenied(_("Only the requester submits a request."))
    pr.move_to(RS.SUBMITTED)
    if not pr.lines.exists() or pr.total_minor <= 0:
        raise DomainError(_("Add at least one item with a price before submitting."))
    pr.submitted_at = timezone.now()
    pr.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(
        actor=actor, target=pr, verb="procurement.purchase_request.submitted", data={"total_minor": pr.total_minor}
    )
    notify_many(
        selectors.purchase_request_head_approver_ids(pr),
        verb="procurement.purchase_request.submitted",
        title=gettext_noop("Purchase request %(ref)s waits for your approval"),
        url=request_url(pr),
        params={"ref": pr.reference},
    )
    return pr


def _check_decider(pr: PurchaseRequest, actor: User) -> None:
    if not permissions.can_decide_at_all(actor, pr):
        raise PermissionDenied(_("You cannot decide on this request."))
    if not pr.is_pending:
        raise DomainError(
            _("This request has already been decided (it is “%(status)s”).") % {"status": pr.get_status_display()}
        )
    if not permissions.can_approve(actor, pr):
        raise DomainError(_("This request now waits for the director."))


@transaction.atomic
def purchase_request_approve(*, request_id: int, actor: User, comment: str = "") -> PurchaseRequest:
    """Approve the current stage. The first approval encumbers the total on the budget line
    (refused, with nothing written, when too little is left). Above the department's limit a
    head's approval sends the request on to the director; the director's approval is final."""
    pr = lock_request(request_id)
    _check_decider(pr, actor)
    now = timezone.now()
    if pr.status == RS.SUBMITTED:
        budget_encumber(budget_id=pr.budget_id, amount_minor=pr.total_minor, actor=actor, reference=pr.reference)
        pr.encumbered_minor = pr.total_minor
        pr.head_approved_by, pr.head_approved_at = actor, now
        final = pr.total_minor <= pr.department.approval_limit_minor or is_director(actor)
    else:
        final = True
    pr.move_to(RS.APPROVED if final else RS.HEAD_APPROVED)
    if final:
        pr.approved_by, pr.approved_at = actor, now
    pr.decision_comment = comment.strip()
    pr.save()
    audit.record(
        actor=actor,
        target=pr,
        verb="procurement.purchase_request.approved" if final else "procurement.purchase_request.head_approved",
        data={"comment": pr.decision_comment, "total_minor": pr.total_minor},
    )
    if final:
        notify(
            recipient_id=pr.requester_id,
            verb="procurement.purchase_request.approved",
            title=gettext_noop("Your purchase request %(ref)s was approved"),
            body="%(comment)s" if pr.decision_comment else "",
            url=request_url(pr),
            params={"ref": pr.reference, "comment": pr.decision_comment},
        )
    else:
        notify_many(
            selectors.purchase_request_director_ids(pr),
            verb="procurement.purchase_request.head_approved",
            title=gettext_noop("Purchase request %(ref)s is above the head's limit and waits for you"),
            url=request_url(pr),
            params={"ref": pr.reference},
        )
        notify(
            recipient_id=pr.requester_id,
            verb="procurement.purchase_request.head_approved",
            title=gettext_noop("The head approved %(ref)s; the director decides next"),
            url=request_url(pr),
            params={"ref": pr.reference},
        )
    return pr


def _release(pr: PurchaseRequest, actor: User) -> None:
    if pr.encumbered_minor:
        budget_release(budget_id=pr.budget_id, amount_minor=pr.encumbered_minor, actor=actor, reference=pr.reference)
        pr.encumbered_minor = 0


def _decide_against(
    *, request_id: int, actor: User, comment: str, status: str, verb: str, title: str
) -> PurchaseRequest:
    pr = lock_request(request_id)
    _check_decider(pr, actor)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Write a comment for the requester."))
    _release(pr, actor)
    pr.move_to(status)
    pr.decision_comment = comment
    pr.save(update_fields=["status", "decision_comment", "encumbered_minor", "updated_at"])
    audit.record(actor=actor, target=pr, verb=verb, data={"comment": comment})
    notify(
        recipient_id=pr.requester_id,
        verb=verb,
        title=title,
        body="%(comment)s",
        params={"ref": pr.reference, "comment": comment},
        url=request_url(pr),
    )
    return pr


@transaction.atomic
def purchase_request_reject(*, request_id: int, actor: User, comment: str) -> PurchaseRequest:
    """Reject a pending request with a comment; releases anything encumbered."""
    return _decide_against(
        request_id=request_id,
        actor=actor,
        comment=comment,
        status=RS.REJECTED,
        verb="procurement.purchase_request.rejected",
        title=gettext_noop("Your purchase request %(ref)s was rejected"),
    )


@transaction.atomic
def purchase_request_return(*, request_id: int, actor: User, comment: str) -> PurchaseRequest:
    """Send a pending request back for changes with a comment; releases anything encumbered."""
    return _decide_against(
        request_id=request_id,
        actor=actor,
        comment=comment,
        status=RS.RETURNED,
        verb="procurement.purchase_request.returned",
        title=gettext_noop("Your purchase request %(ref)s was returned for changes"),
    )


@transaction.atomic
def purchase_request_cancel(*, request_id: int, actor: User) -> PurchaseRequest:
    """The requester (or leadership) withdraws a request before it is ordered; releases."""
    pr = lock_request(request_id)
    if not permissions.can_cancel_request(actor, pr):
        if pr.requester_id != actor.pk and not permissions.is_leadership_of(actor, pr.organization_id):
            raise PermissionDenied(_("You cannot cancel this request."))
        raise InvalidTransition(pr, RS.CANCELLED.label)
    _release(pr, actor)
    pr.move_to(RS.CANCELLED)
    pr.save(update_fields=["status", "encumbered_minor", "updated_at"])
    audit.record(actor=actor, target=pr, verb="procurement.purchase_request.cancelled")
    return pr


@transaction.atomic
def deputy_appoint(*, actor: User, deputy_id: int, starts_on: datetime.date, ends_on: datetime.date) -> Deputy:
    """A head names a colleague of the same office to approve for their unit while away."""
    profile = staff_profile(actor)
    if not permissions.can_manage_deputies(actor) or profile is None:
        raise PermissionDenied(_("Only department heads name deputies."))
    if ends_on < starts_on:
        raise DomainError(_("The period must end after it starts."))
    if (ends_on - starts_on).days > 366:
        raise DomainError(_("Name a deputy for at most a year."))
    if (
        deputy_id == actor.pk
        or not StaffProfile.objects.filter(user_id=deputy_id, organization_id=profile.organization_id).exists()
    ):
        raise DomainError(_("Choose a colleague of your office."))
    deputy = Deputy.objects.create(
        department_id=profile.department_id, head=actor, deputy_id=deputy_id, starts_on=starts_on, ends_on=ends_on
    )
    audit.record(
        actor=actor,
        target=deputy,
        organization=profile.organization,
        verb="procurement.deputy.appointed",
        data={"deputy": deputy_id, "from": str(starts_on), "until": str(ends_on)},
    )
    notify(
        recipient_id=deputy_id,
        verb="procurement.deputy.appointed",
        title=gettext_noop("You approve purchases for %(unit)s from %(start)s to %(end)s"),
        url=reverse("procurement:approvals"),
        params={"unit": profile.department.name, "start": when(starts_on), "end": when(ends_on)},
    )
    return deputy
