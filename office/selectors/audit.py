"""The audit log: an office's events with filters, and the people who may appear as actors."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from office.models import AuditEvent, StaffProfile


def audit_event_list(
    *,
    user: Any,
    verb_prefix: str = "",
    actor: Any = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    # A client who acted is named from their client account: joined too, not read per row.
    qs = AuditEvent.objects.visible_to(user).select_related(
        "actor__staff_profile", "actor__client_account", "target_type"
    )
    if verb_prefix := verb_prefix.strip():
        qs = qs.filter(verb__startswith=verb_prefix)
    if actor is not None:
        qs = qs.filter(actor=actor)
    # Days in the current time zone as a range of times (created_at__date would hide the index).
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return qs


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_actor_choices(*, user: Any) -> QuerySet[Any]:
    """People who may appear as actors in the user's office's log: its staff."""
    from django.contrib.auth import get_user_model

    office_id = StaffProfile.objects.visible_to(user).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=office_id)
        .select_related("staff_profile")
        .order_by("staff_profile__display_name")
    )
