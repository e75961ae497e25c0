"""Alerts to the home office's technical services (failed backups and drills, overdue backups)."""

from __future__ import annotations

import logging

from django.db.models import Q
from django.urls import reverse

from office.models import StaffProfile

logger = logging.getLogger(__name__)


TECHSVC_DEPARTMENT_CODE = "techsvc"


def techsvc_recipient_ids() -> list[int]:
    """Staff and head of the home office's technical-services department (and its groups)."""
    return list(
        StaffProfile.objects.filter(organization__is_home=True, user__is_active=True)
        .filter(Q(department__code=TECHSVC_DEPARTMENT_CODE) | Q(department__parent__code=TECHSVC_DEPARTMENT_CODE))
        .values_list("user_id", flat=True)
        .distinct()
    )


def _alert(*, verb: str, title: str, body: str) -> int:
    from office.actions import notify

    recipients = techsvc_recipient_ids()
    for user_id in recipients:
        notify(recipient_id=user_id, verb=verb, title=title, body=body, url=reverse("office:health"))
    if not recipients:
        logger.error("No technical-services staff to alert: %s %s", title, body)
    return len(recipients)
