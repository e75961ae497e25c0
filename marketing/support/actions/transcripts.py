"""Transcripts e-mailed to the visitor, in the language the visitor chatted in.

Requested by the visitor (`chat.transcript_request`), sent by a task; the sweep sends what a
broker outage left unsent. Sending is idempotent: the row lock and `transcript_sent_at` make
a redelivered task send nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from marketing.support.models import Conversation
from office import audit
from office.ratelimit import address_allows


def transcript_send(*, conversation_id: int) -> bool:
    """Send the requested transcript once; False when there is nothing to send."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        if conversation.transcript_requested_at is None or conversation.transcript_sent_at is not None:
            return False
        if not address_allows("support_transcript", conversation.email):
            return False  # a few an hour per address at most; the sweep sends it later
        with translation.override(conversation.language or settings.LANGUAGE_CODE):
            subject = translation.gettext("Your chat with customer service")
            body = render_to_string(
                "support/email/transcript.txt",
                {"conversation": conversation, "chat_messages": list(conversation.messages.all())},
            )
        # Sent inside the lock: a second delivery waits and then finds it sent. A mail error
        # rolls back, so the sweep tries again.
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [conversation.email]).send()
        conversation.transcript_sent_at = timezone.now()
        conversation.save(update_fields=["transcript_sent_at", "updated_at"])
        audit.record(
            actor=None, target=conversation, verb="support.transcript.sent", data={"language": conversation.language}
        )
    return True


def transcript_sweep(*, older_than_seconds: int = 300) -> int:
    """Send the transcripts requested over five minutes ago (the task's time) and still unsent."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Conversation.objects.filter(
        transcript_sent_at__isnull=True, transcript_requested_at__lt=cutoff
    ).values_list("pk", flat=True)
    return sum(transcript_send(conversation_id=pk) for pk in list(pending[:200]))
