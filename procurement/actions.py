"""Every write of purchasing.

Purchase request:
    draft -> submitted -> head_approved (above the head's limit) -> approved -> ordered
                 |              |                                     \\-> cancelled
                 +--------------+-> rejected | returned (-> submitted again) | cancelled
The first approval encumbers the department's budget line for the whole request; rejection,
return and cancellation release it. Placing the orders splits the request per vendor; each
order carries its share of the encumbrance, which payment turns into spending.

Purchase order:
    placed -> confirmed -> paid -> shipped -> partially_received -> received -> invoiced -> closed
       \\-> cancelled (before payment; releases its encumbrance)

Lock order everywhere: purchase request, then purchase order, then budget line (the budget
actions lock the budget row last). Nothing leaves before commit (`enqueue_on_commit`).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from office import audit
from office.access import Role, is_director, staff_profile
from office.actions import budget_encumber, budget_release, budget_spend, budget_unspend, notify
from office.exceptions import DomainError, InvalidTransition
from office.models import Budget, StaffProfile
from office.money import format_money, parse_money
from office.queue import enqueue_on_commit
from procurement import permissions
from procurement.integrations import VendorApiError, VendorEvent, adapter_for
from procurement.models import (
    MAX_PRICE_MINOR,
    MAX_QUANTITY,
    CartLine,
    Deputy,
    Invoice,
    Licence,
    OrderCounter,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    Receipt,
    ReceiptLine,
    TrackingEvent,
    Vendor,
    VendorItem,
)

logger = logging.getLogger(__name__)
RS = PurchaseRequest.Status
OS = PurchaseOrder.Status
PURCHASE_ORDER_PURPOSE = "procurement.purchase_order"
# Vendor news that moves an order forward; everything else only lands on the timeline.
VENDOR_STATUS_MOVES = {"accepted": OS.CONFIRMED, "confirmed": OS.CONFIRMED, "shipped": OS.SHIPPED}
LICENCE_REMINDER_DAYS = 30


def check_quantity(quantity: Any) -> int:
    try:
        value = int(quantity)
    except (TypeError, ValueError):
        raise DomainError(_("Enter the quantity as a whole number.")) from None
    if not 1 <= value <= MAX_QUANTITY:
        raise DomainError(_("The quantity must lie between 1 and %(max)s.") % {"max": MAX_QUANTITY})
    return value


def _request_url(pr: PurchaseRequest) -> str:
    return reverse("procurement:request_detail", kwargs={"pk": pr.pk})


def _order_url(order: PurchaseOrder) -> str:
    return reverse("procurement:order_detail", kwargs={"pk": order.pk})


# --- catalog ---------------------------------------------------------------------------------

CSV_COLUMNS = ("sku", "title", "title_zh", "kind", "format", "isbn", "term_months", "price", "currency", "available")


def normalize_isbn(value: str) -> str:
    """ISBN-10 and ISBN-13 become the same ISBN-13 (so offers compare); ISSNs stay compact."""
    value = (value or "").strip()
    if not value:
        return ""
    if stdnum_isbn.is_valid(value):
        return stdnum_isbn.to_isbn13(stdnum_isbn.compact(value))
    if stdnum_issn.is_valid(value):
        return stdnum_issn.compact(value)
    raise DomainError(_("%(value)s is not a valid ISBN or ISSN.") % {"value": value[:30]})


def clean_item_row(row: dict[str, Any], *, price_minor: int | None = None) -> dict[str, Any]:
    """One catalog row (from CSV or a vendor's API) checked and converted, or DomainError."""
    sku = str(row.get("sku") or "").strip()
    title = str(row.get("title") or "").strip()
    if not sku or len(sku) > 64:
        raise DomainError(_("Every item needs an item number of at most 64 characters."))
    if not title or len(title) > 300:
        raise DomainError(_("Every item needs a title of at most 300 characters."))
    kind = str(row.get("kind") or VendorItem.Kind.BOOK).strip()
    fmt = str(row.get("format") or VendorItem.Format.PRINT).strip()
    if kind not in VendorItem.Kind.values:
        raise DomainError(_("Unknown item type %(value)s.") % {"value": kind[:30]})
    if fmt not in VendorItem.Format.values:
        raise DomainError(_("Unknown format %(value)s.") % {"value": fmt[:30]})
    currency = str(row.get("currency") or settings.DEFAULT_CURRENCY).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise DomainError(_("The currency must be a three-letter code such as CNY."))
    if price_minor is None:
        try:
            price_minor = parse_money(str(row.get("price") or ""), currency)
        except ValueError as exc:
            raise DomainError(str(exc)) from None
    if not isinstance(price_minor, int) or isinstance(price_minor, bool):
        raise DomainError(_("The price must be a whole number of minor units."))
    if not 0 <= price_minor <= MAX_PRICE_MINOR:
        raise DomainError(_("The price must be between zero and %(max)s.") % {"max": MAX_PRICE_MINOR // 100})
    term = str(row.get("term_months") or "").strip()
    term_months = None
    if term:
        if not term.isdigit() or not 1 <= int(term) <= 120:
            raise DomainError(_("The rental term must be between 1 and 120 months."))
        term_months = int(term)
    if fmt == VendorItem.Format.USAGE_RIGHT and term_months is None:
        raise DomainError(_("A usage-right rental needs a term in months."))
    available = str(row.get("available", "yes")).strip().lower() not in {"0", "no", "false", "n"}
    return {
        "sku": sku,
        "title": title,
        "title_zh": str(row.get("title_zh") or "").strip()[:300],
        "kind": kind,
        "format": fmt,
        "isbn": normalize_isbn(str(row.get("isbn") or "")),
        "term_months": term_months,
        "price_minor": price_minor,
        "currency": currency,
        "available": available,
    }


def _upsert_items(vendor: Vendor, rows: list[dict[str, Any]]) -> tuple[int, int]:
    created = updated = 0
    for row in rows:
        _item, was_created = VendorItem.objects.update_or_create(
            vendor=vendor, sku=row["sku"], defaults={k: v for k, v in row.items() if k != "sku"}
        )
        created += was_created
        updated += not was_created
    return created, updated


@transaction.atomic
def vendor_save(*, vendor: Vendor, actor: Any, changed: list[str] | None = None) -> Vendor:
    """Save a vendor from a checked form's instance: a new one (no pk) joins the actor's office.
    Refuses those who do not manage the office's vendors (PermissionDenied) and a code another
    vendor of the office already uses (DomainError, nothing saved). Audited with the changed
    fields."""
    created = vendor.pk is None
    if created:
        profile = staff_profile(actor)
        if profile is None:
            raise PermissionDenied(_("You cannot manage vendors."))
        vendor.organization_id = profile.organization_id
    if not permissions.can_manage_vendors(actor, vendor.organization_id):
        raise PermissionDenied(_("You cannot manage vendors."))
    try:
        with transaction.atomic():  # a savepoint: the unique (office, code) constraint may refuse
            vendor.save()
    except IntegrityError:
        raise DomainError(_("Another vendor of your office uses this code.")) from None
    audit.record(
        actor=actor,
        target=vendor,
        verb="procurement.vendor.created" if created else "procurement.vendor.edited",
        data={"fields": sorted(changed or [])},
    )
    return vendor


@transaction.atomic
def vendor_items_import_csv(*, vendor_id: int, actor: Any, data: bytes) -> tuple[int, int]:
    """Create or update catalog items from a CSV file (UTF-8, header row with CSV_COLUMNS).
    All or nothing: any bad row refuses the whole file with the row numbers named."""
    vendor = Vendor.objects.select_for_update().get(pk=vendor_id)
    if not permissions.can_edit_vendor(actor, vendor):
        raise PermissionDenied(_("You cannot change this vendor's catalog."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = {"sku", "title", "price"} - set(reader.fieldnames or [])
    if missing:
        raise DomainError(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))})
    rows, errors, seen = [], [], set()
    for number, raw in enumerate(reader, start=2):
        if number > 10_001:
            raise DomainError(_("Import at most 10,000 rows at a time."))
        try:
            row = clean_item_row(raw)
            if row["sku"] in seen:
                raise DomainError(_("The item number appears twice."))
            seen.add(row["sku"])
            rows.append(row)
        except DomainError as exc:
            errors.append(_("Row %(row)s: %(error)s") % {"row": number, "error": exc})
    if errors:
        raise DomainError(
            " ".join(errors[:10]) + (_(" (and %(n)s more)") % {"n": len(errors) - 10} if len(errors) > 10 else "")
        )
    if not rows:
        raise DomainError(_("The file has no rows."))
    created, updated = _upsert_items(vendor, rows)
    audit.record(
        actor=actor,
        target=vendor,
        verb="procurement.vendor.catalog_imported",
        data={"created": created, "updated": updated},
    )
    return created, updated


def vendor_catalog_sync(*, vendor_id: int, actor: Any = None) -> tuple[int, int]:
    """Fetch an API vendor's catalog (no lock held while waiting) and upsert it all or nothing."""
    vendor = Vendor.objects.get(pk=vendor_id)
    if actor is not None and not permissions.can_edit_vendor(actor, vendor):
        raise PermissionDenied(_("You cannot change this vendor's catalog."))
    try:
        raw_items = adapter_for(vendor).catalog()
        rows = []
        for raw in raw_items:
            if not isinstance(raw, dict):
                raise VendorApiError(_("A catalog entry is not an object."))
            rows.append(clean_item_row(raw, price_minor=raw.get("price_minor")))
    except (VendorApiError, DomainError) as exc:
        raise DomainError(_("The catalog could not be synced: %(error)s") % {"error": exc}) from exc
    with transaction.atomic():
        Vendor.objects.select_for_update().get(pk=vendor_id)
        created, updated = _upsert_items(vendor, rows)
        audit.record(
            actor=actor,
            target=vendor,
            verb="procurement.vendor.catalog_synced",
            data={"created": created, "updated": updated},
        )
    return created, updated


# --- cart --------------------------------------------------------------------------------------


@transaction.atomic
def cart_add(*, actor: Any, item_id: int, quantity: Any = 1) -> CartLine:
    """Put an available item from the actor's office's catalogs in their cart (adds up)."""
    if not permissions.is_buyer(actor):
        raise PermissionDenied
    quantity = check_quantity(quantity)
    item = VendorItem.objects.visible_to(actor).select_related("vendor").filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("This item is not in your office's catalogs."))
    if not item.available or not item.vendor.is_active:
        raise DomainError(_("This item is not available at the moment."))
    line, created = CartLine.objects.select_for_update().get_or_create(
        user=actor, item=item, defaults={"quantity": quantity}
    )
    if not created:
        line.quantity = check_quantity(line.quantity + quantity)
        line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def cart_update(*, actor: Any, line_id: int, quantity: Any) -> CartLine | None:
    """Change a cart line's quantity; 0 removes it."""
    line = CartLine.objects.select_for_update().filter(pk=line_id, user=actor).first()
    if line is None:
        raise DomainError(_("This line is not in your cart."))
    if str(quantity).strip() == "0":
        line.delete()
        return None
    line.quantity = check_quantity(quantity)
    line.save(update_fields=["quantity", "updated_at"])
    return line


def budgets_for_requester(user: Any) -> Any:
    """The budget lines a staff member may charge: their own unit's, current and next year."""
    profile = staff_profile(user)
    if profile is None:
        return Budget.objects.none()
    year = timezone.localdate().year
    return Budget.objects.filter(department_id=profile.department_id, fiscal_year__in=[year, year + 1])


@transaction.atomic
def purchase_request_create_from_cart(*, actor: Any, budget_id: int, justification: str) -> PurchaseRequest:
    """Turn the actor's cart into a draft request for their unit with price snapshots; empties
    the cart. Refuses an empty cart, another unit's budget line and mixed currencies."""
    profile = staff_profile(actor)
    if profile is None:
        raise PermissionDenied
    justification = (justification or "").strip()
    if not justification:
        raise DomainError(_("Say why these items are needed."))
    budget = budgets_for_requester(actor).filter(pk=budget_id).first()
    if budget is None:
        raise DomainError(_("Choose a budget line of your own department."))
    cart = list(
        CartLine.objects.select_for_update().filter(user=actor).select_related("item", "item__vendor").order_by("pk")
    )
    if not cart:
        raise DomainError(_("Your cart is empty."))
    for line in cart:
        if line.item.vendor.organization_id != profile.organization_id or not line.item.available:
            raise DomainError(_("“%(item)s” is no longer available; remove it first.") % {"item": line.item})
        if line.item.currency != budget.currency:
            raise DomainError(
                _("“%(item)s” is priced in %(currency)s; the budget line is in %(budget)s.")
                % {"item": line.item, "currency": line.item.currency, "budget": budget.currency}
            )
    pr = PurchaseRequest.objects.create(
        organization_id=profile.organization_id,
        department_id=profile.department_id,
        budget=budget,
        requester=actor,
        justification=justification,
        currency=budget.currency,
    )
    PurchaseRequestLine.objects.bulk_create(
        PurchaseRequestLine(
            request=pr,
            item=line.item,
            vendor=line.item.vendor,
            description=str(line.item.title)[:300],
            quantity=line.quantity,
            unit_price_minor=line.item.price_minor,
            line_total_minor=line.quantity * line.item.price_minor,
        )
        for line in cart
    )
    _recompute_total(pr)
    CartLine.objects.filter(pk__in=[line.pk for line in cart]).delete()
    audit.record(
        actor=actor, target=pr, verb="procurement.purchase_request.created", data={"total_minor": pr.total_minor}
    )
    return pr


def _recompute_total(pr: PurchaseRequest) -> None:
    pr.total_minor = pr.lines.aggregate(s=Sum("line_total_minor"))["s"] or 0
    pr.save(update_fields=["total_minor", "updated_at"])


@transaction.atomic
def purchase_request_line_update(*, request_id: int, line_id: int, actor: Any, quantity: Any) -> PurchaseRequest:
    """The requester changes a line's quantity (0 removes it) while the request is a draft or
    returned for changes. The price snapshot stays."""
    pr = PurchaseRequest.objects.select_for_update().get(pk=request_id)
    if not permissions.can_edit_request(actor, pr):
        raise PermissionDenied(_("You cannot change this request now."))
    line = pr.lines.filter(pk=line_id).first()
    if line is None:
        raise DomainError(_("This line is not part of the request."))
    if str(quantity).strip() == "0":
        line.delete()
    else:
        line.quantity = check_quantity(quantity)
        line.line_total_minor = line.quantity * line.unit_price_minor
        line.save(update_fields=["quantity", "line_total_minor"])
    _recompute_total(pr)
    audit.record(
        actor=actor,
        target=pr,
        verb="procurement.purchase_request.edited",
        data={"line": line_id, "quantity": str(quantity)},
    )
    return pr


# --- approval ----------------------------------------------------------------------------------


def _approvers_as_head(pr: PurchaseRequest) -> set[int]:
    """Heads of the request's unit (or the unit above), and their active deputies."""
    units = [pr.department_id]
    if pr.department.parent_id:
        units.append(pr.department.parent_id)
    ids = set(
        StaffProfile.objects.filter(department_id__in=units, position__role=Role.HEAD).values_list("user_id", flat=True)
    )
    today = timezone.localdate()
    ids |= set(
        Deputy.objects.filter(department_id__in=units, starts_on__lte=today, ends_on__gte=today).values_list(
            "deputy_id", flat=True
        )
    )
    if not ids:  # a unit without a head: the director decides
        ids = _directors(pr)
    return ids - {pr.requester_id}


def _directors(pr: PurchaseRequest) -> set[int]:
    return set(
        StaffProfile.objects.filter(organization_id=pr.organization_id, position__role=Role.DIRECTOR).values_list(
            "user_id", flat=True
        )
    ) - {pr.requester_id}


def _notify_many(user_ids: set[int], *, verb: str, title: str, url: str, body: str = "") -> None:
    for user_id in sorted(user_ids):
        notify(recipient_id=user_id, verb=verb, title=title, body=body, url=url)


def _lock_request(request_id: int) -> PurchaseRequest:
    return PurchaseRequest.objects.select_for_update().select_related("department", "budget").get(pk=request_id)


@transaction.atomic
def purchase_request_submit(*, request_id: int, actor: Any) -> PurchaseRequest:
    """The requester sends a draft (or returned) request to the head; notifies the approvers.
    Refuses empty requests and anybody else; a second submit finds it submitted already."""
    pr = _lock_request(request_id)
    if pr.requester_id != actor.pk:
        raise PermissionDenied(_("Only the requester submits a request."))
    if not pr.can_move_to(RS.SUBMITTED):
        raise InvalidTransition(pr, RS.SUBMITTED.label)
    if not pr.lines.exists() or pr.total_minor <= 0:
        raise DomainError(_("Add at least one item with a price before submitting."))
    pr.status = RS.SUBMITTED
    pr.submitted_at = timezone.now()
    pr.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(
        actor=actor, target=pr, verb="procurement.purchase_request.submitted", data={"total_minor": pr.total_minor}
    )
    _notify_many(
        _approvers_as_head(pr),
        verb="procurement.purchase_request.submitted",
        title=_("Purchase request %(ref)s waits for your approval") % {"ref": pr.reference},
        url=_request_url(pr),
    )
    return pr


def _check_decider(pr: PurchaseRequest, actor: Any) -> None:
    if not permissions.can_decide_at_all(actor, pr):
        raise PermissionDenied(_("You cannot decide on this request."))
    if not pr.is_pending:
        raise DomainError(
            _("This request has already been decided (it is “%(status)s”).") % {"status": pr.get_status_display()}
        )
    if not permissions.can_approve(actor, pr):
        raise DomainError(_("This request now waits for the director."))


@transaction.atomic
def purchase_request_approve(*, request_id: int, actor: Any, comment: str = "") -> PurchaseRequest:
    """Approve the current stage. The first approval encumbers the total on the budget line
    (refused, with nothing written, when too little is left). Above the department's limit a
    head's approval sends the request on to the director; the director's approval is final."""
    pr = _lock_request(request_id)
    _check_decider(pr, actor)
    now = timezone.now()
    if pr.status == RS.SUBMITTED:
        budget_encumber(budget_id=pr.budget_id, amount_minor=pr.total_minor, actor=actor, reference=pr.reference)
        pr.encumbered_minor = pr.total_minor
        pr.head_approved_by, pr.head_approved_at = actor, now
        final = pr.total_minor <= pr.department.approval_limit_minor or is_director(actor)
    else:
        final = True
    pr.status = RS.APPROVED if final else RS.HEAD_APPROVED
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
            title=_("Your purchase request %(ref)s was approved") % {"ref": pr.reference},
            body=pr.decision_comment,
            url=_request_url(pr),
        )
    else:
        _notify_many(
            _directors(pr),
            verb="procurement.purchase_request.head_approved",
            title=_("Purchase request %(ref)s is above the head's limit and waits for you") % {"ref": pr.reference},
            url=_request_url(pr),
        )
        notify(
            recipient_id=pr.requester_id,
            verb="procurement.purchase_request.head_approved",
            title=_("The head approved %(ref)s; the director decides next") % {"ref": pr.reference},
            url=_request_url(pr),
        )
    return pr


