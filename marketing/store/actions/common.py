"""Helpers the storefront's actions share: locks, numbers, IP ranges, terms, notices."""

from __future__ import annotations

import calendar
import datetime
import ipaddress
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from marketing.store.models import MAX_QUANTITY, Grant, StoreOrder
from office.actions import notify
from office.exceptions import DomainError

MAX_IP_RANGES = 20
ORDER_PURPOSE = "store.order"


def lock_order(order_id: int) -> StoreOrder:
    order = StoreOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise DomainError(_("This order does not exist."))
    return order


def lock_grant(grant_id: int) -> Grant:
    grant = Grant.objects.select_for_update().filter(pk=grant_id).first()
    if grant is None:
        raise DomainError(_("This licence does not exist."))
    return grant


def check_seats(value: Any) -> int:
    try:
        seats = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Enter the number of seats as a whole number.")) from None
    if not 1 <= seats <= MAX_QUANTITY:
        raise DomainError(_("The number of seats must lie between 1 and %(max)s.") % {"max": MAX_QUANTITY})
    return seats


def check_max_seats(option: Any, seats: int) -> None:
    """The option's most seats per licence (None: no limit of its own)."""
    if option.max_seats is not None and seats > option.max_seats:
        raise DomainError(_("This licence is sold for at most %(max)s seats.") % {"max": option.max_seats})


def normalize_ip_ranges(text: str) -> str:
    """One CIDR range per line (a single address is a /32 or /128), normalised; refuses
    anything that is not a range, and more than MAX_IP_RANGES lines."""
    ranges = []
    for raw in (text or "").replace(",", "\n").splitlines():
        item = raw.strip()
        if not item:
            continue
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise DomainError(
                _("“%(value)s” is not an IP range (write e.g. 192.0.2.0/24).") % {"value": item}
            ) from None
        ranges.append(str(network))
    if len(ranges) > MAX_IP_RANGES:
        raise DomainError(_("Give at most %(max)s IP ranges.") % {"max": MAX_IP_RANGES})
    return "\n".join(dict.fromkeys(ranges))


def ip_allowed(ip_ranges: str, address: str) -> bool:
    if not ip_ranges.strip():
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(line, strict=False) for line in ip_ranges.split())


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def order_url(order: StoreOrder) -> str:
    return reverse("store:order_detail", kwargs={"pk": order.pk})


def grant_url(grant: Grant) -> str:
    return reverse("store:grant_detail", kwargs={"pk": grant.pk})


def notify_buyer(order: StoreOrder, verb: str, title: str, params: dict[str, Any]) -> None:
    notify(recipient_id=order.buyer_user_id, verb=verb, title=title, params=params, url=order_url(order))
