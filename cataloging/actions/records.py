"""Bibliographic records and their versions: creating a record and editing it while it is
draft or returned. Every change is a new immutable `RecordVersion`, from which the search
columns, identifiers and tsvector are re-extracted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pymarc import Record

from cataloging import marc, permissions, search
from cataloging.models import BibRecord, RecordIdentifier, RecordVersion
from office import audit
from office.exceptions import DomainError
from office.models import Organization

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _write_version(record: BibRecord, raw: bytes, *, actor: User | None, note: str) -> RecordVersion:
    """Append a version and re-extract the search columns from it (record must be saved)."""
    parsed = marc.record_from_storage(raw)
    extracted = marc.extract(parsed)
    record.version += 1
    for name, value in extracted["fields"].items():  # type: ignore[union-attr]
        setattr(record, name, value)
    record.save()
    version = RecordVersion.objects.create(
        record=record, number=record.version, marc=raw, note=note[:300], created_by=_user_or_none(actor)
    )
    RecordIdentifier.objects.filter(record=record).delete()
    RecordIdentifier.objects.bulk_create(
        [RecordIdentifier(record=record, scheme=s, value=v) for s, v in extracted["identifiers"]],  # type: ignore[union-attr]
        ignore_conflicts=True,
    )
    search.refresh_search_vector([record.pk])
    return version


def _user_or_none(actor: User | None) -> User | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _storage_bytes(record: Record) -> bytes:
    try:
        return marc.to_storage(record)
    except ValueError as exc:
        raise DomainError(str(exc)) from None


@transaction.atomic
def record_create(
    *,
    organization: Organization,
    actor: User | None,
    marc_record: Record | None = None,
    raw: bytes | None = None,
    note: str = "",
    share: bool = False,
) -> BibRecord:
    """Create a draft record (version 1). `share=True` is the catalog operator's bulk load
    (`import_marc --share`): the record is approved and shared at once, without review."""
    if raw is None:
        if marc_record is None:
            raise ValueError("record_create needs marc_record or raw")
        raw = _storage_bytes(marc_record)
    record = BibRecord(organization=organization, created_by=_user_or_none(actor))
    if share:
        # The operator's bulk load skips review by design: a new record starts approved rather
        # than moving along TRANSITIONS.
        record.status = BibRecord.Status.APPROVED
        record.shared_at = timezone.now()
    record.save()
    _write_version(record, raw, actor=actor, note=note or _("Created"))
    audit.record(
        actor=actor,
        verb="cataloging.record.created",
        target=record,
        organization=organization,
        data={"shared": share, "note": note},
    )
    return record


@transaction.atomic
def record_update(*, record_id: int, actor: User, marc_record: Record, note: str = "") -> BibRecord:
    """Save an edited record as a new version; refuses unless draft/returned and own office."""
    record = BibRecord.objects.select_for_update().get(pk=record_id)
    if not permissions.can_edit(actor, record):
        raise PermissionDenied(_("You cannot edit this record."))
    current = record.versions.order_by("-number").first()
    raw = _storage_bytes(marc_record)
    if current is not None and marc.fields_equal(marc.record_from_storage(current.marc), marc_record):
        raise DomainError(_("Nothing changed: the record is the same as version %(n)d.") % {"n": current.number})
    _write_version(record, raw, actor=actor, note=note or _("Edited"))
    audit.record(actor=actor, verb="cataloging.record.updated", target=record, data={"version": record.version})
    return record
