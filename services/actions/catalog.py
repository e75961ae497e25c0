"""The service catalog: heads keep their own department's offerings, leadership all of them
(create or edit, audited with the price and whether it is offered)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from office import audit
from office.money import check_amount
from services import permissions, public_cache
from services.models import Offering

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def offering_save(*, offering: Offering, actor: User) -> Offering:
    """Create or edit a catalog offering; heads edit their own department's, leadership all."""
    created = offering.pk is None
    if not permissions.can_manage_offerings(actor):
        raise PermissionDenied(_("You cannot manage the service catalog."))
    if not permissions.can_edit_offering(actor, offering):
        raise PermissionDenied(_("You can only manage your own department's services."))
    if offering.price_minor is not None:  # None: a quoted service
        check_amount(offering.price_minor, offering.currency)
    if not created:
        Offering.objects.select_for_update().get(pk=offering.pk)
    offering.full_clean()
    offering.save()
    audit.record(
        actor=actor,
        target=offering,
        verb="services.offering.created" if created else "services.offering.changed",
        organization=offering.department.organization,
        data={"pricing": offering.pricing, "price_minor": offering.price_minor, "active": offering.is_active},
    )
    public_cache.invalidate()  # the anonymous catalogue pages, once this is committed
    return offering