def _release(pr: PurchaseRequest, actor: Any) -> None:
    if pr.encumbered_minor:
        budget_release(budget_id=pr.budget_id, amount_minor=pr.encumbered_minor, actor=actor, reference=pr.reference)
        pr.encumbered_minor = 0


def _decide_against(
    *, request_id: int, actor: Any, comment: str, status: str, verb: str, title: str
) -> PurchaseRequest:
    pr = _lock_request(request_id)
    _check_decider(pr, actor)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Write a comment for the requester."))
    _release(pr, actor)
    pr.status = status
    pr.decision_comment = comment
    pr.save(update_fields=["status", "decision_comment", "encumbered_minor", "updated_at"])
    audit.record(actor=actor, target=pr, verb=verb, data={"comment": comment})
    notify(
        recipient_id=pr.requester_id,
        verb=verb,
        title=title % {"ref": pr.reference},
        body=comment,
        url=_request_url(pr),
    )
    return pr


@transaction.atomic
def purchase_request_reject(*, request_id: int, actor: Any, comment: str) -> PurchaseRequest:
    """Reject a pending request with a comment; releases anything encumbered."""
    return _decide_against(
        request_id=request_id,
        actor=actor,
        comment=comment,
        status=RS.REJECTED,
        verb="procurement.purchase_request.rejected",
        title=_("Your purchase request %(ref)s was rejected"),
    )


