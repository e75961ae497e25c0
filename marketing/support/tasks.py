"""Thin Celery wrappers around customer contact's actions (STYLE §8)."""

from __future__ import annotations

from celery import shared_task

from marketing.support.actions.surveys import survey_invitation_sweep
from marketing.support.actions.transcripts import transcript_send, transcript_sweep


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def transcript_send_task(*, conversation_id: int) -> None:
    transcript_send(conversation_id=conversation_id)


@shared_task
def transcript_sweep_task() -> int:
    return transcript_sweep()


@shared_task
def survey_invitation_sweep_task() -> int:
    return survey_invitation_sweep()
