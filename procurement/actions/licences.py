"""Licences: the usage rights the office holds (a rental received on an order, or one recorded
by hand). A licence is active until its last day, then expired; renewing continues it with a
new term and keeps the old one as history (renewed). The daily sweep reminds leadership once
before the end and expires ended licences."""

from __future__ import annotations

import datetime
import ipaddress
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import staff_profile
from office.exceptions import DomainError
from office.texts import when
from procurement import permissions, selectors
from procurement.actions.common import notify_many
from procurement.models import Licence, Vendor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LICENCE_REMINDER_DAYS = 30
MAX_CONCURRENT_USERS = 100_000


MAX_IP_RANGES = 200


MAX_TERMS_LENGTH = 20_000


LICENCE_EDITABLE = ("starts_on", "ends_on", "concurrent_users", "permitted_sites", "ip_ranges", "terms")


def normalize_ip_ranges(text: str) -> str:
    """One CIDR range (IPv4 or IPv6) per line, written the canonical way (10.0.0.0/16; a bare
    address is its own /32 or /128); blank lines and repeats dropped. DomainError names the
    first line that is not a range."""
    ranges: list[str] = []
    for line in filter(None, (raw.strip() for raw in (text or "").splitlines())):
        try:
            network = str(ipaddress.ip_network(line, strict=False))
        except ValueError:
            raise DomainError(_("%(value)s is not an IP range such as 10.0.0.0/16.") % {"value": line[:50]}) from None
        if network not in ranges:
            ranges.append(network)
    if len(ranges) > MAX_IP_RANGES:
        raise DomainError(_("Enter at most %(n)s IP ranges.") % {"n": MAX_IP_RANGES})
    return "\n".join(ranges)


def _licence_terms_checked(values: dict[str, Any]) -> dict[str, Any]:
    """A licence's term and usage rights (LICENCE_EDITABLE) checked and normalised, or
    DomainError: the rules `licence_create` and `licence_update` share."""
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise DomainError(_("Enter the term's first and last day."))
    if ends_on < starts_on:
        raise DomainError(_("The licence must end after it starts."))
    users = values.get("concurrent_users")
    if isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_CONCURRENT_USERS:
        raise DomainError(_("Concurrent users must lie between 1 and %(max)s.") % {"max": MAX_CONCURRENT_USERS})
    sites = str(values.get("permitted_sites") or "").strip()
    if len(sites) > 300:
        raise DomainError(_("Describe the permitted sites in at most 300 characters."))
    terms = str(values.get("terms") or "").strip()
    if len(terms) > MAX_TERMS_LENGTH:
        raise DomainError(_("The licence terms may be at most %(n)s characters long.") % {"n": MAX_TERMS_LENGTH})
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "concurrent_users": users,
        "permitted_sites": sites,
        "ip_ranges": normalize_ip_ranges(str(values.get("ip_ranges") or "")),
        "terms": terms,
    }


@transaction.atomic
def licence_create(*, actor: User, vendor_id: int, title: str, **rights: Any) -> Licence:
    """Record a licence of the actor's office with one of the office's vendors; `rights` are
    the term and usage rights (LICENCE_EDITABLE). Refuses those who do not manage licences
    (PermissionDenied) and bad terms (DomainError, nothing saved). An end date already past
    records it as expired. Audited."""
    profile = staff_profile(actor)
    if profile is None or not permissions.can_manage_licences(actor, profile.organization_id):
        raise PermissionDenied(_("You cannot record licences."))
    vendor = Vendor.objects.filter(pk=vendor_id, organization_id=profile.organization_id).first()
    if vendor is None:
        raise DomainError(_("Choose one of your office's vendors."))
    title = (title or "").strip()
    if not title or len(title) > 300:
        raise DomainError(_("Name the resource in at most 300 characters."))
    values = _licence_terms_checked(rights)
    licence = Licence.objects.create(
        organization_id=profile.organization_id,
        vendor=vendor,
        title=title,
        status=Licence.Status.EXPIRED if values["ends_on"] < timezone.localdate() else Licence.Status.ACTIVE,
        **values,
    )
    audit.record(actor=actor, target=licence, verb="procurement.licence.created")
    return licence