@transaction.atomic
def purchase_request_return(*, request_id: int, actor: Any, comment: str) -> PurchaseRequest:
    """Send a pending request back for changes with a comment; releases anything encumbered."""
    return _decide_against(
        request_id=request_id,
        actor=actor,
        comment=comment,
        status=RS.RETURNED,
        verb="procurement.purchase_request.returned",
        title=_("Your purchase request %(ref)s was returned for changes"),
    )


@transaction.atomic
def purchase_request_cancel(*, request_id: int, actor: Any) -> PurchaseRequest:
    """The requester (or leadership) withdraws a request before it is ordered; releases."""
    pr = _lock_request(request_id)
    if not permissions.can_cancel_request(actor, pr):
        if pr.requester_id != actor.pk and not permissions.is_leadership_of(actor, pr.organization_id):
            raise PermissionDenied(_("You cannot cancel this request."))
        raise InvalidTransition(pr, RS.CANCELLED.label)
    _release(pr, actor)
    pr.status = RS.CANCELLED
    pr.save(update_fields=["status", "encumbered_minor", "updated_at"])
    audit.record(actor=actor, target=pr, verb="procurement.purchase_request.cancelled")
    return pr


@transaction.atomic
def deputy_appoint(*, actor: Any, deputy_id: int, starts_on: datetime.date, ends_on: datetime.date) -> Deputy:
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
        title=_("You approve purchases for %(unit)s from %(start)s to %(end)s")
        % {"unit": profile.department, "start": starts_on, "end": ends_on},
        url=reverse("procurement:approvals"),
    )
    return deputy


