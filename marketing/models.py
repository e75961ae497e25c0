"""The public site's content: editable pages (with versions), news and campaigns, sponsors and
partners, the office's resources (databases, digital collections), the subject navigation
(a CLC tree with curated links), inquiries in customer service's queue, and analytics kept as
daily aggregates (no cookies, no per-visitor rows).

Every text a visitor reads comes in English and Chinese (`title` / `title_zh`), read with
`office.models.localized(obj, "title")`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from office.models import TimeStampedModel, localized
from office.workflow import Workflow


class PublishedQuerySet(models.QuerySet):
    def published(self) -> PublishedQuerySet:
        return self.filter(is_published=True)


class Page(TimeStampedModel):
    """An editable page of the public site. Each save through the action keeps a `PageVersion`."""

    class Kind(models.TextChoices):
        ABOUT = "about", _("About and mission")
        IMAGE = "image", _("Image and history")
        SERVICES = "services", _("Services overview")
        PARTNERS = "partners", _("Sponsors and partners")
        COOPERATION = "cooperation", _("Cooperation")
        OTHER = "other", _("Other")

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_zh = models.CharField(_("Chinese summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_zh = models.TextField(_("Chinese text (Markdown)"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self) -> str:
        return localized(self, "title")


class PageVersion(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_zh = models.CharField(_("Chinese summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_zh = models.TextField(_("Chinese text (Markdown)"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="marketing_pageversion_unique")]

    def __str__(self) -> str:
        return f"{self.page_id} v{self.number}"


class NewsQuerySet(models.QuerySet):
    def current(self, now=None) -> NewsQuerySet:
        now = now or timezone.now()
        return self.filter(publish_from__lte=now).filter(Q(publish_until__isnull=True) | Q(publish_until__gt=now))


class NewsItem(TimeStampedModel):
    """News or a campaign, shown from `publish_from` until `publish_until` (open-ended if empty)."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_zh = models.TextField(_("Chinese text (Markdown)"), blank=True)
    publish_from = models.DateTimeField(_("published from"), default=timezone.now)
    publish_until = models.DateTimeField(_("published until"), null=True, blank=True)
    campaign = models.SlugField(_("campaign code"), max_length=60, blank=True, help_text=_("utm_campaign of its links"))

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_from"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True) | Q(publish_until__gt=models.F("publish_from")),
                name="marketing_news_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return localized(self, "title")


def _logo_path(instance: Partner, filename: str) -> str:
    return f"marketing/logos/{timezone.now():%Y}/{filename}"


class Partner(TimeStampedModel):
    class Kind(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsor")
        PARTNER = "partner", _("Partner")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    url = models.URLField(_("web site"), blank=True)
    logo = models.FileField(_("logo"), upload_to=_logo_path, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_order", "name"]
        verbose_name = _("sponsor or partner")
        verbose_name_plural = _("sponsors and partners")

    def __str__(self) -> str:
        return localized(self, "name")


class Subject(models.Model):
    """A node of the subject navigation; the default tree is the CLC main classes."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("class code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return f"{self.code} {localized(self, 'name')}"


class Resource(TimeStampedModel):
    """One of the office's own databases or digital collections, shown on the showcase."""

    class Kind(models.TextChoices):
        DATABASE = "database", _("Database")
        COLLECTION = "collection", _("Digital collection")

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DATABASE)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    abstract_zh = models.TextField(_("abstract (Chinese)"), blank=True)
    coverage = models.CharField(_("coverage"), max_length=300, blank=True)
    coverage_zh = models.CharField(_("coverage (Chinese)"), max_length=300, blank=True)
    sample = models.TextField(_("sample and index pages (Markdown)"), blank=True)
    sample_zh = models.TextField(_("sample and index pages, Chinese (Markdown)"), blank=True)
    fulltext_url = models.URLField(_("free full text"), blank=True)
    access_terms = models.TextField(_("access terms"), blank=True)
    access_terms_zh = models.TextField(_("access terms (Chinese)"), blank=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="resources", verbose_name=_("subjects"))
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Separated by commas."))
    is_published = models.BooleanField(_("published"), default=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return localized(self, "title")

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class SubjectLink(models.Model):
    """A curated link under a subject: to one of our resources or to an outside web resource."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="links")
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    last_checked = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_status = models.CharField(_("last result"), max_length=60, blank=True)
    dead = models.BooleanField(_("dead"), default=False)

    class Meta:
        ordering = ["subject", "sort_order", "title"]
        verbose_name = _("subject link")
        verbose_name_plural = _("subject links")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | Q(resource__isnull=False), name="marketing_subjectlink_has_target"
            )
        ]

    def __str__(self) -> str:
        return localized(self, "title")


class Inquiry(Workflow, TimeStampedModel):
    """A cooperation or general inquiry (or a chat message left outside staffed hours) in
    customer service's queue: new -> answered | closed | spam; answered -> closed."""

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation")
        CHAT = "chat", _("Chat message")
        GENERAL = "general", _("General inquiry")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("inquiry status", "New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        SPAM = "spam", _("Spam")

    TRANSITIONS = {
        Status.NEW: {Status.ANSWERED, Status.CLOSED, Status.SPAM},
        Status.ANSWERED: {Status.ANSWERED, Status.CLOSED},
        Status.SPAM: {Status.NEW},
    }
    COLOURS = {Status.NEW: "info", Status.ANSWERED: "success", Status.CLOSED: "secondary", Status.SPAM: "dark"}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=10, default="en")
    source_url = models.CharField(_("sent from"), max_length=500, blank=True)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reply_emailed_at = models.DateTimeField(_("reply e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject or self.name}"


class DailyCount(models.Model):
    """Server-side analytics: views of one public page (kind + key) on one day, bots excluded.
    Campaign arrivals are counted with kind "campaign" and the key "source/medium/campaign"."""

    day = models.DateField()
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "kind", "key"]
        constraints = [models.UniqueConstraint(fields=["day", "kind", "key"], name="marketing_dailycount_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.key}: {self.count}"


class SearchLog(models.Model):
    """Searches on the public site that found nothing, per day and query."""

    day = models.DateField()
    query = models.CharField(max_length=200)
    language = models.CharField(max_length=10, default="en")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-count"]
        constraints = [models.UniqueConstraint(fields=["day", "query", "language"], name="marketing_searchlog_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.query}: {self.count}"


class ServiceOrderCampaign(models.Model):
    """The campaign (utm_campaign) an information-service order came through, for the
    dashboard's campaign → order figures. Store orders keep theirs on the order itself; the
    services app knows nothing of campaigns, so the attribution lives here."""

    order = models.OneToOneField(
        "services.ServiceOrder",
        on_delete=models.CASCADE,
        related_name="marketing_campaign",
        verbose_name=_("service order"),
    )
    campaign = models.CharField(_("campaign"), max_length=80)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service order's campaign")
        verbose_name_plural = _("service orders' campaigns")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.campaign}"
