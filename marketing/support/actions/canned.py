"""Canned answers: customer service keeps its prepared replies (both languages)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from marketing.support import permissions
from marketing.support.models import CannedAnswer
from office import audit


@transaction.atomic
def canned_answer_save(*, answer: CannedAnswer, actor: Any) -> CannedAnswer:
    """Create or change a canned answer (customer service only)."""
    if not permissions.can_answer(actor):
        raise PermissionDenied
    created = answer.pk is None
    if not created:
        CannedAnswer.objects.select_for_update().get(pk=answer.pk)
    answer.save()
    audit.record(
        actor=actor, target=answer, verb="support.canned_answer.created" if created else "support.canned_answer.changed"
    )
    return answer