# --- purchase orders ---------------------------------------------------------------------------


def _next_order_number(year: int) -> str:
    counter, _created = OrderCounter.objects.get_or_create(year=year)
    counter = OrderCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PO-{year}-{counter.last:04d}"


def _event(
    order: PurchaseOrder,
    *,
    key: str,
    source: str,
    status: str = "",
    message: str = "",
    actor: Any = None,
    occurred_at: datetime.datetime | None = None,
) -> TrackingEvent | None:
    """Add a timeline line once; a repeated key is ignored (returns None)."""
    if TrackingEvent.objects.filter(order=order, key=key).exists():
        return None
    return TrackingEvent.objects.create(
        order=order,
        key=key,
        source=source,
        status=status,
        message=message[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        occurred_at=occurred_at or timezone.now(),
    )


@transaction.atomic
def purchase_request_place_orders(*, request_id: int, actor: Any) -> list[PurchaseOrder]:
    """Split an approved request into one numbered order per vendor, each carrying its share of
    the encumbrance; the request becomes ordered. Sending goes out after commit."""
    pr = _lock_request(request_id)
    if pr.requester_id != actor.pk and not permissions.is_leadership_of(actor, pr.organization_id):
        raise PermissionDenied(_("You cannot place orders for this request."))
    if not pr.can_move_to(RS.ORDERED) or pr.status != RS.APPROVED:
        raise InvalidTransition(pr, RS.ORDERED.label)
    by_vendor: dict[int, list[PurchaseRequestLine]] = defaultdict(list)
    for line in pr.lines.select_related("vendor", "item").order_by("vendor_id", "pk"):
        by_vendor[line.vendor_id].append(line)
    today = timezone.localdate()
    orders = []
    for lines in by_vendor.values():
        vendor = lines[0].vendor
        total = sum(line.line_total_minor for line in lines)
        order = PurchaseOrder.objects.create(
            organization_id=pr.organization_id,
            request=pr,
            vendor=vendor,
            number=_next_order_number(today.year),
            total_minor=total,
            currency=pr.currency,
            encumbered_minor=total,
            promised_on=today + datetime.timedelta(days=vendor.lead_time_days),
        )
        PurchaseOrderLine.objects.bulk_create(
            PurchaseOrderLine(
                order=order,
                request_line=line,
                description=line.description,
                sku=line.item.sku,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
            )
            for line in lines
        )
        _event(
            order,
            key="placed",
            source=TrackingEvent.Source.SYSTEM,
            status=OS.PLACED,
            message=_("Order placed"),
            actor=actor,
        )
        audit.record(actor=actor, target=order, verb="procurement.purchase_order.placed", data={"total_minor": total})
        orders.append(order)
    if sum(o.total_minor for o in orders) != pr.encumbered_minor:
        raise DomainError(_("The orders do not add up to the approved amount."))  # never half-written
    pr.status = RS.ORDERED
    pr.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, target=pr, verb="procurement.purchase_request.ordered", data={"orders": [o.number for o in orders]}
    )
    from procurement.tasks import purchase_order_send_task

    for order in orders:
        enqueue_on_commit(purchase_order_send_task, order_id=order.pk)
    return orders


def purchase_order_send(*, order_id: int) -> bool:
    """Send the order to its vendor once: the PDF by e-mail for a manual vendor, the vendor's
    API otherwise. No lock is held while the vendor answers; a failure is recorded and the
    tracking sweep tries again. Returns whether it was sent now."""
    order = PurchaseOrder.objects.select_related("vendor", "request").get(pk=order_id)
    if order.sent_at or order.status == OS.CANCELLED:
        return False  # sent by an earlier attempt
    reference = ""
    try:
        if order.vendor.is_api:
            reference = adapter_for(order.vendor).place_order(order)
        else:
            if not order.vendor.email:
                raise VendorApiError(_("The vendor has no order e-mail address."))
            from procurement.pdf import purchase_order_pdf

            message = EmailMessage(
                subject=_("Purchase order %(number)s") % {"number": order.number},
                body=_("Please find our purchase order %(number)s attached.") % {"number": order.number},
                to=[order.vendor.email],
            )
            message.attach(f"{order.number}.pdf", purchase_order_pdf(order), "application/pdf")
            message.send()
    except VendorApiError as exc:
        PurchaseOrder.objects.filter(pk=order.pk).update(send_error=str(exc)[:300])
        logger.warning("Order %s could not be sent: %s", order.number, exc)
        return False
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().get(pk=order_id)
        if order.sent_at:
            return False
        order.sent_at = timezone.now()
        order.vendor_reference = reference
        order.send_error = ""
        order.save(update_fields=["sent_at", "vendor_reference", "send_error", "updated_at"])
        _event(order, key="sent", source=TrackingEvent.Source.SYSTEM, message=_("Order sent to the vendor"))
        audit.record(actor=None, target=order, verb="procurement.purchase_order.sent", data={"reference": reference})
    return True


