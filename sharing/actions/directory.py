"""The resource-sharing directory: outside partner libraries (agency id, ISO 18626 address,
security code, fees, active or not) and reciprocity agreements between two member offices.
Written by the home office's leadership (permissions.can_manage_directory); each office's own
lending policy and fee schedule are in policy.py.

    partner_create          a partner library, with its first security code
    partner_update          its name, address, contact, fees, active or not (the agency id stays)
    partner_secret_set      a new security code (typed, or generated and shown once)
    reciprocity_create      free lending between two member offices, from / until
    reciprocity_update      its dates and note

A security code is never written to the audit log or shown again once set; the audit says
that it changed. Every write is audited; the leadership of both offices of an agreement is
notified (the e-mail copies go after commit).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.access import LEADERSHIP
from office.exceptions import DomainError
from office.models import StaffProfile
from office.money import check_amount
from sharing import permissions
from sharing.actions.common import notify_users
from sharing.actions.policy import FEE_FIELDS
from sharing.models import Agency, Reciprocity

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# ISO 15511 (ISIL): a prefix (a country code, or up to 4 letters), a hyphen, then up to 11
# letters, digits, "-", "/" or ":"; 16 characters at most. Kept upper case here so that
# CN-Partner and CN-PARTNER cannot be two agencies.
ISIL = re.compile(r"^[A-Z]{1,4}-[A-Z0-9:/-]{1,11}$")
ISIL_MAX = 16
SECRET_MIN, SECRET_MAX = 16, 128
SECRET_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no space: it travels in an HTTP header
PARTNER_FIELDS = (
    "name",
    "name_zh",
    "iso_address",
    "email",
    "postal_address",
    "currency",
    "is_active",
    "loan_fee_minor",
    "copy_fee_minor",
    "page_fee_minor",
    "urgent_fee_minor",
)
LOOPBACK_NAMES = {"localhost"}


def _require(actor: User) -> None:
    if not permissions.can_manage_directory(actor):
        raise PermissionDenied(_("Only the home office's leadership edits the resource-sharing directory."))


def clean_agency_id(value: str) -> str:
    """An ISIL-style agency id, upper case; DomainError when it is not one."""
    text = (value or "").strip().upper()
    if len(text) > ISIL_MAX or not ISIL.match(text):
        raise DomainError(
            _(
                "An agency id is ISIL-style: a country code or prefix of up to 4 letters, a hyphen, then up to "
                "11 letters, digits, hyphens, slashes or colons (16 characters at most), e.g. CN-PARTNER."
            )
        )
    return text


def clean_iso_address(value: str) -> str:
    """An ISO 18626 address: https (http only to this machine, for tests and the demo), no user
    name or password in it, no fragment. Empty: the partner is never sent anything."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise DomainError(_("Give the partner's ISO 18626 address as a full https:// address.")) from None
    parts = urlsplit(text)
    if len(text) > 200 or parts.username or parts.password or parts.fragment:
        raise DomainError(_("The ISO 18626 address may not contain a user name, a password or a #fragment."))
    if parts.scheme == "http" and not _loopback(parts.hostname or ""):
        raise DomainError(_("The ISO 18626 address must use https: the security code travels with every message."))
    return text


def _loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_secret(value: str) -> str:
    """A security code typed by staff (the one the partner proposed), or "" to generate one."""
    text = (value or "").strip()
    if text and not (SECRET_MIN <= len(text) <= SECRET_MAX and SECRET_CHARS.match(text)):
        raise DomainError(
            _("A security code has %(min)d to %(max)d letters, digits or punctuation marks, without spaces.")
            % {"min": SECRET_MIN, "max": SECRET_MAX}
        )
    return text


def new_secret() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


