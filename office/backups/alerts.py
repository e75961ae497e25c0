"""Alerts to the home office's technical services (failed backups and drills, overdue backups)."""

from __future__ import annotations

import logging

from django.urls import reverse

logger = logging.getLogger(__name__)


def techsvc_recipient_ids() -> list[int]:
    """Staff and heads of the home office's units with the technical-services function."""
    from office.functions import Function, member_user_ids

    return list(member_user_ids(Function.TECHNICAL_SERVICES, organization__is_home=True))


def _alert(*, verb: str, title: str, body: str, params: dict) -> int:
    """`title`/`body` are gettext_noop message ids, rendered in each reader's language."""
    from office.actions import notify

    recipients = techsvc_recipient_ids()
    for user_id in recipients:
        notify(recipient_id=user_id, verb=verb, title=title, body=body, params=params, url=reverse("office:health"))
    if not recipients:
        logger.error("No technical-services staff to alert: %s %s", title, body)
    return len(recipients)
