"""Technical services' equipment inventory, its documents, and maintenance tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models.common import TimeStampedModel
from office.models.org import Department, Organization
from office.workflow import Workflow


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
