"""Org structure of the intranet: offices, departments, positions, people, documents,
announcements, budgets, the audit log and notifications.

Bilingual reference data keeps an English and a Chinese text side by side (`name`,
`name_zh`); `localized` picks the one for the active language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from office.querysets import (
    AnnouncementQuerySet,
    AuditEventQuerySet,
    BudgetQuerySet,
    DepartmentQuerySet,
    NotificationQuerySet,
    OfficeScopedQuerySet,
    StaffProfileQuerySet,
)
from office.workflow import StatusBadge, Workflow


def localized(obj: object, field: str) -> str:
    """The Chinese variant of `field` when the UI is Chinese and it is filled in."""
    if (get_language() or "").startswith("zh"):
        value = getattr(obj, f"{field}_zh", "")
        if value:
            return value
    return getattr(obj, field)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Organization(TimeStampedModel):
    """A member office of the network. Exactly one is the home office that runs the hub."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    is_home = models.BooleanField(_("home office"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    mission_zh = models.TextField(_("mission (Chinese)"), blank=True)
    # Stripe Connect account of this office when it receives money (loan fees, sales).
    stripe_account_id = models.CharField(_("connected Stripe account"), max_length=64, blank=True)

    class Meta:
        ordering = ["-is_home", "name"]
        verbose_name = _("member office")
        verbose_name_plural = _("member offices")
        constraints = [
            models.UniqueConstraint(fields=["is_home"], condition=Q(is_home=True), name="organization_one_home"),
        ]

    def __str__(self) -> str:
        return localized(self, "name")


class Department(TimeStampedModel):
    """A unit of an office: the leadership office, a department, or a group inside one."""

    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership office")
        DEPARTMENT = "department", _("Department")
        GROUP = "group", _("Group")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="departments", verbose_name=_("office")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # What the department head may approve alone; above it the director approves too.
    approval_limit_minor = models.BigIntegerField(_("head's approval limit (minor units)"), default=500000)
    # A closed unit keeps its history (staff moved out first) but takes no new members.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="department_code_unique_per_office"),
            models.CheckConstraint(condition=Q(approval_limit_minor__gte=0), name="department_limit_gte_0"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="department_not_own_parent"),
        ]

    def __str__(self) -> str:
        return localized(self, "name")

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Function(models.TextChoices):
    """What a unit does for the office. Permissions read these assignments (office.functions),
    never a department's code: the org structure is data."""

    TECHNICAL_SERVICES = "technical_services", _("Technical services")
    CATALOG_REVIEW = "catalog_review", _("Catalog review")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    INFORMATION_DEVELOPMENT = "information_development", _("Information development")
    NAVIGATION = "navigation", _("Network navigation")
    DIGITAL_RESOURCES = "digital_resources", _("Digital resources")
    FINANCE = "finance", _("Finance")


class DepartmentFunction(models.Model):
    """One function assigned to one unit (a department or a group), by the leadership office."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="functions", verbose_name=_("department")
    )
    function = models.CharField(_("function"), max_length=40, choices=Function.choices)
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assigned by"),
    )  # fmt: skip

    class Meta:
        ordering = ["department", "function"]
        verbose_name = _("department function")
        verbose_name_plural = _("department functions")
        constraints = [
            models.UniqueConstraint(fields=["department", "function"], name="department_function_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.get_function_display()}"


class Position(models.Model):
    """A post such as director or department head; its role drives what the holder may do."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("Director")
        ADMIN_ASSISTANT = "admin_assistant", _("Administrative assistant")
        BUSINESS_ASSISTANT = "business_assistant", _("Business assistant")
        HEAD = "head", _("Department head")
        STAFF = "staff", _("Staff")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.STAFF)
    rank = models.PositiveIntegerField(_("rank"), default=100, help_text=_("Lower comes first in the directory."))
    duties = models.TextField(_("job duties"), blank=True)
    duties_zh = models.TextField(_("job duties (Chinese)"), blank=True)

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return localized(self, "name")


