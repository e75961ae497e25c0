"""Policy, rule and job-duty documents, and their numbered versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models.common import TimeStampedModel, localized
from office.models.org import Department, Organization, Position
from office.querysets import OfficeScopedQuerySet


class Document(TimeStampedModel):
    """A policy, rule or job-duty document. Its text lives in numbered versions."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        RULE = "rule", _("Rules and regulations")
        JOB_DUTY = "job_duty", _("Job duties")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="documents", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.POLICY)
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("department"),
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name=_("position")
    )
    current_version = models.PositiveIntegerField(_("current version"), default=0)

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="document_slug_unique_per_office")]

    def __str__(self) -> str:
        return localized(self, "title")


class DocumentVersion(models.Model):
    """One immutable version of a document's text (Markdown, rendered through a sanitiser)."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text (Markdown)"))
    body_zh = models.TextField(_("Chinese text (Markdown)"), blank=True)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
