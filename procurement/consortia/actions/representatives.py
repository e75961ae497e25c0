"""Provider-representative accounts, kept by the office that keeps the vendor (issue 16): a
representative is a provider's own login (no staff profile) that sees only its consortia's
negotiations and contracts. Invited by e-mail with a set-password link, deactivated (the
row stays) when the provider's contact changes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from office import audit
from office.exceptions import DomainError
from procurement import permissions
from procurement.consortia.models import ProviderRepresentative
from procurement.models import Vendor


def _vendor(actor: Any, vendor_id: int) -> Vendor:
    vendor = Vendor.objects.select_for_update().filter(pk=vendor_id).first()
    if vendor is None or not permissions.can_edit_vendor(actor, vendor):
        raise PermissionDenied(_("Only the office that keeps this provider manages its representatives."))
    return vendor


@transaction.atomic
def representative_invite(*, actor: Any, vendor_id: int, email: str, username: str, language: str = "") -> Any:
    from office.actions_people import send_account_link
    from office.models import Preference

    vendor = _vendor(actor, vendor_id)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists() or User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("Somebody already has this user name or e-mail address."))
    user = User.objects.create_user(username=username, email=email, password=None)
    if language:
        Preference.objects.update_or_create(user=user, defaults={"language": language})
    representative = ProviderRepresentative.objects.create(user=user, vendor=vendor)
    audit.record(actor=actor, target=representative, verb="procurement.representative.invited",
                 data={"vendor": vendor.pk, "user": user.pk})  # fmt: skip
    transaction.on_commit(lambda: send_account_link(user, name=str(vendor), office=str(vendor.organization)))
    return representative


@transaction.atomic
def representative_set_active(*, actor: Any, representative_id: int, active: bool) -> ProviderRepresentative:
    representative = ProviderRepresentative.objects.select_for_update().filter(pk=representative_id).first()
    if representative is None:
        raise DomainError(_("This representative does not exist."))
    _vendor(actor, representative.vendor_id)
    if representative.is_active == active:
        raise DomainError(_("Nothing to change."))
    representative.is_active = active
    representative.save(update_fields=["is_active", "updated_at"])
    verb = "procurement.representative.reactivated" if active else "procurement.representative.deactivated"
    audit.record(actor=actor, target=representative, verb=verb, data={"vendor": representative.vendor_id})
    return representative
