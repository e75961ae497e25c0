"""Every write of customer contact, one module per topic (STYLE §1); this package re-exports them.

    chat         a visitor's conversation: open -> waiting -> open ... -> closed; typing marks,
                 transfer, out-of-hours messages (an inquiry on the public site)
    transcripts  the transcript e-mailed to the visitor, and its catch-up sweep
    canned       customer service's prepared answers
    surveys      invitation sweep, answers, low-score follow-ups

Submodules import each other directly, never this package.
"""

from marketing.support.actions.canned import canned_answer_save
from marketing.support.actions.chat import (
    conversation_close,
    conversation_start,
    conversation_transfer,
    offline_message_send,
    staff_message_post,
    transcript_request,
    typing_mark,
    visitor_message_post,
)
from marketing.support.actions.surveys import follow_up_close, survey_answer, survey_invitation_sweep
from marketing.support.actions.transcripts import transcript_send, transcript_sweep

__all__ = [
    "canned_answer_save",
    "conversation_close",
    "conversation_start",
    "conversation_transfer",
    "follow_up_close",
    "offline_message_send",
    "staff_message_post",
    "survey_answer",
    "survey_invitation_sweep",
    "transcript_request",
    "transcript_send",
    "transcript_sweep",
    "typing_mark",
    "visitor_message_post",
]
