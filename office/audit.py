"""The writer of `AuditEvent`. Actions call `record` inside their transaction.

One exception, for speed: the union-catalog bulk importer (cataloging/importer.py) writes its
per-record "cataloging.record.created" events itself, one INSERT per window of new records,
with the same fields `record` fills in."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from office.models import AuditEvent, Organization


def record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    organization: Organization | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit event. `verb` is `<app>.<entity>.<past tense>`."""
    if organization is None and target is not None:
        organization = _organization_of(target)
    if organization is None and actor is not None and getattr(actor, "is_authenticated", False):
        from office.access import office_of

        organization = office_of(actor)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        organization=organization,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )


def _organization_of(target: models.Model) -> Organization | None:
    if isinstance(target, Organization):
        return target
    for path in ("organization", "department.organization"):
        obj: Any = target
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                break
        if isinstance(obj, Organization):
            return obj
    return None