class StaffProfile(TimeStampedModel):
    """A staff member of an office. The role groups of the user follow from this row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="staff", verbose_name=_("office")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("department")
    )
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="holders", verbose_name=_("position"))
    display_name = models.CharField(_("display name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=40, blank=True)
    duties = models.TextField(_("duties"), blank=True)

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "department__sort_order", "position__rank", "display_name"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.display_name

    @property
    def role(self) -> str:
        return self.position.role

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.department_id and self.organization_id and self.department.organization_id != self.organization_id:
            raise ValidationError({"department": _("The department belongs to another office.")})


class ClientAccount(TimeStampedModel):
    """A remote client (person or organisation) who orders services; never staff."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_account", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    display_name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    fax = models.CharField(_("fax"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)
    email_confirmed = models.BooleanField(_("e-mail confirmed"), default=False)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("client account")
        verbose_name_plural = _("client accounts")

    def __str__(self) -> str:
        return self.display_name


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


class Announcement(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("office")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("department"),
        help_text=_("Leave empty to address the whole office."),
    )
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    body_zh = models.TextField(_("Chinese text"), blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("author"))

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-published_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return localized(self, "title")


class Budget(TimeStampedModel):
    """A department's budget line for one fiscal year.

    available = allocated - encumbered - spent, and the database refuses any write that
    would make it negative. Every movement is a `BudgetEntry`.
    """

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("department")
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    allocated_minor = models.BigIntegerField(_("allocated"), default=0)
    encumbered_minor = models.BigIntegerField(_("encumbered"), default=0)
    spent_minor = models.BigIntegerField(_("spent"), default=0)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "department__sort_order"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["department", "fiscal_year"], name="budget_one_per_department_year"),
            models.CheckConstraint(
                condition=Q(allocated_minor__gte=0) & Q(encumbered_minor__gte=0) & Q(spent_minor__gte=0),
                name="budget_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(allocated_minor__gte=F("encumbered_minor") + F("spent_minor")),
                name="budget_available_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.fiscal_year}"

    @property
    def available_minor(self) -> int:
        return self.allocated_minor - self.encumbered_minor - self.spent_minor


class BudgetEntry(models.Model):
    """One movement on a budget line (the ledger behind its three totals)."""

    class Kind(models.TextChoices):
        ALLOCATE = "allocate", _("Allocation")
        ENCUMBER = "encumber", _("Encumbrance")
        RELEASE = "release", _("Release")
        SPEND = "spend", _("Spending")

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="entries", verbose_name=_("budget"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount_minor = models.BigIntegerField(_("amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_minor}"


class AuditEvent(models.Model):
    """Who did what to which object. Written only by `office.audit.record`."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("actor")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("office")
    )
    verb = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The log's keyset pages (office/keyset.py): an office's, an actor's, an object's history.
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["organization", "-created_at", "-id"], name="auditevent_office_recent"),
            models.Index(fields=["actor", "-created_at", "-id"], name="auditevent_actor_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb}"


class Notification(models.Model):
    """An in-app message to one user; `emailed_at` marks the e-mail copy as sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    verb = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    send_email = models.BooleanField(_("also by e-mail"), default=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # With params set, `title` and `body` are English message ids rendered in the reader's
    # language (office/texts.py); without, they are legacy text shown as stored.
    params = models.JSONField(_("parameters"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # Unread counts; the list's keyset pages (office/keyset.py).
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_recent"),
        ]

    def __str__(self) -> str:
        return self.title_text

    @property
    def title_text(self) -> str:
        from office.texts import render

        return render(self.title, self.params)

    @property
    def body_text(self) -> str:
        from office.texts import render

        return render(self.body, self.params)


class Preference(models.Model):
    """A person's own settings: the language their notifications, e-mails and PDFs use."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker ran the periodic heartbeat task (health page)."""

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.hostname


class BackupRun(StatusBadge, models.Model):
    """One backup of the database and media into the backup store (office/backups/).

    Good means: SUCCEEDED, its folder holds manifest.json (written last) and every file's
    SHA-256 matched the manifest when the run ended. PRUNED rows stay for the history chart.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        PRUNED = "pruned", _("Pruned")

    COLOURS = {
        Status.RUNNING: "secondary",
        Status.SUCCEEDED: "success",
        Status.FAILED: "danger",
        Status.PRUNED: "secondary",
    }

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MANUAL = "manual", _("Manual")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices, default=Trigger.SCHEDULED)
    location = models.CharField(_("location"), max_length=500, blank=True)
    size_bytes = models.BigIntegerField(_("size"), default=0)
    manifest = models.JSONField(_("manifest"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    pruned_at = models.DateTimeField(_("pruned"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("backup")
        verbose_name_plural = _("backups")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def file_names(self) -> list[str]:
        return sorted(self.manifest.get("files", {}))


class BackupDrill(StatusBadge, models.Model):
    """One restore drill: a backup restored into a scratch database and compared with its
    manifest (row counts, content checksums, migrations). Never touches the live database."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    COLOURS = {Status.RUNNING: "secondary", Status.PASSED: "success", Status.FAILED: "danger"}

    backup = models.ForeignKey(
        BackupRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="drills", verbose_name=_("backup")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    details = models.JSONField(_("details"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("restore drill")
        verbose_name_plural = _("restore drills")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class BackupRetention(models.Model):
    """How many daily, weekly and monthly backups retention keeps, set by technical services
    within floors (office.actions_techsvc); one row, and without it the settings' defaults."""

    keep_daily = models.PositiveIntegerField(_("daily backups kept"))
    keep_weekly = models.PositiveIntegerField(_("weekly backups kept"))
    keep_monthly = models.PositiveIntegerField(_("monthly backups kept"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("backup retention")
        verbose_name_plural = _("backup retention")

    def __str__(self) -> str:
        return f"{self.keep_daily}/{self.keep_weekly}/{self.keep_monthly}"


# Querysets of the technical-services models live here rather than in querysets.py, which
# other areas edit concurrently; they move there once issue 8 has landed.
class EquipmentQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> EquipmentQuerySet:
        from office.access import office_of

        office = office_of(user)
        return self.filter(organization=office) if office is not None else self.none()


class MaintenanceTicketQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> MaintenanceTicketQuerySet:
        from office.access import office_of

        office = office_of(user)
        return self.filter(organization=office) if office is not None else self.none()

    def open(self) -> MaintenanceTicketQuerySet:
        return self.exclude(status=MaintenanceTicket.Status.CLOSED)


class Equipment(TimeStampedModel):
    """A computer, network device or AV/multimedia item that technical services looks after."""

    class Kind(models.TextChoices):
        COMPUTER = "computer", _("Computer")
        NETWORK = "network", _("Network")
        AV = "av", _("AV / multimedia")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        IN_REPAIR = "in_repair", _("In repair")
        RETIRED = "retired", _("Retired")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("office")
    )
    asset_tag = models.SlugField(_("asset tag"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_SERVICE)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    custodian = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("custodian department")
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Who uses it (a laptop, a projector on loan); the room is `location`.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assigned to"),
    )  # fmt: skip
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = EquipmentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment")
        constraints = [
            models.UniqueConstraint(fields=["organization", "asset_tag"], name="equipment_tag_unique_per_office"),
            models.CheckConstraint(
                condition=Q(warranty_until__isnull=True)
                | Q(purchase_date__isnull=True)
                | Q(warranty_until__gte=F("purchase_date")),
                name="equipment_warranty_after_purchase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.custodian_id and self.organization_id and self.custodian.organization_id != self.organization_id:
            raise ValidationError({"custodian": _("The department belongs to another office.")})

    def under_warranty(self, on: object = None) -> bool:
        today = on or timezone.localdate()
        return self.warranty_until is not None and self.warranty_until >= today


class EquipmentDocument(models.Model):
    """A manual, invoice or warranty card of an equipment item; served only through a view
    that checks the reader is staff of the item's office (office:equipment_document)."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="documents", verbose_name=_("equipment")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="equipment/%Y/%m/", max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("equipment document")
        verbose_name_plural = _("equipment documents")

    def __str__(self) -> str:
        return self.title


class MaintenanceTicket(Workflow, TimeStampedModel):
    """A repair or maintenance request: any staff member raises it, technical services takes
    it on and closes it (office/equipment.py)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ASSIGNED = "assigned", _("Assigned")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    # The only legal moves (office.workflow); ASSIGNED -> ASSIGNED hands the ticket to someone else.
    TRANSITIONS = {
        Status.OPEN: {Status.ASSIGNED, Status.CLOSED},
        Status.ASSIGNED: {Status.ASSIGNED, Status.CLOSED},
    }
    COLOURS = {Status.OPEN: "warning", Status.ASSIGNED: "info", Status.CLOSED: "secondary"}

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="maintenance_tickets", verbose_name=_("office")
    )
    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("equipment"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    objects = MaintenanceTicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("maintenance ticket")
        verbose_name_plural = _("maintenance tickets")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(assignee__isnull=False), name="ticket_assigned_has_assignee"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="ticket_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"
