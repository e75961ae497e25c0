"""The org structure: member offices, their units and the units' functions, and positions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models.common import TimeStampedModel, localized
from office.querysets import DepartmentQuerySet


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
