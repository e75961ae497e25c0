"""People's accounts: a staff member's profile in an office, and a remote client's account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from office.models.common import TimeStampedModel
from office.models.org import Department, Organization, Position
from office.querysets import StaffProfileQuerySet


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