def purchase_order_pay(*, order_id: int, actor: Any) -> Any:
    """Finance staff start (or resume) paying an order online; returns the payment, whose
    amount comes from the order. Its success handler turns the encumbrance into spending."""
    from payments.actions import payment_create

    order = PurchaseOrder.objects.select_related("vendor", "organization").get(pk=order_id)
    if not permissions.is_finance_of(actor, order.organization_id):
        raise PermissionDenied(_("Only the director or the business assistant pays orders."))
    if not order.is_payable:
        raise InvalidTransition(order, OS.PAID.label)
    return payment_create(
        purpose_type=PURCHASE_ORDER_PURPOSE,
        purpose_id=order.pk,
        amount_minor=order.total_minor,
        currency=order.currency,
        description=_("Purchase order %(number)s – %(vendor)s") % {"number": order.number, "vendor": order.vendor},
        payer_user=actor,
        payer_organization=order.organization,
        payee_name=order.vendor.payee,
        payee_stripe_account="",
    )


def purchase_order_lock_for_payment(pk: str) -> PurchaseOrder | None:
    """The order and its request, locked in this module's order (request, then order)."""
    request_id = PurchaseOrder.objects.filter(pk=pk).values_list("request_id", flat=True).first()
    if request_id is None:
        return None
    PurchaseRequest.objects.select_for_update().get(pk=request_id)
    return PurchaseOrder.objects.select_for_update(of=("self",)).select_related("request").get(pk=pk)


def purchase_order_paid(order: PurchaseOrder, payment: Any) -> None:
    """On-paid handler of the "procurement.purchase_order" payable (`procurement.payables`):
    the order is paid and its encumbrance becomes spending. The payments app has checked that
    the order is payable, not paid, and that the amount is the order's total."""
    pr = order.request
    budget_spend(
        budget_id=pr.budget_id,
        amount_minor=payment.amount_minor,
        encumbered_minor=order.encumbered_minor,
        actor=None,
        reference=order.number,
    )
    pr.encumbered_minor -= order.encumbered_minor
    pr.save(update_fields=["encumbered_minor", "updated_at"])
    order.spent_minor = payment.amount_minor
    order.encumbered_minor = 0
    order.status = OS.PAID
    order.paid_at = payment.succeeded_at or timezone.now()
    order.payment = payment
    order.save(update_fields=["spent_minor", "encumbered_minor", "status", "paid_at", "payment", "updated_at"])
    _event(
        order,
        key=f"payment-{payment.pk}-paid",
        source=TrackingEvent.Source.SYSTEM,
        status=OS.PAID,
        message=_("Paid online (payment #%(pk)s)") % {"pk": payment.pk},
    )
    audit.record(actor=None, target=order, verb="procurement.purchase_order.paid", data={"payment": payment.pk})
    notify(
        recipient_id=pr.requester_id,
        verb="procurement.purchase_order.paid",
        title=_("Order %(number)s has been paid") % {"number": order.number},
        url=_order_url(order),
        send_email=False,
    )


def purchase_order_payment_failed(order: PurchaseOrder, payment: Any) -> None:
    _event(
        order,
        key=f"payment-{payment.pk}-{payment.status}",
        source=TrackingEvent.Source.SYSTEM,
        message=_("Payment #%(pk)s %(status)s") % {"pk": payment.pk, "status": payment.get_status_display()},
    )


def purchase_order_refunded(order: PurchaseOrder, payment: Any) -> None:
    """Payment purpose handler: money the vendor refunded goes back to the budget line.

    `payment.refunded_minor` is the cumulative refund; the order keeps how much of it has
    already reached the budget (`order.refunded_minor`), so only the difference moves and a
    repeated or out-of-date refund event changes nothing. Everything happens in one
    transaction under the lock order of this module (payment, request, order, budget line).

    The choice, by the order's state:

    * The refund always reduces spending and releases the money to *available*; the
      encumbrance is never restored. Payment turned the encumbrance into spending, and the
      payments app keeps one live payment per order, so a refunded order cannot be paid a
      second time: money put back into the encumbrance would stay reserved for a payment that
      can never happen.
    * A full refund of an order of which nothing has been received (paid or shipped) means
      the purchase is off: the order becomes cancelled (the vendor gave all the money back).
    * A partial refund, or a refund after goods were received (returns, a price difference
      found on the invoice), leaves the order's state alone: it was delivered (or is still
      being delivered) at a lower price.
    * A payment that never counted for the order (a second payment of an order already paid,
      or money that arrived after the order was cancelled) was never spent from the budget:
      the payments app refunds it automatically and never tells this handler of it.
    """
    pr = order.request
    refunded = format_money(payment.refunded_minor, payment.currency)
    amount = min(payment.refunded_minor - order.refunded_minor, order.spent_minor)
    if amount <= 0:
        return  # told already: a repeated event
    budget_unspend(
        budget_id=pr.budget_id,
        amount_minor=amount,
        actor=None,
        reference=order.number,
        note=_("Refund of payment #%(pk)s") % {"pk": payment.pk},
    )
    order.spent_minor -= amount
    order.refunded_minor += amount
    fully = payment.refunded_minor >= payment.amount_minor
    nothing_received = not order.lines.filter(received_quantity__gt=0).exists() and not order.receipts.exists()
    cancelled = fully and nothing_received and order.status in (OS.PAID, OS.SHIPPED)
    if cancelled:
        order.status = OS.CANCELLED
    order.save(update_fields=["spent_minor", "refunded_minor", "status", "updated_at"])
    _event(
        order,
        key=f"payment-{payment.pk}-refund-{payment.refunded_minor}",
        source=TrackingEvent.Source.SYSTEM,
        status=OS.CANCELLED if cancelled else "",
        message=(
            _("Refunded in full (%(amount)s); the order is cancelled") % {"amount": refunded}
            if cancelled
            else _("Refund of %(amount)s returned to the budget (%(total)s refunded in all)")
            % {"amount": format_money(amount, payment.currency), "total": refunded}
        ),
    )
    audit.record(
        actor=None,
        target=order,
        verb="procurement.purchase_order.refunded",
        data={"payment": payment.pk, "amount_minor": amount, "cancelled": cancelled},
    )
    notify(
        recipient_id=pr.requester_id,
        verb="procurement.purchase_order.refunded",
        title=_("Order %(number)s: %(amount)s refunded") % {"number": order.number, "amount": refunded},
        url=_order_url(order),
        send_email=False,
    )


@transaction.atomic
def purchase_order_cancel(*, order_id: int, actor: Any, reason: str) -> PurchaseOrder:
    """Cancel an unpaid order (nothing is being paid for it); releases its encumbrance."""
    from payments.models import Payment

    first = PurchaseOrder.objects.get(pk=order_id)
    pr = PurchaseRequest.objects.select_for_update().get(pk=first.request_id)
    order = PurchaseOrder.objects.select_for_update().select_related("request").get(pk=order_id)
    if not permissions.can_cancel_order(actor, order):
        if not permissions.is_leadership_of(actor, order.organization_id) and order.request.requester_id != actor.pk:
            raise PermissionDenied(_("You cannot cancel this order."))
        raise InvalidTransition(order, OS.CANCELLED.label)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the cancellation."))
    if (
        Payment.objects.filter(purpose_type=PURCHASE_ORDER_PURPOSE, purpose_id=str(order.pk))
        .exclude(status__in=[Payment.Status.CANCELLED, Payment.Status.FAILED])
        .exists()
    ):
        raise DomainError(_("This order is being paid; cancel the payment first."))
    if order.encumbered_minor:
        budget_release(budget_id=pr.budget_id, amount_minor=order.encumbered_minor, actor=actor, reference=order.number)
        pr.encumbered_minor -= order.encumbered_minor
        pr.save(update_fields=["encumbered_minor", "updated_at"])
        order.encumbered_minor = 0
    order.status = OS.CANCELLED
    order.save(update_fields=["status", "encumbered_minor", "updated_at"])
    _event(order, key="cancelled", source=TrackingEvent.Source.MANUAL, status=OS.CANCELLED, message=reason, actor=actor)
    audit.record(actor=actor, target=order, verb="procurement.purchase_order.cancelled", data={"reason": reason})
    return order


