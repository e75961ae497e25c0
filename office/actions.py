"""Writes of the org-structure app.

Budget line: allocate (director) -> encumber (approval) -> spend (payment) | release
(rejection, cancellation); a refund of a payment unspends it. Every movement locks the budget
row, writes a `BudgetEntry` and an audit event, and the database refuses any state where
available < 0.
Documents: each edit adds an immutable version. Notifications: in-app at once, e-mail
after commit through Celery (a periodic sweep sends what a broker outage left behind).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit, inbox, permissions
from office.exceptions import DomainError, InsufficientBudget
from office.models import (
    Announcement,
    Budget,
    BudgetEntry,
    Department,
    Document,
    DocumentVersion,
    Notification,
    StaffProfile,
)
from office.money import check_amount
from office.queue import enqueue_on_commit
from office.texts import language_for

# --- budgets ------------------------------------------------------------------------------


@transaction.atomic
def budget_allocate(*, department_id: int, fiscal_year: int, amount_minor: int, actor: Any, note: str = "") -> Budget:
    """Add `amount_minor` (negative to take back) to a department's allocation for a year.

    Refuses non-directors and any reduction below what is already encumbered or spent.
    """
    department = Department.objects.select_related("organization").get(pk=department_id)
    if not permissions.can_allocate_budget(actor, department):
        raise PermissionDenied(_("Only the director allocates budgets."))
    budget, _created = Budget.objects.get_or_create(
        department=department, fiscal_year=fiscal_year, defaults={"currency": settings.DEFAULT_CURRENCY}
    )
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    check_amount(amount_minor, budget.currency, allow_negative=True)  # a new line rolls back with the refusal
    if budget.allocated_minor + amount_minor < budget.encumbered_minor + budget.spent_minor:
        raise InsufficientBudget(_("The allocation cannot go below what is already encumbered or spent."))
    budget.allocated_minor += amount_minor
    budget.save(update_fields=["allocated_minor", "updated_at"])
    BudgetEntry.objects.create(
        budget=budget, kind=BudgetEntry.Kind.ALLOCATE, amount_minor=amount_minor, note=note, actor=actor
    )
    audit.record(
        actor=actor, target=budget, verb="office.budget.allocated", data={"amount_minor": amount_minor, "note": note}
    )
    return budget


def _post(
    budget: Budget, kind: str, amount_minor: int, verb: str, actor: Any, reference: str, note: str = ""
) -> Budget:
    """The ledger entry of a movement on a locked, updated budget line (a negative amount is
    money coming back) and its audit event, which records the amount as a positive number."""
    BudgetEntry.objects.create(
        budget=budget, kind=kind, amount_minor=amount_minor, reference=reference, note=note, actor=actor
    )
    audit.record(
        actor=actor, target=budget, verb=verb, data={"amount_minor": abs(amount_minor), "reference": reference}
    )
    return budget


@transaction.atomic
def budget_encumber(*, budget_id: int, amount_minor: int, actor: Any, reference: str = "") -> Budget:
    """Reserve money for an approved purchase; refuses if the line has too little left."""
    if amount_minor <= 0:
        raise DomainError(_("The amount must be positive."))
    budget = Budget.objects.select_for_update().get(pk=budget_id)
    if budget.available_minor < amount_minor:
        raise InsufficientBudget(_("The budget line has not enough money left for this."))
    budget.encumbered_minor += amount_minor
    budget.save(update_fields=["encumbered_minor", "updated_at"])
    return _post(budget, BudgetEntry.Kind.ENCUMBER, amount_minor, "office.budget.encumbered", actor, reference)


@transaction.atomic
def budget_release(*, budget_id: int, amount_minor: int, actor: Any, reference: str = "") -> Budget:
    """Give back an encumbrance (rejected or cancelled purchase)."""
    budget = Budget.objects.select_for_update().get(pk=budget_id)
    if amount_minor <= 0 or amount_minor > budget.encumbered_minor:
        raise DomainError(_("Only money that is encumbered can be released."))
    budget.encumbered_minor -= amount_minor
    budget.save(update_fields=["encumbered_minor", "updated_at"])
    return _post(budget, BudgetEntry.Kind.RELEASE, amount_minor, "office.budget.released", actor, reference)


@transaction.atomic
def budget_spend(
    *, budget_id: int, amount_minor: int, actor: Any, reference: str = "", encumbered_minor: int | None = None
) -> Budget:
    """Turn an encumbrance into spending when the purchase is paid.

    `encumbered_minor` is what was reserved for it (default: the same amount); any difference
    between reservation and actual payment is released or drawn from what is available.
    """
    reserved = amount_minor if encumbered_minor is None else encumbered_minor
    budget = Budget.objects.select_for_update().get(pk=budget_id)
    if amount_minor <= 0 or reserved < 0 or reserved > budget.encumbered_minor:
        raise DomainError(_("Only money that is encumbered can be spent."))
    extra = amount_minor - reserved
    if extra > budget.available_minor:
        raise InsufficientBudget(_("The budget line has not enough money left for this."))
    budget.encumbered_minor -= reserved
    budget.spent_minor += amount_minor
    budget.save(update_fields=["encumbered_minor", "spent_minor", "updated_at"])
    return _post(budget, BudgetEntry.Kind.SPEND, amount_minor, "office.budget.spent", actor, reference)


@transaction.atomic
def budget_unspend(*, budget_id: int, amount_minor: int, actor: Any, reference: str = "", note: str = "") -> Budget:
    """Give refunded money back to a budget line: spending goes down, available goes up by the
    same amount (nothing is re-encumbered). The ledger shows it as negative spending.

    Refuses an amount that is not positive or is more than the line has spent.
    """
    budget = Budget.objects.select_for_update().get(pk=budget_id)
    if amount_minor <= 0 or amount_minor > budget.spent_minor:
        raise DomainError(_("Only money that was spent can be refunded to the budget."))
    budget.spent_minor -= amount_minor
    budget.save(update_fields=["spent_minor", "updated_at"])
    return _post(budget, BudgetEntry.Kind.SPEND, -amount_minor, "office.budget.refunded", actor, reference, note)


# --- documents -------------------------------------------------------------------------------


@transaction.atomic
def document_save_version(
    *, document: Document, body: str, body_zh: str = "", change_note: str = "", actor: Any
) -> DocumentVersion:
    """Create or update a document by adding a new numbered version; old versions stay."""
    if not permissions.can_manage_documents(actor, document.organization):
        raise PermissionDenied(_("You cannot edit this office's policies."))
    if not body.strip():
        raise DomainError(_("The text cannot be empty."))
    created = document.pk is None
    document.save()
    document = Document.objects.select_for_update().get(pk=document.pk)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=document, number=number, body=body, body_zh=body_zh, change_note=change_note, author=actor
    )
    document.current_version = number
    document.save(update_fields=["current_version", "updated_at"])
    audit.record(
        actor=actor,
        target=document,
        verb="office.document.created" if created else "office.document.revised",
        data={"version": number, "change_note": change_note},
    )
    return version


# --- announcements ---------------------------------------------------------------------------


@transaction.atomic
def announcement_publish(*, announcement: Announcement, actor: Any) -> Announcement:
    """Save a new or edited announcement and notify its audience once, when first published."""
    created = announcement.pk is None
    if created:
        if not permissions.can_post_announcement(actor, announcement.organization, announcement.department):
            raise PermissionDenied(_("You cannot post announcements here."))
        announcement.author = actor
    elif not permissions.can_edit_announcement(actor, announcement):
        raise PermissionDenied(_("You cannot edit this announcement."))
    announcement.save()
    audit.record(
        actor=actor,
        target=announcement,
        verb="office.announcement.published" if created else "office.announcement.edited",
    )
    if created:
        audience = StaffProfile.objects.filter(organization=announcement.organization).exclude(user=actor)
        if announcement.department_id:
            # The department's own staff and the staff of its groups: everyone who can read it.
            audience = audience.filter(
                Q(department_id=announcement.department_id) | Q(department__parent_id=announcement.department_id)
            )
        for user_id in audience.values_list("user_id", flat=True):
            notify(
                recipient_id=user_id,
                verb="office.announcement.published",
                title=gettext_noop("New announcement: %(title)s"),
                url=reverse("office:announcement_detail", kwargs={"pk": announcement.pk}),
                send_email=False,
                params={"title": announcement.title},
            )
    return announcement


# --- staff profiles --------------------------------------------------------------------------

CONTACT_FIELDS = ("phone", "extension", "room", "duties")


@transaction.atomic
def staff_profile_update_contact(*, profile_id: int, actor: Any, **changes: str) -> StaffProfile:
    """A staff member edits their own contact details; office, department and position are
    never changed here (they come from the leadership through the admin)."""
    profile = StaffProfile.objects.select_for_update().get(pk=profile_id)
    if profile.user_id != actor.pk:
        raise PermissionDenied(_("You can only edit your own contact details."))
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise DomainError(_("These details cannot be changed here."))
    changed = {k: v for k, v in changes.items() if getattr(profile, k) != v}
    for field, value in changed.items():
        setattr(profile, field, value)
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=actor, target=profile, verb="office.staff_profile.contact_updated", data={"fields": sorted(changed)}
        )
    return profile


# --- notifications ---------------------------------------------------------------------------


def notify(
    *,
    recipient_id: int,
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    send_email: bool = True,
    params: dict[str, Any] | None = None,
) -> Notification:
    """Create an in-app notification; its e-mail copy goes out after commit.

    With `params` (a dict, possibly empty), `title` and `body` are English message ids marked
    with gettext_noop, rendered in the reader's language when read or e-mailed
    (office/texts.py). Without, they are stored text (legacy callers)."""
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        verb=verb,
        title=title[:200],
        body=body,
        url=url,
        send_email=send_email,
        params=params,
    )
    inbox.invalidate(recipient_id)  # the recipient's unread count and tasks, after commit
    if send_email:
        from office.tasks import notification_email_task

        enqueue_on_commit(notification_email_task, notification_id=notification.pk)
    return notification


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail copy once. Idempotent: a redelivered task finds `emailed_at` set."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().select_related("recipient").get(pk=notification_id)
        if notification.emailed_at or not notification.send_email or not notification.recipient.email:
            return False
        with translation.override(language_for(notification.recipient)):
            subject, body = notification.title_text, notification.body_text
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL}{notification.url}".strip()
        send_mail(subject, body, None, [notification.recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of `user` as read."""
    qs = Notification.objects.visible_to(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


# --- approval limits -----------------------------------------------------------------------


@transaction.atomic
def department_approval_limit_set(*, department_id: int, actor: Any, limit_minor: int) -> tuple[Department, bool]:
    """Set how much a unit's head approves alone (procurement routes requests by it). Only the
    director of the unit's office; the new limit applies to approvals from now on. Row-locked;
    a change is audited with the old and the new value, the same value again changes nothing.
    Returns the unit and whether the limit changed."""
    from office.access import is_director, same_office

    department = Department.objects.select_for_update().get(pk=department_id)
    if not (is_director(actor) and same_office(actor, department.organization_id)):
        raise PermissionDenied(_("Only the director sets approval limits."))
    if isinstance(limit_minor, int) and limit_minor < 0:
        raise DomainError(_("An approval limit cannot be negative."))
    check_amount(limit_minor, settings.DEFAULT_CURRENCY, allow_zero=True)
    old = department.approval_limit_minor
    if limit_minor == old:
        return department, False
    department.approval_limit_minor = limit_minor
    department.save(update_fields=["approval_limit_minor"])
    # The verb keeps the procurement prefix: the limit is procurement's rule and the audit
    # log's filters and reports already know it under this name.
    audit.record(
        actor=actor,
        target=department,
        verb="procurement.approval_limit.changed",
        data={"old_minor": old, "new_minor": limit_minor, "currency": settings.DEFAULT_CURRENCY},
    )
    return department, True
