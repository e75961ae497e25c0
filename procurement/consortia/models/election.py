"""Electing the negotiator: the election, its nominations and votes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from office.models import TimeStampedModel
from office.workflow import StatusBadge
from procurement.consortia.models.consortium import Consortium, Membership


class Election(StatusBadge, TimeStampedModel):
    """Electing the negotiator: nominations and votes until the deadline (or until every member
    has voted), then a tally. Tie rule: the tied candidate nominated first wins (known to everyone
    in advance, no luck involved, and it rewards whoever stepped forward first)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    COLOURS = {Status.OPEN: "info", Status.CLOSED: "secondary"}

    consortium = models.OneToOneField(
        Consortium, on_delete=models.CASCADE, related_name="election", verbose_name=_("consortium")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateTimeField(_("voting deadline"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    winner = models.ForeignKey(
        "procurement.Nomination", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The published tally: [{"nomination": pk, "candidate": name, "office": name, "votes": n}, ...]
    result = models.JSONField(_("result"), default=list, blank=True)
    tie_broken = models.BooleanField(_("tie broken by nomination order"), default=False)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return _("Election for %(consortium)s") % {"consortium": self.consortium_id}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Nomination(TimeStampedModel):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("election")
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("candidate")
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("candidate's office")
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(fields=["election", "candidate"], name="nomination_once_per_candidate"),
        ]

    def __str__(self) -> str:
        return str(self.candidate)


class Vote(TimeStampedModel):
    """One per member office; its representative may change it until the election closes."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="votes", verbose_name=_("election"))
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="votes", verbose_name=_("voting office")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="votes", verbose_name=_("vote for")
    )
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["election", "membership"], name="vote_one_per_office")]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.nomination_id}"
