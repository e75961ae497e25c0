"""A person's own notifications: the recent few (home page) and the full list."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from office.models import Notification


def notification_list_recent(*, user: Any, limit: int = 5) -> list[Notification]:
    return list(Notification.objects.visible_to(user)[:limit])


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.visible_to(user)
