"""The audit data's keys: their labels (`KEYS`), which hold ids (hidden, named or linked) and
which hold status codes (office.audit_text)."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_noop, pgettext_lazy

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

YES, NO, NONE = gettext_noop("yes"), gettext_noop("no"), "—"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