# --- tracking ----------------------------------------------------------------------------------


@transaction.atomic
def tracking_event_record(
    *,
    order_id: int,
    key: str,
    source: str,
    status: str,
    message: str = "",
    occurred_at: datetime.datetime | None = None,
    actor: Any = None,
) -> TrackingEvent | None:
    """Put a piece of vendor news on the order's timeline once (a repeated key is a no-op),
    move the order forward when the news says so (never backwards), tell the requester."""
    order = PurchaseOrder.objects.select_for_update().select_related("request").get(pk=order_id)
    event = _event(
        order, key=key[:120], source=source, status=status, message=message, actor=actor, occurred_at=occurred_at
    )
    if event is None:
        return None
    target = VENDOR_STATUS_MOVES.get(status)
    moved = False
    if target and order.can_move_to(target) and PurchaseOrder.RANK[target] > PurchaseOrder.RANK[order.status]:
        order.status = target
        order.save(update_fields=["status", "updated_at"])
        moved = True
    audit.record(
        actor=actor,
        target=order,
        verb="procurement.purchase_order.tracked",
        data={"status": status, "source": source, "moved": moved},
    )
    notify(
        recipient_id=order.request.requester_id,
        verb="procurement.purchase_order.tracked",
        title=_("Order %(number)s: %(news)s") % {"number": order.number, "news": message or status},
        url=_order_url(order),
        send_email=moved,
    )
    return event


def tracking_manual_update(*, order_id: int, actor: Any, status: str, message: str) -> TrackingEvent | None:
    from procurement.integrations import VENDOR_STATUSES

    order = PurchaseOrder.objects.get(pk=order_id)
    if not permissions.can_track_order(actor, order):
        raise PermissionDenied(_("You cannot record news for this order."))
    if status not in VENDOR_STATUSES:
        raise DomainError(_("Choose a known status."))
    import uuid

    return tracking_event_record(
        order_id=order_id,
        key=f"manual-{uuid.uuid4().hex}",
        source=TrackingEvent.Source.MANUAL,
        status=status,
        message=(message or "").strip(),
        actor=actor,
    )


def apply_vendor_events(order: PurchaseOrder, events: list[VendorEvent], *, source: str) -> int:
    added = 0
    for event in events:
        if tracking_event_record(
            order_id=order.pk,
            key=f"vendor-{event.id}",
            source=source,
            status=event.status,
            message=event.message,
            occurred_at=event.occurred_at,
        ):
            added += 1
    return added


def purchase_order_poll(*, order_id: int) -> int:
    """Ask an API vendor about one order (no lock while waiting); returns events added."""
    order = PurchaseOrder.objects.select_related("vendor").get(pk=order_id)
    if not order.vendor.is_api or not order.sent_at or not order.is_open:
        return 0
    try:
        events = adapter_for(order.vendor).order_events(order.vendor_reference, order)
    except VendorApiError as exc:
        logger.warning("Polling order %s failed: %s", order.number, exc)
        return 0
    PurchaseOrder.objects.filter(pk=order.pk).update(last_polled_at=timezone.now())
    return apply_vendor_events(order, events, source=TrackingEvent.Source.POLL)


