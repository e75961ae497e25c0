"""An audit event as a sentence in the reader's language, built when read (issue 20).

`AuditEvent` stores codes: `verb` is `<app>.<entity>.<action>`, `data` a JSON dict of
machine values (amounts in minor units, status codes, ids, booleans). Nothing here is
stored: each page renders the event in the language of whoever reads it —

- the object: the target model's `verbose_name` (translated) and its name (a person's
  display name for a user; otherwise the name it had when the event was written);
- the action: the verb's last segment looked up in `ACTIONS` (a few verbs whose meaning takes
  a whole sentence have their own entry in `SENTENCES`); an unknown one is humanised;
- the actor: the person's display name, or "system" when nobody acted;
- the details: keys through `KEYS`, `*_minor` values as money (`office.money.format_money`),
  booleans as yes/no, None as "—", status codes as the target's status labels, dates by locale,
  internal ids hidden (a payment id becomes a link when the reader may open the payment).

The object is a link when `LINKS` knows its detail page and the reader may open it (the
model's `visible_to(reader)`; people: the leadership of their office).

Use `lines_for(events, reader)` once per page (a few queries per model, not one per row)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext, pgettext_lazy

from office.money import format_money

# --- the words -----------------------------------------------------------------------------

# The verb's last segment → what happened to the object, as a past participle (or a short
# phrase that reads after the object: "Purchase order PO-1 sent to the vendor").
ACTIONS: dict[str, Promise] = {
    "abandoned": pgettext_lazy("audit action", "abandoned"),
    "accepted": pgettext_lazy("audit action", "accepted"),
    "activated": pgettext_lazy("audit action", "activated"),
    "added": pgettext_lazy("audit action", "added"),
    "allocated": pgettext_lazy("audit action", "allocated"),
    "answered": pgettext_lazy("audit action", "answered"),
    "applied": pgettext_lazy("audit action", "applied for"),
    "appointed": pgettext_lazy("audit action", "appointed"),
    "approved": pgettext_lazy("audit action", "approved"),
    "assigned": pgettext_lazy("audit action", "assigned"),
    "attended": pgettext_lazy("audit action", "attended"),
    "cancel_answered": pgettext_lazy("audit action", "cancellation answered"),
    "cancel_asked": pgettext_lazy("audit action", "cancellation asked for"),
    "cancel_requested": pgettext_lazy("audit action", "cancellation requested"),
    "cancelled": pgettext_lazy("audit action", "cancelled"),
    "catalog_imported": pgettext_lazy("audit action", "catalogue imported"),
    "catalog_synced": pgettext_lazy("audit action", "catalogue synchronised"),
    "changed": pgettext_lazy("audit action", "changed"),
    "checked_in": pgettext_lazy("audit action", "checked in"),
    "client_paid": pgettext_lazy("audit action", "paid by the client"),
    "closed": pgettext_lazy("audit action", "closed"),
    "committed": pgettext_lazy("audit action", "committed"),
    "completed": pgettext_lazy("audit action", "completed"),
    "condition_accepted": pgettext_lazy("audit action", "condition accepted"),
    "condition_rejected": pgettext_lazy("audit action", "condition declined"),
    "conditional": pgettext_lazy("audit action", "answered with a condition"),
    "confirmation_resent": pgettext_lazy("audit action", "confirmation e-mail sent again"),
    "contact_updated": pgettext_lazy("audit action", "contact details updated"),
    "contracts_issued": pgettext_lazy("audit action", "contracts issued"),
    "copied": pgettext_lazy("audit action", "copied"),
    "copyright_declared": pgettext_lazy("audit action", "copyright declaration made"),
    "created": pgettext_lazy("audit action", "created"),
    "deactivated": pgettext_lazy("audit action", "deactivated"),
    "dead": pgettext_lazy("audit action", "found to be a dead link"),
    "deadline_set": pgettext_lazy("audit action", "deadline set"),
    "declined": pgettext_lazy("audit action", "declined"),
    "deleted": pgettext_lazy("audit action", "deleted"),
    "delivered": pgettext_lazy("audit action", "delivered"),
    "deputy_ended": pgettext_lazy("audit action", "deputy period ended"),
    "deputy_named": pgettext_lazy("audit action", "deputy named"),
    "digest": pgettext_lazy("audit action", "digest sent"),
    "digest_built": pgettext_lazy("audit action", "digest built"),
    "document_added": pgettext_lazy("audit action", "document added"),
    "downloaded": pgettext_lazy("audit action", "downloaded"),
    "draft": pgettext_lazy("audit action", "returned to draft"),
    "drill_failed": pgettext_lazy("audit action", "restore drill failed"),
    "edited": pgettext_lazy("audit action", "edited"),
    "email_confirmed": pgettext_lazy("audit action", "e-mail address confirmed"),
    "encumbered": pgettext_lazy("audit action", "committed"),
    "expect_to_supply": pgettext_lazy("audit action", "expected to be supplied"),
    "expired": pgettext_lazy("audit action", "expired"),
    "expiring": pgettext_lazy("audit action", "about to expire"),
    "failed": pgettext_lazy("audit action", "failed"),
    "file_added": pgettext_lazy("audit action", "file added"),
    "file_deleted": pgettext_lazy("audit action", "delivered file deleted"),
    "file_removed": pgettext_lazy("audit action", "file removed"),
    "finished": pgettext_lazy("audit action", "finished"),
    "flagged": pgettext_lazy("audit action", "flagged for review"),
    "flagged_late": pgettext_lazy("audit action", "flagged as late"),
    "founded": pgettext_lazy("audit action", "founded"),
    "functions_changed": pgettext_lazy("audit action", "functions changed"),
    "head_approved": pgettext_lazy("audit action", "approved by the department"),
    "in_review": pgettext_lazy("audit action", "taken into review"),
    "invited": pgettext_lazy("audit action", "invited"),
    "invoiced": pgettext_lazy("audit action", "invoiced"),
    "iso18626_ignored": pgettext_lazy("audit action", "partner message changed nothing"),
    "iso18626_in": pgettext_lazy("audit action", "partner message received"),
    "iso18626_out": pgettext_lazy("audit action", "partner message sent"),
    "iso_message_refused": pgettext_lazy("audit action", "partner message refused"),
    "issued": pgettext_lazy("audit action", "issued"),
    "item_added": pgettext_lazy("audit action", "item added"),
    "joined": pgettext_lazy("audit action", "joined"),
    "language_set": pgettext_lazy("audit action", "language set"),
    "lapsed": pgettext_lazy("audit action", "lapsed"),
    "late": pgettext_lazy("audit action", "late"),
    "left": pgettext_lazy("audit action", "left"),
    "member_signed": pgettext_lazy("audit action", "signed by a member"),
    "message_posted": pgettext_lazy("audit action", "message posted"),
    "moved": pgettext_lazy("audit action", "moved"),
    "new": pgettext_lazy("audit action", "reopened"),
    "nominated": pgettext_lazy("audit action", "nomination made"),
    "opened": pgettext_lazy("audit action", "opened"),
    "ordered": pgettext_lazy("audit action", "ordered"),
    "overdue": pgettext_lazy("audit action", "overdue"),
    "overdue_reminded": pgettext_lazy("audit action", "overdue reminder sent"),
    "paid": pgettext_lazy("audit action", "paid"),
    "paid_after_close": pgettext_lazy("audit action", "paid after it was closed"),
    "paid_twice": pgettext_lazy("audit action", "paid twice"),
    "paid_when_closed": pgettext_lazy("audit action", "paid after it was closed"),
    "partially_refunded": pgettext_lazy("audit action", "partly refunded"),
    "partner_changed": pgettext_lazy("audit action", "partner details changed"),
    "partner_created": pgettext_lazy("audit action", "partner added"),
    "payment_mismatched": pgettext_lazy("audit action", "paid with a different amount than expected"),
    "period_paid": pgettext_lazy("audit action", "period paid"),
    "placed": pgettext_lazy("audit action", "placed"),
    "policy_changed": pgettext_lazy("audit action", "lending policy changed"),
    "posted": pgettext_lazy("audit action", "posted"),
    "priced": pgettext_lazy("audit action", "priced"),
    "processing": pgettext_lazy("audit action", "being processed"),
    "profile_changed": pgettext_lazy("audit action", "profile changed"),
    "promoted": pgettext_lazy("audit action", "moved up from the waiting list"),
    "provider_signed": pgettext_lazy("audit action", "signed by the provider"),
    "published": pgettext_lazy("audit action", "published"),
    "queued": pgettext_lazy("audit action", "queued"),
    "quoted": pgettext_lazy("audit action", "quoted"),
    "raised": pgettext_lazy("audit action", "raised"),
    "reactivated": pgettext_lazy("audit action", "reactivated"),
    "reassigned": pgettext_lazy("audit action", "reassigned"),
    "recalled": pgettext_lazy("audit action", "recalled"),
    "received": pgettext_lazy("audit action", "received"),
    "refund_failed": pgettext_lazy("audit action", "refund failed"),
    "refund_requested": pgettext_lazy("audit action", "refund requested"),
    "refunded": pgettext_lazy("audit action", "refunded"),
    "refused": pgettext_lazy("audit action", "refused"),
    "registered": pgettext_lazy("audit action", "registered"),
    "reinvited": pgettext_lazy("audit action", "invited again"),
    "rejected": pgettext_lazy("audit action", "rejected"),
    "released": pgettext_lazy("audit action", "released"),
    "reminded": pgettext_lazy("audit action", "reminded"),
    "reminder": pgettext_lazy("audit action", "reminder sent"),
    "renewal_answered": pgettext_lazy("audit action", "renewal answered"),
    "renewal_asked": pgettext_lazy("audit action", "renewal asked for"),
    "renewal_started": pgettext_lazy("audit action", "renewal started"),
    "renewed": pgettext_lazy("audit action", "renewed"),
    "replied": pgettext_lazy("audit action", "replied to"),
    "report_sent": pgettext_lazy("audit action", "report sent"),
    "representative_set": pgettext_lazy("audit action", "representative set"),
    "request_declined": pgettext_lazy("audit action", "request declined"),
    "requested": pgettext_lazy("audit action", "requested"),
    "requires_action": pgettext_lazy("audit action", "waiting for the payer's confirmation"),
    "retired": pgettext_lazy("audit action", "retired"),
    "returned": pgettext_lazy("audit action", "returned"),
    "review_started": pgettext_lazy("audit action", "review started"),
    "reviewer_changed": pgettext_lazy("audit action", "given to another reviewer"),
    "revised": pgettext_lazy("audit action", "revised"),
    "revoked": pgettext_lazy("audit action", "revoked"),
    "rota_exhausted": pgettext_lazy("audit action", "left unfilled: no lender left"),
    "saved": pgettext_lazy("audit action", "saved"),
    "secret_rotated": pgettext_lazy("audit action", "secret replaced"),
    "secret_set": pgettext_lazy("audit action", "secret set"),
    "sent": pgettext_lazy("audit action", "sent"),
    "shipped": pgettext_lazy("audit action", "shipped"),
    "spam": pgettext_lazy("audit action", "marked as spam"),
    "spent": pgettext_lazy("audit action", "spent"),
    "started": pgettext_lazy("audit action", "started"),
    "submitted": pgettext_lazy("audit action", "submitted"),
    "succeeded": pgettext_lazy("audit action", "succeeded"),
    "taken_over": pgettext_lazy("audit action", "taken over"),
    "tracked": pgettext_lazy("audit action", "tracking updated"),
    "trainer_changed": pgettext_lazy("audit action", "trainer changed"),
    "transferred": pgettext_lazy("audit action", "transferred"),
    "unconfirmed_removed": pgettext_lazy("audit action", "removed as never confirmed"),
    "unfilled": pgettext_lazy("audit action", "could not be supplied"),
    "unpublished": pgettext_lazy("audit action", "unpublished"),
    "updated": pgettext_lazy("audit action", "updated"),
    "upgraded": pgettext_lazy("audit action", "upgraded"),
    "vote_changed": pgettext_lazy("audit action", "vote changed"),
    "voted": pgettext_lazy("audit action", "voted on"),
    "welcome": pgettext_lazy("audit action", "welcome message sent"),
    "will_supply": pgettext_lazy("audit action", "will be supplied"),
    "withdrawn": pgettext_lazy("audit action", "withdrawn"),
    "work_handed_over": pgettext_lazy("audit action", "work handed over"),
    "work_logged": pgettext_lazy("audit action", "work logged"),
}

# Verbs whose meaning a participle does not carry: a whole sentence. %(object)s is the object
# ("Staff member Wang Li"), %(name)s the object's name alone.
SENTENCES: dict[str, str] = {
    "office.demo.welcome": gettext_noop("Demonstration data loaded"),
    "office.preference.language_set": gettext_noop("Interface language chosen"),
    "office.backup.overdue": gettext_noop("No backup ran in time"),
    "payments.refund_failed": gettext_noop("A refund failed"),
    "marketing.subject_link.dead": gettext_noop("A subject link no longer answers"),
}

# What an event is about when it has no target (the verb's middle segment).
ENTITIES: dict[str, Promise] = {
    "agency": pgettext_lazy("audit object", "agency"),
    "backup": pgettext_lazy("audit object", "backup"),
    "backup_retention": pgettext_lazy("audit object", "backup retention"),
    "budget": pgettext_lazy("audit object", "budget"),
    "client": pgettext_lazy("audit object", "client"),
    "import": pgettext_lazy("audit object", "import"),
    "order": pgettext_lazy("audit object", "order"),
    "payment": pgettext_lazy("audit object", "payment"),
    "refund": pgettext_lazy("audit object", "refund"),
    "schedule": pgettext_lazy("audit object", "schedule"),
    "staff": pgettext_lazy("audit object", "staff member"),
}

# Data keys → their label. `*_minor` keys fall back to the key without the suffix.
KEYS: dict[str, Promise] = {
    "active": pgettext_lazy("audit detail", "active"),
    "added": pgettext_lazy("audit detail", "added"),
    "after": pgettext_lazy("audit detail", "after"),
    "after_seconds": pgettext_lazy("audit detail", "seconds taken"),
    "amount": pgettext_lazy("audit detail", "amount"),
    "assignee": pgettext_lazy("audit detail", "assigned to"),
    "attempt": pgettext_lazy("audit detail", "attempt"),
    "auto_quoted": pgettext_lazy("audit detail", "quoted automatically"),
    "automatic": pgettext_lazy("audit detail", "automatic"),
    "before": pgettext_lazy("audit detail", "before"),
    "by": pgettext_lazy("audit detail", "by"),
    "by_buyer": pgettext_lazy("audit detail", "by the buyer"),
    "cancelled": pgettext_lazy("audit detail", "cancelled"),
    "carrier": pgettext_lazy("audit detail", "carrier"),
    "change_note": pgettext_lazy("audit detail", "note on the change"),
    "changes": pgettext_lazy("audit detail", "changes"),
    "channel": pgettext_lazy("audit detail", "channel"),
    "charges": pgettext_lazy("audit detail", "charges"),
    "code": pgettext_lazy("audit detail", "code"),
    "comment": pgettext_lazy("audit detail", "comment"),
    "contracts": pgettext_lazy("audit detail", "contracts"),
    "copy_fee": pgettext_lazy("audit detail", "copy fee"),
    "count": pgettext_lazy("audit detail", "count"),
    "coupon": pgettext_lazy("audit detail", "coupon"),
    "created": pgettext_lazy("audit detail", "created"),
    "credit": pgettext_lazy("audit detail", "credit"),
    "credits": pgettext_lazy("audit detail", "credits"),
    "deadline": pgettext_lazy("audit detail", "deadline"),
    "department": pgettext_lazy("audit detail", "department"),
    "deputy": pgettext_lazy("audit detail", "deputy"),
    "deputy_periods_ended": pgettext_lazy("audit detail", "deputy periods ended"),
    "digest": pgettext_lazy("audit detail", "digest"),
    "discount_changed": pgettext_lazy("audit detail", "discount changed"),
    "due": pgettext_lazy("audit detail", "due"),
    "email": pgettext_lazy("audit detail", "e-mail"),
    "ends_on": pgettext_lazy("audit detail", "ends on"),
    "error": pgettext_lazy("audit detail", "error"),
    "expected": pgettext_lazy("audit detail", "expected"),
    "fee": pgettext_lazy("audit detail", "fee"),
    "fields": pgettext_lazy("audit detail", "fields"),
    "file": pgettext_lazy("audit detail", "file"),
    "files": pgettext_lazy("audit detail", "files"),
    "from": pgettext_lazy("audit detail", "from"),
    "generated": pgettext_lazy("audit detail", "generated"),
    "items": pgettext_lazy("audit detail", "items"),
    "kind": pgettext_lazy("audit detail", "kind"),
    "language": pgettext_lazy("audit detail", "language"),
    "lines": pgettext_lazy("audit detail", "lines"),
    "link": pgettext_lazy("audit detail", "link"),
    "logo": pgettext_lazy("audit detail", "logo"),
    "max_uses": pgettext_lazy("audit detail", "maximum uses"),
    "message": pgettext_lazy("audit detail", "message"),
    "minutes": pgettext_lazy("audit detail", "minutes"),
    "month": pgettext_lazy("audit detail", "month"),
    "moved": pgettext_lazy("audit detail", "moved"),
    "name": pgettext_lazy("audit detail", "name"),
    "new": pgettext_lazy("audit detail", "new"),
    "note": pgettext_lazy("audit detail", "note"),
    "number": pgettext_lazy("audit detail", "number"),
    "offering": pgettext_lazy("audit detail", "service"),
    "ok": pgettext_lazy("audit detail", "OK"),
    "old": pgettext_lazy("audit detail", "old"),
    "on": pgettext_lazy("audit detail", "on"),
    "order": pgettext_lazy("audit detail", "order"),
    "orders": pgettext_lazy("audit detail", "orders"),
    "other_attempts": pgettext_lazy("audit detail", "other attempts"),
    "payer": pgettext_lazy("audit detail", "payer"),
    "payment": pgettext_lazy("audit detail", "payment"),
    "period": pgettext_lazy("audit detail", "period"),
    "position": pgettext_lazy("audit detail", "position"),
    "previous": pgettext_lazy("audit detail", "previous"),
    "price": pgettext_lazy("audit detail", "price"),
    "pricing": pgettext_lazy("audit detail", "pricing"),
    "priority": pgettext_lazy("audit detail", "priority"),
    "problem": pgettext_lazy("audit detail", "problem"),
    "purpose": pgettext_lazy("audit detail", "purpose"),
    "purpose_closed": pgettext_lazy("audit detail", "purpose closed"),
    "quantity": pgettext_lazy("audit detail", "quantity"),
    "rating": pgettext_lazy("audit detail", "rating"),
    "reason": pgettext_lazy("audit detail", "reason"),
    "reassigned": pgettext_lazy("audit detail", "reassigned"),
    "records": pgettext_lazy("audit detail", "records"),
    "reference": pgettext_lazy("audit detail", "reference"),
    "removed": pgettext_lazy("audit detail", "removed"),
    "result": pgettext_lazy("audit detail", "result"),
    "score": pgettext_lazy("audit detail", "score"),
    "seats": pgettext_lazy("audit detail", "seats"),
    "shared": pgettext_lazy("audit detail", "shared"),
    "side": pgettext_lazy("audit detail", "side"),
    "silent_since": pgettext_lazy("audit detail", "silent since"),
    "size": pgettext_lazy("audit detail", "size"),
    "slug": pgettext_lazy("audit detail", "web address"),
    "source": pgettext_lazy("audit detail", "source"),
    "status": pgettext_lazy("audit detail", "status"),
    "successor": pgettext_lazy("audit detail", "successor"),
    "tag": pgettext_lazy("audit detail", "tag"),
    "tie_broken": pgettext_lazy("audit detail", "tie broken"),
    "tiers": pgettext_lazy("audit detail", "price tiers"),
    "to": pgettext_lazy("audit detail", "to"),
    "total": pgettext_lazy("audit detail", "total"),
    "tracking": pgettext_lazy("audit detail", "tracking number"),
    "until": pgettext_lazy("audit detail", "until"),
    "updated": pgettext_lazy("audit detail", "updated"),
    "use": pgettext_lazy("audit detail", "use"),
    "username": pgettext_lazy("audit detail", "user name"),
    "vendor": pgettext_lazy("audit detail", "vendor"),
    "version": pgettext_lazy("audit detail", "version"),
}

# Keys whose values are internal ids: not shown (a payment's id becomes a link, see LINKED_KEYS).
ID_KEYS = {
    "agency_id", "assignee_id", "candidate", "creditor", "debtor", "delivery", "document", "event",
    "id", "invoice", "item", "job_id", "lender", "licence", "line", "nomination", "offer", "office",
    "organization_id", "parent", "partner", "pk", "previous_assignee_id", "purpose_id", "receipt",
    "record", "record_id", "refund", "registration", "representative", "request", "reviewer", "row",
    "sha256", "security_code", "staff", "user", "winner",
}  # fmt: skip
# Keys whose int value names a person (shown by name) or a unit/position (shown by name).
PERSON_KEYS = {"assignee", "deputy", "successor", "by", "payer"}
NAMED_KEYS = {"department": ("office", "Department"), "position": ("office", "Position")}
# Keys whose id is linked to the object's page when the reader may open it.
LINKED_KEYS = {"payment": ("payments", "Payment")}
STATUS_KEYS = {"status", "from", "to", "previous", "before", "after", "old", "new"}

# Detail pages: model label → URL name (argument: the primary key).
LINKS: dict[str, str] = {
    "procurement.purchaserequest": "procurement:request_detail",
    "procurement.purchaseorder": "procurement:order_detail",
    "procurement.vendor": "procurement:vendor_detail",
    "procurement.licence": "procurement:licence_detail",
    "procurement.consortium": "procurement:consortium_detail",
    "procurement.contract": "procurement:contract_detail",
    "cataloging.bibrecord": "cataloging:record_detail",
    "services.serviceorder": "services:order_detail",
    "services.subscription": "services:subscription_detail",
    "services.consultation": "services:consultation_detail",
    "sharing.sharingrequest": "sharing:request_detail",
    "sharing.settlement": "sharing:settlement_detail",
    "payments.payment": "payments:payment_detail",
}

YES, NO, NONE = gettext_noop("yes"), gettext_noop("no"), "—"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


# --- the result -----------------------------------------------------------------------------


@dataclass
class Detail:
    label: str
    value: str
    url: str = ""


@dataclass
class AuditLine:
    event: Any
    verb: str
    action: str  # "approved"
    kind: str  # "purchase request"
    name: str  # "PR-2026-0001" / "Wang Li"
    url: str  # the object's page, or ""
    actor: str  # "Wang Li" / "system"
    system: bool
    summary: str  # "Purchase request PR-2026-0001 approved"
    sentence: str  # "... approved by Wang Li"
    summary_html: str = ""  # the same, the object's name a link when the reader may open it
    sentence_html: str = ""
    details: list[Detail] = field(default_factory=list)


# --- rendering ------------------------------------------------------------------------------


def humanise(code: str) -> str:
    return str(code).replace("_", " ").strip()


def action_text(verb: str) -> str:
    last = verb.rsplit(".", 1)[-1]
    msgid = ACTIONS.get(last)
    return str(msgid) if msgid else humanise(last)


def actor_name(user: Any) -> str:
    if user is None:
        return _("system")
    from services.templatetags.people import person_name

    return person_name(user) or _("system")


class _Objects:
    """The targets and the objects `data` points at, loaded in one query per model."""

    def __init__(self, events: list[Any], reader: Any) -> None:
        self.reader = reader
        self.targets: dict[tuple[int, str], models.Model] = {}
        self.openable: set[tuple[str, str]] = set()
        self.extra: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
        wanted: dict[int, set[str]] = defaultdict(set)
        for event in events:
            if event.target_type_id and event.target_id:
                wanted[event.target_type_id].add(event.target_id)
        for type_id, ids in wanted.items():
            model = _model_of_type(type_id)
            if model is None:
                continue
            pks = _pks(model, ids)
            if not pks:
                continue
            qs = model._default_manager.filter(pk__in=pks)
            if model is get_user_model():
                qs = qs.select_related("staff_profile")
            for obj in qs:
                self.targets[(type_id, str(obj.pk))] = obj
            self._check_open(model, pks)
        self._load_data_objects(events)

    def _check_open(self, model: type[models.Model], pks: list[Any]) -> None:
        label = model._meta.label_lower
        if model is get_user_model():
            from office.access import staff_profile
            from office.permissions import can_manage_org

            profile = staff_profile(self.reader)
            if profile is None or not can_manage_org(self.reader):  # the guard of the person page
                return
            from office.models import StaffProfile

            ids = StaffProfile.objects.filter(user_id__in=pks, organization_id=profile.organization_id)
            self.openable |= {(label, str(pk)) for pk in ids.values_list("user_id", flat=True)}
            return
        if label not in LINKS:
            return
        manager = model._default_manager
        if not hasattr(manager, "visible_to"):
            return
        try:
            ids = manager.visible_to(self.reader).filter(pk__in=pks).values_list("pk", flat=True)
            self.openable |= {(label, str(pk)) for pk in ids}
        except Exception:  # a scope that cannot be computed for this reader: no links
            return

    def _load_data_objects(self, events: list[Any]) -> None:
        from django.apps import apps

        wanted: dict[tuple[str, str], set[Any]] = defaultdict(set)
        for event in events:
            for key, value in _walk(event.data):
                if not _is_id(value):
                    continue
                if key in PERSON_KEYS:
                    wanted[("auth", "User")].add(value)
                elif key in NAMED_KEYS:
                    wanted[NAMED_KEYS[key]].add(value)
                elif key in LINKED_KEYS:
                    wanted[LINKED_KEYS[key]].add(value)
        for (app, name), ids in wanted.items():
            model = get_user_model() if app == "auth" else apps.get_model(app, name)
            qs = model._default_manager.filter(pk__in=ids)
            if app == "auth":
                qs = qs.select_related("staff_profile")
            self.extra[(app, name)] = {str(o.pk): o for o in qs}
            if (app, name) in LINKED_KEYS.values():
                self._check_open(model, list(ids))

    def target(self, event: Any) -> models.Model | None:
        return self.targets.get((event.target_type_id, event.target_id))

    def may_open(self, model: type[models.Model], pk: Any) -> bool:
        return (model._meta.label_lower, str(pk)) in self.openable


def _pks(model: type[models.Model], ids: set[str]) -> list[Any]:
    out = []
    for raw in ids:
        try:
            out.append(model._meta.pk.to_python(raw))
        except ValidationError:  # a stale or foreign id: not loadable
            pass
    return out


def _walk(data: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        found = []
        for k, v in data.items():
            found.extend(_walk(v, str(k)))
        return found
    return [(key, data)]


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _url_of(obj: models.Model) -> str:
    if obj.__class__ is get_user_model():
        name, arg = "office:org_person", obj.pk
    else:
        name = LINKS.get(obj._meta.label_lower, "")
        arg = obj.pk
        if not name:
            method = getattr(obj, "get_absolute_url", None)
            return str(method()) if callable(method) else ""
    try:
        return reverse(name, args=[arg])
    except NoReverseMatch:
        return ""


def _object_name(event: Any, target: models.Model | None) -> str:
    if target is not None and target.__class__ is get_user_model():
        return actor_name(target)
    return event.target_repr or (str(event.target_id) if event.target_id else "")


def _model_of_type(type_id: int | None) -> type[models.Model] | None:
    if not type_id:
        return None
    from django.contrib.contenttypes.models import ContentType

    try:
        return ContentType.objects.get_for_id(type_id).model_class()  # cached per process
    except ContentType.DoesNotExist:
        return None


def _kind(event: Any) -> str:
    model = _model_of_type(event.target_type_id)
    if model is not None:
        if model is get_user_model():
            return pgettext("audit object", "person")
        return str(model._meta.verbose_name)
    parts = event.verb.split(".")
    entity = parts[1] if len(parts) >= 3 else ""
    msgid = ENTITIES.get(entity)
    return str(msgid) if msgid else humanise(entity)


def _choice_label(model: type[models.Model] | None, field_name: str, value: Any) -> str | None:
    if model is None or not isinstance(value, str):
        return None
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    for code, label in getattr(model_field, "flatchoices", None) or []:
        if code == value:
            return str(label)
    return None


def _field_label(model: type[models.Model] | None, name: Any) -> str:
    if model is not None and isinstance(name, str):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            return humanise(name)
    return humanise(name)


class _Details:
    def __init__(self, event: Any, target: models.Model | None, objects: _Objects) -> None:
        self.event = event
        self.data = event.data if isinstance(event.data, dict) else {}
        self.model = _model_of_type(event.target_type_id)
        self.target = target
        self.objects = objects
        self.currency = str(
            self.data.get("currency") or getattr(target, "currency", "") or getattr(settings, "DEFAULT_CURRENCY", "CNY")
        )

    def all(self) -> list[Detail]:
        out: list[Detail] = []
        for key, value in self.data.items():
            key = str(key)
            if key == "currency" or key.endswith("_currency") or self._hidden(key, value):
                continue
            detail = self.detail(key, value)
            if detail is not None:
                out.append(detail)
        return out

    def _hidden(self, key: str, value: Any) -> bool:
        if key.endswith("_id") or key.endswith("_pk"):
            return True
        if key in ID_KEYS and (_is_id(value) or isinstance(value, (list, type(None))) or key in {"sha256", "pk"}):
            return True
        return False

    def label(self, key: str) -> str:
        msgid = KEYS.get(key) or (KEYS.get(key[: -len("_minor")]) if key.endswith("_minor") else None)
        if msgid:
            return str(msgid)
        return humanise(key[: -len("_minor")] if key.endswith("_minor") else key)

    def detail(self, key: str, value: Any) -> Detail | None:
        label = self.label(key)
        if key in LINKED_KEYS and _is_id(value):
            obj = self.objects.extra.get(LINKED_KEYS[key], {}).get(str(value))
            if obj is None:
                return None
            url = _url_of(obj) if self.objects.may_open(obj.__class__, obj.pk) else ""
            return Detail(label, f"#{obj.pk}", url) if url else None
        text = self.value(key, value)
        if text == "":
            return None
        return Detail(label, text)

    def value(self, key: str, value: Any, currency: str | None = None) -> str:
        if value is None:
            return NONE
        if isinstance(value, bool):
            return _(YES) if value else _(NO)
        if key.endswith("_minor") and _is_id(value):
            currency = currency or self._currency_for(key)
            return format_money(value, currency)
        if _is_id(value):
            if key in PERSON_KEYS or (key in {"from", "to"} and self.model is get_user_model()):
                person = self.objects.extra.get(("auth", "User"), {}).get(str(value))
                return actor_name(person) if person is not None else ""
            if key in NAMED_KEYS:
                obj = self.objects.extra.get(NAMED_KEYS[key], {}).get(str(value))
                return str(obj) if obj is not None else ""
            if key in ID_KEYS or key in {"from", "to"}:
                return ""
            return formats.number_format(value, force_grouping=True)
        if isinstance(value, dict):
            parts = []
            for k, v in value.items():
                text = "" if self._hidden(str(k), v) else self.value(str(k), v)
                if text != "":
                    parts.append(f"{self.label(str(k))} {text}")
            return "; ".join(parts)
        if isinstance(value, list):
            if key in {"fields", "changes", "changed"}:
                return ", ".join(_field_label(self.model, v) for v in value)
            if all(_is_id(v) for v in value):
                return formats.number_format(len(value))
            return ", ".join(self.value(key, v) for v in value)
        if isinstance(value, str):
            return self.text(key, value)
        return str(value)

    def _currency_for(self, key: str) -> str:
        prefix = key[: -len("_minor")]
        return str(self.data.get(f"{prefix}_currency") or self.currency)

    def text(self, key: str, value: str) -> str:
        if key in STATUS_KEYS:
            label = _choice_label(self.model, "status", value)
            if label is not None:
                return label
        label = _choice_label(self.model, key, value)
        if label is not None:
            return label
        languages = dict(settings.LANGUAGES)
        if value in languages:
            return str(languages[value])
        if DATE.match(value):
            try:
                return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
            except ValueError:
                return value
        if DATETIME.match(value):
            try:
                return formats.date_format(dt.datetime.fromisoformat(value), "DATETIME_FORMAT")
            except ValueError:
                return value
        return value


def _both(template: str, params: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """`template` (translated) filled twice: as text, and as HTML with each value's HTML
    (escaped text, or a link) — the translation itself is ours, its % placeholders survive
    escaping."""
    text = template % {k: plain for k, (plain, _html) in params.items()}
    html = escape(template) % {k: markup for k, (_plain, markup) in params.items()}
    return text, mark_safe(html)  # noqa: S308 — every value is escaped above


def line_for(event: Any, objects: _Objects) -> AuditLine:
    verb = str(event.verb or "")
    target = objects.target(event)
    name = _object_name(event, target)
    kind = _kind(event)
    url = ""
    if target is not None and objects.may_open(target.__class__, target.pk):
        url = _url_of(target)
    name_html = format_html('<a href="{}">{}</a>', url, name) if url else escape(name)
    named = {"name": (name, name_html)}
    action = action_text(verb)
    sentence_id = SENTENCES.get(verb)
    if sentence_id:
        summary, summary_html = _(sentence_id), escape(_(sentence_id))
        if name:
            pair = (summary, summary_html)
            summary, summary_html = _both(_("%(summary)s: %(name)s"), {"summary": pair, **named})
    elif name:
        params = {"kind": (capfirst(kind), escape(capfirst(kind))), "action": (action, escape(action)), **named}
        summary, summary_html = _both(_("%(kind)s %(name)s %(action)s"), params)
    elif kind:
        params = {"kind": (capfirst(kind), escape(capfirst(kind))), "action": (action, escape(action))}
        summary, summary_html = _both(_("%(kind)s %(action)s"), params)
    else:
        summary = capfirst(action)
        summary_html = escape(summary)
    system = event.actor_id is None
    actor = actor_name(event.actor) if not system else _("system")
    done = {"summary": (summary, summary_html)}
    if system:
        sentence, sentence_html = _both(_("%(summary)s (automatically)"), done)
    else:
        done["actor"] = (actor, format_html("<strong>{}</strong>", actor))
        sentence, sentence_html = _both(_("%(summary)s by %(actor)s"), done)
    try:
        details = _Details(event, target, objects).all()
    except Exception:  # odd data from an old version: show it raw rather than fail the page
        details = [Detail(humanise(k), str(v)) for k, v in (event.data or {}).items()]
    return AuditLine(
        event=event,
        verb=verb,
        action=action,
        kind=kind,
        name=name,
        url=url,
        actor=actor,
        system=system,
        summary=summary,
        sentence=sentence,
        summary_html=summary_html,
        sentence_html=sentence_html,
        details=details,
    )


def lines_for(events: Any, reader: Any) -> list[AuditLine]:
    """Each event of `events` (a page, a list or a queryset slice) as an AuditLine."""
    rows = list(events)
    objects = _Objects(rows, reader)
    return [line_for(event, objects) for event in rows]
