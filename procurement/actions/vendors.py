"""Vendors: recording and editing an office's vendors (the catalog they sell is in `catalog`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from office import audit
from office.access import staff_profile
from office.exceptions import DomainError
from procurement import permissions
from procurement.models import Vendor

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def vendor_save(*, vendor: Vendor, actor: User, changed: list[str] | None = None) -> Vendor:
    """Save a vendor from a checked form's instance: a new one (no pk) joins the actor's office.
    Refuses those who do not manage the office's vendors (PermissionDenied) and a code another
    vendor of the office already uses (DomainError, nothing saved). Audited with the changed
    fields."""
    created = vendor.pk is None
    if created:
        profile = staff_profile(actor)
        if profile is None:
            raise PermissionDenied(_("You cannot manage vendors."))
        vendor.organization_id = profile.organization_id
    if not permissions.can_manage_vendors(actor, vendor.organization_id):
        raise PermissionDenied(_("You cannot manage vendors."))
    try:
        with transaction.atomic():  # a savepoint: the unique (office, code) constraint may refuse
            vendor.save()
    except IntegrityError:
        raise DomainError(_("Another vendor of your office uses this code.")) from None
    audit.record(
        actor=actor,
        target=vendor,
        verb="procurement.vendor.created" if created else "procurement.vendor.edited",
        data={"fields": sorted(changed or [])},
    )
    return vendor