def orders_tracking_sweep() -> dict[str, int]:
    """The beat job: send what was never sent (broker down, vendor down), poll every open API
    order, flag late orders once. Each step is idempotent, so a late or doubled run is harmless."""
    counts = {"sent": 0, "events": 0, "late": 0}
    for order_id in PurchaseOrder.objects.open().filter(sent_at__isnull=True).values_list("pk", flat=True):
        counts["sent"] += purchase_order_send(order_id=order_id)
    api = [Vendor.Integration.API, Vendor.Integration.SIMULATED]
    for order_id in (
        PurchaseOrder.objects.open()
        .filter(vendor__integration__in=api, sent_at__isnull=False)
        .values_list("pk", flat=True)
    ):
        counts["events"] += purchase_order_poll(order_id=order_id)
    today = timezone.localdate()
    for order_id in (
        PurchaseOrder.objects.open()
        .filter(promised_on__lt=today, late_flagged_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        counts["late"] += purchase_order_flag_late(order_id=order_id)
    return counts


@transaction.atomic
def purchase_order_flag_late(*, order_id: int) -> bool:
    order = PurchaseOrder.objects.select_for_update().select_related("request").get(pk=order_id)
    if order.late_flagged_at or not order.is_late:
        return False
    order.late_flagged_at = timezone.now()
    order.save(update_fields=["late_flagged_at", "updated_at"])
    _event(
        order,
        key="late",
        source=TrackingEvent.Source.SYSTEM,
        status="delayed",
        message=_("Late: the vendor promised delivery by %(date)s") % {"date": order.promised_on},
    )
    audit.record(actor=None, target=order, verb="procurement.purchase_order.flagged_late")
    notify(
        recipient_id=order.request.requester_id,
        verb="procurement.purchase_order.late",
        title=_("Order %(number)s is late") % {"number": order.number},
        url=_order_url(order),
    )
    return True


# --- receiving and invoices -------------------------------------------------------------------


@transaction.atomic
def purchase_order_receive(*, order_id: int, actor: Any, quantities: dict[int, int], note: str = "") -> Receipt:
    """Record a delivery: positive quantities are taken in, negative ones returned to the
    vendor. Refuses more than was ordered, more returns than were received, an empty receipt
    and orders not yet paid. Usage rights received become licences."""
    order = PurchaseOrder.objects.select_for_update().select_related("vendor").get(pk=order_id)
    if not permissions.can_receive(actor, order):
        if not permissions._same_office(actor, order.organization_id):
            raise PermissionDenied
        raise DomainError(_("Goods can be received only once the order has been paid."))
    lines = {line.pk: line for line in order.lines.select_for_update().select_related("request_line__item")}
    changes = {}
    for line_id, raw in quantities.items():
        line = lines.get(int(line_id))
        if line is None:
            raise DomainError(_("A line is not part of this order."))
        try:
            quantity = int(raw)
        except (TypeError, ValueError):
            raise DomainError(_("Enter whole numbers.")) from None
        if quantity == 0:
            continue
        if quantity > line.outstanding:
            raise DomainError(
                _("“%(line)s”: only %(n)s are still outstanding.") % {"line": line.description, "n": line.outstanding}
            )
        if -quantity > line.received_quantity:
            raise DomainError(_("“%(line)s”: you cannot return more than was received.") % {"line": line.description})
        changes[line.pk] = quantity
    if not changes:
        raise DomainError(_("Enter at least one quantity received or returned."))
    receipt = Receipt.objects.create(order=order, received_by=actor, note=(note or "").strip()[:300])
    today = timezone.localdate()
    for line_id, quantity in changes.items():
        line = lines[line_id]
        ReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=quantity)
        line.received_quantity += quantity
        line.save(update_fields=["received_quantity"])
        item = line.request_line.item
        if (
            quantity > 0
            and item.format == item.Format.USAGE_RIGHT
            and not Licence.objects.filter(order_line=line).exists()
        ):
            months = item.term_months or 12
            Licence.objects.create(
                organization_id=order.organization_id,
                vendor=order.vendor,
                order=order,
                order_line=line,
                title=line.description,
                starts_on=today,
                ends_on=_add_months(today, months) - datetime.timedelta(days=1),
                concurrent_users=max(1, line.quantity),
            )
    complete = all(line.received_quantity == line.quantity for line in lines.values())
    new_status = OS.RECEIVED if complete else OS.PARTIALLY_RECEIVED
    if new_status != order.status:
        if not order.can_move_to(new_status):
            raise InvalidTransition(order, new_status)
        order.status = new_status
    if complete and not order.received_at:
        order.received_at = timezone.now()
    order.save(update_fields=["status", "received_at", "updated_at"])
    _event(
        order,
        key=f"receipt-{receipt.pk}",
        source=TrackingEvent.Source.MANUAL,
        status=new_status,
        message=_("Received: %(summary)s")
        % {"summary": ", ".join(f"{lines[i].description} {q:+d}" for i, q in changes.items())},
        actor=actor,
    )
    audit.record(
        actor=actor,
        target=order,
        verb="procurement.purchase_order.received",
        data={"receipt": receipt.pk, "lines": {str(k): v for k, v in changes.items()}},
    )
    return receipt


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def invoice_enter(
    *, order_id: int, actor: Any, number: str, issued_on: datetime.date, amount_minor: int, note: str = ""
) -> Invoice:
    """Enter the vendor's invoice for a fully received order; differences from the order and
    the receipt stay visible on the three-way match. The order becomes invoiced."""
    order = PurchaseOrder.objects.select_for_update().get(pk=order_id)
    if not permissions.is_leadership_of(actor, order.organization_id):
        raise PermissionDenied(_("Only the leadership office enters invoices."))
    if not permissions.can_enter_invoice(actor, order):
        raise InvalidTransition(order, OS.INVOICED.label)
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Enter the invoice number."))
    if not isinstance(amount_minor, int) or not 0 <= amount_minor <= MAX_PRICE_MINOR:
        raise DomainError(_("Enter a sensible invoice amount."))
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                order=order,
                number=number,
                issued_on=issued_on,
                amount_minor=amount_minor,
                currency=order.currency,
                entered_by=actor,
                note=(note or "").strip()[:300],
            )
    except IntegrityError:
        raise DomainError(_("This order already has an invoice.")) from None
    order.status = OS.INVOICED
    order.save(update_fields=["status", "updated_at"])
    _event(
        order,
        key="invoiced",
        source=TrackingEvent.Source.MANUAL,
        status=OS.INVOICED,
        message=_("Invoice %(number)s entered") % {"number": number},
        actor=actor,
    )
    audit.record(
        actor=actor,
        target=order,
        verb="procurement.purchase_order.invoiced",
        data={"invoice": number, "amount_minor": amount_minor},
    )
    return invoice


@transaction.atomic
def purchase_order_close(*, order_id: int, actor: Any) -> PurchaseOrder:
    order = PurchaseOrder.objects.select_for_update().get(pk=order_id)
    if not permissions.is_leadership_of(actor, order.organization_id):
        raise PermissionDenied(_("Only the leadership office closes orders."))
    if not order.can_move_to(OS.CLOSED):
        raise InvalidTransition(order, OS.CLOSED.label)
    order.status = OS.CLOSED
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    _event(
        order,
        key="closed",
        source=TrackingEvent.Source.MANUAL,
        status=OS.CLOSED,
        message=_("Order closed"),
        actor=actor,
    )
    audit.record(actor=actor, target=order, verb="procurement.purchase_order.closed")
    return order


# --- licences ----------------------------------------------------------------------------------

MAX_CONCURRENT_USERS = 100_000
MAX_IP_RANGES = 200
MAX_TERMS_LENGTH = 20_000
LICENCE_EDITABLE = ("starts_on", "ends_on", "concurrent_users", "permitted_sites", "ip_ranges", "terms")


def normalize_ip_ranges(text: str) -> str:
    """One CIDR range (IPv4 or IPv6) per line, written the canonical way (10.0.0.0/16; a bare
    address is its own /32 or /128); blank lines and repeats dropped. DomainError names the
    first line that is not a range."""
    import ipaddress

    ranges: list[str] = []
    for line in filter(None, (raw.strip() for raw in (text or "").splitlines())):
        try:
            network = str(ipaddress.ip_network(line, strict=False))
        except ValueError:
            raise DomainError(_("%(value)s is not an IP range such as 10.0.0.0/16.") % {"value": line[:50]}) from None
        if network not in ranges:
            ranges.append(network)
    if len(ranges) > MAX_IP_RANGES:
        raise DomainError(_("Enter at most %(n)s IP ranges.") % {"n": MAX_IP_RANGES})
    return "\n".join(ranges)


def _licence_terms_checked(values: dict[str, Any]) -> dict[str, Any]:
    """A licence's term and usage rights checked and normalised, or DomainError. The rules of
    `licence_update`, which checks them inline (it predates this helper)."""
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise DomainError(_("Enter the term's first and last day."))
    if ends_on < starts_on:
        raise DomainError(_("The licence must end after it starts."))
    users = values.get("concurrent_users")
    if isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_CONCURRENT_USERS:
        raise DomainError(_("Concurrent users must lie between 1 and %(max)s.") % {"max": MAX_CONCURRENT_USERS})
    sites = str(values.get("permitted_sites") or "").strip()
    if len(sites) > 300:
        raise DomainError(_("Describe the permitted sites in at most 300 characters."))
    terms = str(values.get("terms") or "").strip()
    if len(terms) > MAX_TERMS_LENGTH:
        raise DomainError(_("The licence terms may be at most %(n)s characters long.") % {"n": MAX_TERMS_LENGTH})
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "concurrent_users": users,
        "permitted_sites": sites,
        "ip_ranges": normalize_ip_ranges(str(values.get("ip_ranges") or "")),
        "terms": terms,
    }


