"""The review queue on the intranet home page's "my tasks" box."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from office.inbox import InboxItem


def review_items(user: Any) -> list[InboxItem]:
    from cataloging import permissions, selectors

    if not permissions.can_review(user):
        return []
    count = selectors.review_queue(user=user).count()
    if not count:
        return []
    return [
        InboxItem(
            title=_("Catalog records to review"), url=reverse("cataloging:review_queue"), count=count, kind="approval"
        )
    ]