def _clean_partner(changes: dict[str, Any], currency: str) -> dict[str, Any]:
    unknown = set(changes) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"partner: unknown fields {sorted(unknown)}")
    cleaned = dict(changes)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise DomainError(_("Give the library's name."))
    if "iso_address" in cleaned:
        cleaned["iso_address"] = clean_iso_address(cleaned["iso_address"])
    if "currency" in cleaned:
        cleaned["currency"] = (cleaned["currency"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", cleaned["currency"]):
            raise DomainError(_("Give the currency as a three-letter code, e.g. CNY."))
    for name in FEE_FIELDS:
        if name in cleaned:
            check_amount(cleaned[name], cleaned.get("currency", currency), allow_zero=True)
    return cleaned


@transaction.atomic
def partner_create(*, actor: User, agency_id: str, secret: str = "", **fields: Any) -> tuple[Agency, str]:
    """Add an outside partner library. Returns it and its security code: the typed one, or a
    generated one that the page shows once. Refuses a malformed or taken agency id, a bad
    address, fees below zero or in a malformed currency."""
    _require(actor)
    agency_id = clean_agency_id(agency_id)
    cleaned = _clean_partner(fields, fields.get("currency", "CNY"))
    code = clean_secret(secret) or new_secret()
    if Agency.objects.filter(agency_id__iexact=agency_id).exists():
        raise DomainError(_("The agency id %(id)s is already in the directory.") % {"id": agency_id})
    partner = Agency(agency_id=agency_id, is_partner=True, lends=True, **cleaned)
    partner.iso_secret, partner.iso_secret_set_at = code, timezone.now()
    partner.save()
    audit.record(
        actor=actor,
        target=partner,
        verb="sharing.agency.partner_created",
        data={"agency_id": agency_id, "fields": sorted(cleaned), "security_code": "set"},
    )
    return partner, code


@transaction.atomic
def partner_update(*, actor: User, agency_pk: int, **changes: Any) -> Agency:
    """Change a partner's name, address, contact, currency, fees or whether it is active (an
    inactive partner's messages are refused and nothing is sent to it). The agency id stays:
    transactions under way are known by it."""
    _require(actor)
    partner = Agency.objects.select_for_update().filter(pk=agency_pk, is_partner=True).first()
    if partner is None:
        raise DomainError(_("This partner library is not in the directory."))
    cleaned = _clean_partner(changes, changes.get("currency", partner.currency))
    changed = {k: v for k, v in cleaned.items() if getattr(partner, k) != v}
    for name, value in changed.items():
        setattr(partner, name, value)
    partner.save()
    audit.record(
        actor=actor,
        target=partner,
        verb="sharing.agency.partner_changed",
        data={"agency_id": partner.agency_id, "fields": sorted(changed)},
    )
    return partner


@transaction.atomic
def partner_secret_set(*, actor: User, agency_pk: int, secret: str = "") -> str:
    """Replace a partner's security code (typed, or generated when `secret` is empty) and
    return it. From now on its messages must carry the new one, and ours carry it."""
    _require(actor)
    partner = Agency.objects.select_for_update().filter(pk=agency_pk, is_partner=True).first()
    if partner is None:
        raise DomainError(_("This partner library is not in the directory."))
    code = clean_secret(secret) or new_secret()
    had = bool(partner.iso_secret)
    partner.iso_secret, partner.iso_secret_set_at = code, timezone.now()
    partner.save(update_fields=["iso_secret", "iso_secret_set_at", "updated_at"])
    audit.record(
        actor=actor,
        target=partner,
        verb="sharing.agency.secret_rotated" if had else "sharing.agency.secret_set",
        data={"agency_id": partner.agency_id, "generated": not secret.strip()},
    )
    return code


# --- reciprocity agreements --------------------------------------------------------------------


def _dates(starts_on: dt.date | None, ends_on: dt.date | None) -> tuple[dt.date, dt.date | None]:
    if starts_on is None:
        raise DomainError(_("Give the date the agreement starts."))
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The agreement cannot end before it starts."))
    return starts_on, ends_on


@transaction.atomic
def reciprocity_create(
    *,
    actor: User,
    first_pk: int,
    second_pk: int,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Reciprocity:
    """Two member offices lend to each other free of charge from `starts_on` (until `ends_on`,
    if given). One agreement per pair: an existing one is edited instead. Requests completed
    while it is in force are charged nothing (sharing.fees)."""
    _require(actor)
    if first_pk == second_pk:
        raise DomainError(_("An agreement is between two different offices."))
    pair = list(Agency.objects.select_for_update().filter(pk__in=[first_pk, second_pk]).order_by("pk"))
    if len(pair) != 2 or any(a.is_partner or not a.is_active for a in pair):
        raise DomainError(_("Choose two active member offices."))
    starts_on, ends_on = _dates(starts_on, ends_on)
    first, second = pair
    if Reciprocity.objects.filter(first=first, second=second).exists():
        raise DomainError(
            _("%(a)s and %(b)s already have an agreement; change its dates instead.")
            % {"a": first.agency_id, "b": second.agency_id}
        )
    agreement = Reciprocity.objects.create(
        first=first, second=second, starts_on=starts_on, ends_on=ends_on, note=(note or "").strip()[:300]
    )
    _audit_agreement(actor, agreement, "sharing.reciprocity.created")
    return agreement


@transaction.atomic
def reciprocity_update(
    *,
    actor: User,
    reciprocity_pk: int,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    note: str | None = None,
) -> Reciprocity:
    """Change an agreement's dates or note (None: kept; ending it: give `ends_on`). Charges
    already recorded stay as they are; the dates decide requests completed from now on."""
    _require(actor)
    agreement = Reciprocity.objects.select_for_update().filter(pk=reciprocity_pk).first()
    if agreement is None:
        raise DomainError(_("This agreement does not exist."))
    starts_on, ends_on = _dates(starts_on, ends_on)
    before = {"starts_on": str(agreement.starts_on), "ends_on": str(agreement.ends_on or "")}
    agreement.starts_on, agreement.ends_on = starts_on, ends_on
    if note is not None:
        agreement.note = note.strip()[:300]
    agreement.save()
    _audit_agreement(actor, agreement, "sharing.reciprocity.changed", before=before)
    return agreement


def _audit_agreement(actor: User, agreement: Reciprocity, verb: str, before: dict[str, str] | None = None) -> None:
    first, second = agreement.first, agreement.second
    data = {
        "pair": [first.agency_id, second.agency_id],
        "starts_on": str(agreement.starts_on),
        "ends_on": str(agreement.ends_on or ""),
        **({"before": before} if before else {}),
    }
    audit.record(actor=actor, target=agreement, verb=verb, data=data)
    people = set(
        StaffProfile.objects.filter(
            organization_id__in=[first.organization_id, second.organization_id],
            position__role__in=list(LEADERSHIP),
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    people.discard(actor.pk)
    params = {
        "first": first.agency_id,
        "second": second.agency_id,
        "starts_on": str(agreement.starts_on),
        "ends_on": str(agreement.ends_on or "—"),
    }
    title = gettext_noop(
        "Reciprocity agreement %(first)s ↔ %(second)s: free lending from %(starts_on)s until %(ends_on)s"
    )
    notify_users(people, "sharing.reciprocity.changed", title, params, reverse("sharing:directory"))
