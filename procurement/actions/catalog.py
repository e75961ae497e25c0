"""The vendors' catalogs: items imported from a CSV file or synced from a vendor's API, all or
nothing, each row checked (`clean_item_row`) and ISBNs normalised so offers compare."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from office import audit
from office.exceptions import DomainError
from office.money import clean_currency, format_money, parse_money
from procurement import permissions
from procurement.integrations import VendorApiError, adapter_for
from procurement.models import MAX_PRICE_MINOR, Vendor, VendorItem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    currency = clean_currency(row.get("currency"), settings.DEFAULT_CURRENCY)
    if price_minor is None:
        try:
            price_minor = parse_money(str(row.get("price") or ""), currency)
        except ValueError as exc:
            raise DomainError(str(exc)) from None
    if not isinstance(price_minor, int) or isinstance(price_minor, bool):
        raise DomainError(_("The price must be a whole number of minor units."))
    if not 0 <= price_minor <= MAX_PRICE_MINOR:
        raise DomainError(
            _("The price must be between zero and %(max)s.") % {"max": format_money(MAX_PRICE_MINOR, currency)}
        )
    term = str(row.get("term_months") or "").strip()
    term_months = None
    if term:
        # isascii: "²" is a digit to isdigit() but not to int(); three digits bound the length.
        if not (term.isascii() and term.isdigit() and len(term) <= 3) or not 1 <= int(term) <= 120:
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
def vendor_items_import_csv(*, vendor_id: int, actor: User, data: bytes) -> tuple[int, int]:
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


def vendor_catalog_sync(*, vendor_id: int, actor: User | None = None) -> tuple[int, int]:
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