@transaction.atomic
def licence_update(*, licence_id: int, actor: User, changes: dict[str, Any]) -> Licence:
    """Correct a licence's usage rights: term, concurrent users, permitted sites, IP ranges,
    terms text. Audited with every changed field's old and new value. A new end date asks for a
    fresh renewal reminder and sets the state the date implies (active or expired). A renewed
    licence is history and stays as it was; a renewal may not start before its predecessor ends.
    Bad input raises DomainError and changes nothing."""
    licence = Licence.objects.select_for_update().get(pk=licence_id)
    if not permissions.can_manage_licences(actor, licence.organization_id):
        raise PermissionDenied(_("You cannot change licences."))
    if licence.status == Licence.Status.RENEWED:
        raise DomainError(_("This licence has been renewed; change the renewal instead."))
    new = _licence_terms_checked({field: changes.get(field, getattr(licence, field)) for field in LICENCE_EDITABLE})
    predecessor = Licence.objects.filter(renewed_by=licence).first()
    if predecessor is not None and new["starts_on"] <= predecessor.ends_on:
        raise DomainError(
            _("This licence renews one that runs until %(date)s; it must start after that.")
            % {"date": predecessor.ends_on}
        )
    diff = {
        field: [str(getattr(licence, field)), str(value)]
        for field, value in new.items()
        if getattr(licence, field) != value
    }
    if not diff:
        return licence
    for field, value in new.items():
        setattr(licence, field, value)
    fields = [*diff, "updated_at"]
    if "ends_on" in diff:
        licence.reminder_sent_at = None  # remind again before the new end
        licence.status = Licence.Status.EXPIRED if licence.ends_on < timezone.localdate() else Licence.Status.ACTIVE
        fields += ["reminder_sent_at", "status"]
    licence.save(update_fields=fields)
    audit.record(actor=actor, target=licence, verb="procurement.licence.edited", data={"changes": diff})
    return licence


@transaction.atomic
def licence_renew(*, licence_id: int, actor: User, ends_on: datetime.date) -> Licence:
    """Continue a licence with a new term starting the day after the old one ends."""
    old = Licence.objects.select_for_update().get(pk=licence_id)
    if not permissions.can_manage_licences(actor, old.organization_id):
        raise PermissionDenied(_("You cannot renew licences."))
    if old.status == Licence.Status.RENEWED:
        raise DomainError(_("This licence has already been renewed."))
    starts_on = old.ends_on + datetime.timedelta(days=1)
    if ends_on < starts_on:
        raise DomainError(_("The new term must end after %(date)s.") % {"date": starts_on})
    new = Licence.objects.create(
        organization_id=old.organization_id,
        vendor_id=old.vendor_id,
        title=old.title,
        starts_on=starts_on,
        ends_on=ends_on,
        concurrent_users=old.concurrent_users,
        permitted_sites=old.permitted_sites,
        ip_ranges=old.ip_ranges,
        terms=old.terms,
    )
    old.status = Licence.Status.RENEWED
    old.renewed_by = new
    old.save(update_fields=["status", "renewed_by", "updated_at"])
    audit.record(actor=actor, target=old, verb="procurement.licence.renewed", data={"until": str(ends_on)})
    return new


def licences_sweep() -> dict[str, int]:
    """Daily: remind leadership of licences ending within 30 days (once), expire ended ones."""
    counts = {"reminded": 0, "expired": 0}
    today = timezone.localdate()
    for licence_id in (
        Licence.objects.expiring_within(LICENCE_REMINDER_DAYS)
        .filter(reminder_sent_at__isnull=True)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            licence = Licence.objects.select_for_update().get(pk=licence_id)
            if licence.reminder_sent_at:
                continue
            licence.reminder_sent_at = timezone.now()
            licence.save(update_fields=["reminder_sent_at", "updated_at"])
            notify_many(
                selectors.licence_reminder_recipient_ids(licence),
                verb="procurement.licence.expiring",
                title=gettext_noop("Licence “%(title)s” ends on %(date)s: renew it?"),
                url=reverse("procurement:licence_detail", kwargs={"pk": licence.pk}),
                params={"title": licence.title, "date": when(licence.ends_on)},
            )
            counts["reminded"] += 1
    for licence_id in Licence.objects.filter(status=Licence.Status.ACTIVE, ends_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            licence = Licence.objects.select_for_update().get(pk=licence_id)
            if licence.status != Licence.Status.ACTIVE:
                continue
            licence.status = Licence.Status.EXPIRED
            licence.save(update_fields=["status", "updated_at"])
            audit.record(actor=None, target=licence, verb="procurement.licence.expired")
            counts["expired"] += 1
    return counts