@transaction.atomic
def licence_create(*, actor: Any, vendor_id: int, title: str, **rights: Any) -> Licence:
    """Record a licence of the actor's office with one of the office's vendors; `rights` are
    the term and usage rights (LICENCE_EDITABLE). Refuses those who do not manage licences
    (PermissionDenied) and bad terms (DomainError, nothing saved). An end date already past
    records it as expired. Audited."""
    profile = staff_profile(actor)
    if profile is None or not permissions.can_manage_licences(actor, profile.organization_id):
        raise PermissionDenied(_("You cannot record licences."))
    vendor = Vendor.objects.filter(pk=vendor_id, organization_id=profile.organization_id).first()
    if vendor is None:
        raise DomainError(_("Choose one of your office's vendors."))
    title = (title or "").strip()
    if not title or len(title) > 300:
        raise DomainError(_("Name the resource in at most 300 characters."))
    values = _licence_terms_checked(rights)
    licence = Licence.objects.create(
        organization_id=profile.organization_id,
        vendor=vendor,
        title=title,
        status=Licence.Status.EXPIRED if values["ends_on"] < timezone.localdate() else Licence.Status.ACTIVE,
        **values,
    )
    audit.record(actor=actor, target=licence, verb="procurement.licence.created")
    return licence


@transaction.atomic
def licence_update(*, licence_id: int, actor: Any, changes: dict[str, Any]) -> Licence:
    """Correct a licence's usage rights: term, concurrent users, permitted sites, IP ranges,
    terms text. Audited with every changed field's old and new value. A new end date asks for a
    fresh renewal reminder and sets the state the date implies (active or expired). A renewed
    licence is history and stays as it was; a renewal may not start before its predecessor ends.
    Bad input raises DomainError and changes nothing."""
    licence = Licence.objects.select_for_update().get(pk=licence_id)
    if not permissions.can_manage_licences(actor, licence.organization_id):
        raise PermissionDenied(_("You cannot change licences."))
    if licence.status == Licence.Status.RENEWED:
        raise DomainError(_("This licence has been renewed; change the renewal instead."))
    new = {field: changes.get(field, getattr(licence, field)) for field in LICENCE_EDITABLE}
    if not isinstance(new["starts_on"], datetime.date) or not isinstance(new["ends_on"], datetime.date):
        raise DomainError(_("Enter the term's first and last day."))
    if new["ends_on"] < new["starts_on"]:
        raise DomainError(_("The licence must end after it starts."))
    predecessor = Licence.objects.filter(renewed_by=licence).first()
    if predecessor is not None and new["starts_on"] <= predecessor.ends_on:
        raise DomainError(
            _("This licence renews one that runs until %(date)s; it must start after that.")
            % {"date": predecessor.ends_on}
        )
    users = new["concurrent_users"]
    if isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_CONCURRENT_USERS:
        raise DomainError(_("Concurrent users must lie between 1 and %(max)s.") % {"max": MAX_CONCURRENT_USERS})
    new["permitted_sites"] = str(new["permitted_sites"] or "").strip()
    if len(new["permitted_sites"]) > 300:
        raise DomainError(_("Describe the permitted sites in at most 300 characters."))
    new["ip_ranges"] = normalize_ip_ranges(str(new["ip_ranges"] or ""))
    new["terms"] = str(new["terms"] or "").strip()
    if len(new["terms"]) > MAX_TERMS_LENGTH:
        raise DomainError(_("The licence terms may be at most %(n)s characters long.") % {"n": MAX_TERMS_LENGTH})
    diff = {
        field: [str(getattr(licence, field)), str(value)]
        for field, value in new.items()
        if getattr(licence, field) != value
    }
    if not diff:
        return licence
    for field, value in new.items():
        setattr(licence, field, value)
    fields = [*diff, "updated_at"]
    if "ends_on" in diff:
        licence.reminder_sent_at = None  # remind again before the new end
        licence.status = Licence.Status.EXPIRED if licence.ends_on < timezone.localdate() else Licence.Status.ACTIVE
        fields += ["reminder_sent_at", "status"]
    licence.save(update_fields=fields)
    audit.record(actor=actor, target=licence, verb="procurement.licence.edited", data={"changes": diff})
    return licence


@transaction.atomic
def licence_renew(*, licence_id: int, actor: Any, ends_on: datetime.date) -> Licence:
    """Continue a licence with a new term starting the day after the old one ends."""
    old = Licence.objects.select_for_update().get(pk=licence_id)
    if not permissions.can_manage_licences(actor, old.organization_id):
        raise PermissionDenied(_("You cannot renew licences."))
    if old.status == Licence.Status.RENEWED:
        raise DomainError(_("This licence has already been renewed."))
    starts_on = old.ends_on + datetime.timedelta(days=1)
    if ends_on < starts_on:
        raise DomainError(_("The new term must end after %(date)s.") % {"date": starts_on})
    new = Licence.objects.create(
        organization_id=old.organization_id,
        vendor_id=old.vendor_id,
        title=old.title,
        starts_on=starts_on,
        ends_on=ends_on,
        concurrent_users=old.concurrent_users,
        permitted_sites=old.permitted_sites,
        ip_ranges=old.ip_ranges,
        terms=old.terms,
    )
    old.status = Licence.Status.RENEWED
    old.renewed_by = new
    old.save(update_fields=["status", "renewed_by", "updated_at"])
    audit.record(actor=actor, target=old, verb="procurement.licence.renewed", data={"until": str(ends_on)})
    return new


def licences_sweep() -> dict[str, int]:
    """Daily: remind leadership of licences ending within 30 days (once), expire ended ones."""
    counts = {"reminded": 0, "expired": 0}
    today = timezone.localdate()
    for licence_id in (
        Licence.objects.expiring_within(LICENCE_REMINDER_DAYS)
        .filter(reminder_sent_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            licence = Licence.objects.select_for_update().get(pk=licence_id)
            if licence.reminder_sent_at:
                continue
            licence.reminder_sent_at = timezone.now()
            licence.save(update_fields=["reminder_sent_at", "updated_at"])
            recipients = StaffProfile.objects.filter(
                organization_id=licence.organization_id, position__role__in=[Role.DIRECTOR, Role.BUSINESS_ASSISTANT]
            ).values_list("user_id", flat=True)
            _notify_many(
                set(recipients),
                verb="procurement.licence.expiring",
                title=_("Licence “%(title)s” ends on %(date)s: renew it?")
                % {"title": licence.title, "date": licence.ends_on},
                url=reverse("procurement:licence_detail", kwargs={"pk": licence.pk}),
            )
            counts["reminded"] += 1
    for licence_id in Licence.objects.filter(status=Licence.Status.ACTIVE, ends_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            licence = Licence.objects.select_for_update().get(pk=licence_id)
            if licence.status != Licence.Status.ACTIVE:
                continue
            licence.status = Licence.Status.EXPIRED
            licence.save(update_fields=["status", "updated_at"])
            audit.record(actor=None, target=licence, verb="procurement.licence.expired")
            counts["expired"] += 1
    return counts
