"""Customer contact on the public site: live chat with customer service and satisfaction surveys.

Chat: a `Conversation` is started by a visitor (anonymous: name and e-mail; or a signed-in
client) and answered by customer-service staff from the console. Its status says whose turn
it is: open (the visitor spoke last, customer service owes an answer) -> waiting (staff
answered, waiting for the visitor) -> open ... -> closed (transcript kept). Messages are
plain text; templates autoescape them and nothing marks them safe.

Surveys: a `SurveyInvitation` per completed thing (service order, consultation, attended
training, closed chat) and client, created once by the sweep; answered once; a score of 6 or
less opens a `SurveyFollowUp` for the department's head.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel, localized
from office.workflow import StatusBadge, Workflow

TYPING_SECONDS = 6  # a typing mark older than this is stale (the widget sends one every 3 s while typing)


def is_typing(moment: Any, now: Any = None) -> bool:
    return moment is not None and moment > (now or timezone.now()) - timedelta(seconds=TYPING_SECONDS)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Conversation(Workflow, TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for customer service")
        WAITING = "waiting", _("Answered")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.OPEN: {Status.WAITING, Status.CLOSED},
        Status.WAITING: {Status.OPEN, Status.CLOSED},
    }
    COLOURS = {Status.OPEN: "warning", Status.WAITING: "info", Status.CLOSED: "secondary"}

    # The visitor's capability: the widget's URLs carry it (an anonymous visitor has no account).
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_conversations",
        verbose_name=_("signed-in visitor"),
    )
    client = models.ForeignKey(
        "office.ClientAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_conversations",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10, default="en")
    page_url = models.CharField(_("started on page"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_assigned_conversations",
        verbose_name=_("assigned to"),
    )
    # Anything the visitor's or the console's log shows changed: the ETag of a poll reads it.
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    last_message_seq = models.PositiveIntegerField(default=0)
    visitor_typing_at = models.DateTimeField(null=True, blank=True)
    staff_typing_at = models.DateTimeField(null=True, blank=True)
    staff_typing_name = models.CharField(max_length=120, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    transcript_requested_at = models.DateTimeField(_("transcript requested"), null=True, blank=True)
    transcript_sent_at = models.DateTimeField(_("transcript sent"), null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("chat conversation")
        verbose_name_plural = _("chat conversations")
        indexes = [models.Index(fields=["status", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def visitor_is_typing(self) -> bool:
        return is_typing(self.visitor_typing_at)

    @property
    def staff_is_typing(self) -> bool:
        return is_typing(self.staff_typing_at)


class ChatMessage(models.Model):
    class Side(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        STAFF = "staff", _("Customer service")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Numbered under the conversation's row lock: the unique pair proves no two writers raced.
    seq = models.PositiveIntegerField()
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=120, blank=True)
    # Plain text as typed. System lines store an English message id and its parameters and are
    # rendered in the reader's language (office/texts.py).
    text = models.TextField(_("message"))
    params = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [models.UniqueConstraint(fields=["conversation", "seq"], name="chatmessage_seq_once")]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.seq}"

    @property
    def display_text(self) -> str:
        if self.side == self.Side.SYSTEM:
            from office.texts import render

            return render(self.text, self.params or {})
        return self.text


class CannedAnswer(TimeStampedModel):
    """A prepared reply in both languages; the console offers the one in the visitor's language."""

    title = models.CharField(_("title"), max_length=120)
    title_zh = models.CharField(_("Chinese title"), max_length=120, blank=True)
    text = models.TextField(_("answer"))
    text_zh = models.TextField(_("Chinese answer"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    def text_for(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") and self.text_zh else self.text


class SurveyInvitation(StatusBadge, TimeStampedModel):
    class Kind(models.TextChoices):
        ORDER = "order", _("Service order")
        CONSULTATION = "consultation", _("Consultation")
        TRAINING = "training", _("Training session")
        CHAT = "chat", _("Chat")

    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    COLOURS = {Status.SENT: "warning", Status.ANSWERED: "success"}
    TOPICS = {
        "speed": _("Speed"),
        "quality": _("Quality of the work"),
        "communication": _("Communication"),
    }

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    kind = models.CharField(_("about"), max_length=20, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField()
    subject_label = models.CharField(_("subject"), max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_surveys")
    client = models.ForeignKey("office.ClientAccount", on_delete=models.PROTECT, related_name="support_surveys")
    department = models.ForeignKey(
        "office.Department", on_delete=models.PROTECT, related_name="support_surveys", verbose_name=_("department")
    )
    offering = models.ForeignKey(
        "services.Offering",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_surveys",
        verbose_name=_("service"),
    )
    completed_at = models.DateTimeField(_("completed"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    score = models.PositiveSmallIntegerField(_("recommendation score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    ratings = models.JSONField(_("topic ratings"), default=dict, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            # One invitation per completed thing and person: the sweep may run twice.
            models.UniqueConstraint(fields=["kind", "subject_id", "user"], name="surveyinvitation_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="surveyinvitation_score_0_10"
            ),
        ]
        indexes = [models.Index(fields=["department", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_label}"


class SurveyFollowUp(StatusBadge, TimeStampedModel):
    """A low score, for the head of the department concerned to follow up."""

    class Status(models.TextChoices):
        OPEN = "open", _("To follow up")
        CLOSED = "closed", _("Closed")

    COLOURS = {Status.OPEN: "danger", Status.CLOSED: "secondary"}

    survey = models.OneToOneField(SurveyInvitation, on_delete=models.PROTECT, related_name="follow_up")
    department = models.ForeignKey("office.Department", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")

    def __str__(self) -> str:
        return f"{self.survey_id} {self.status}"
