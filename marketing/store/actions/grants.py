"""What a paid order gives, and how it ends:

    order paid (payables) -> one grant per new line (+ certificate), renewals extend, upgrades
    add seats -> reminder before the end (sweep) -> grace period -> expired (sweep)
    order refunded (payables) -> its grants revoked at once

Grants: a download entitlement (signed, expiring links; each download counted), online access
(seats = concurrent sessions; an office's IP ranges checked), a transmission right for an
office (recorded, with its term), a disc (a `Shipment` the selling unit posts: actions/shipping.py).
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing.store import permissions
from marketing.store.actions.common import add_months, grant_url, ip_allowed, lock_grant, notify_buyer
from marketing.store.actions.office_approval import request_paid, request_refunded
from marketing.store.actions.shipping import shipment_open, shipments_cancel
from marketing.store.models import AccessSession, Certificate, Grant, StoreOrder, StoreOrderLine
from office import audit
from office.actions import notify
from office.exceptions import DomainError
from office.queue import enqueue_on_commit
from office.texts import when
from payments.models import Payment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = StoreOrder.Status
SESSION_IDLE = datetime.timedelta(minutes=15)


def reminder_days() -> int:
    return getattr(settings, "STORE_REMINDER_DAYS", 30)


def order_paid(order: StoreOrder, payment: Payment) -> None:
    """On-paid handler of the "store.order" payable: under the order's lock, once. Issues
    the grants and certificates, extends renewed ones, adds seats; queues the confirmation."""
    order.move_to(Status.PAID)
    order.paid_at = payment.succeeded_at or timezone.now()
    order.payment_id = payment.pk
    order.save(update_fields=["status", "paid_at", "payment", "updated_at"])
    now = timezone.now()
    for line in order.lines.select_related("option", "option__product").order_by("pk"):
        if line.purpose == StoreOrderLine.Purpose.NEW:
            _issue(order, line, now)
        elif line.purpose == StoreOrderLine.Purpose.RENEWAL:
            _renew(line, now)
        else:
            _add_seats(line)
    if order.purchase_request_id:
        request_paid(order)
    audit.record(actor=None, target=order, verb="store.order.paid", data={"payment": payment.pk})
    notify_buyer(order, "store.order.paid", gettext_noop("Order %(number)s is paid: your licences are ready"),
                 {"number": order.number})  # fmt: skip
    enqueue_on_commit("marketing.store.tasks.order_confirmation_task", order_id=order.pk)


def _issue(order: StoreOrder, line: StoreOrderLine, now: datetime.datetime) -> Grant:
    option = line.option
    grant = Grant.objects.create(
        order=order,
        line=line,
        product=option.product,
        option=option,
        kind=option.kind,
        holder_user_id=order.buyer_user_id,
        holder_organization_id=order.buyer_organization_id,
        licensee=order.buyer_name,
        seats=line.quantity,
        ip_ranges=line.ip_ranges,
        starts_at=now,
        ends_at=add_months(now, option.term_months) if option.has_term else None,
    )
    Certificate.objects.create(
        grant=grant,
        number=f"LIC-{now.year}-{grant.pk:06d}",
        verification_code="-".join(secrets.token_hex(2).upper() for _ in range(4)),
    )
    audit.record(actor=None, target=grant, verb="store.grant.issued", data={"order": order.number})
    if option.kind == option.Kind.DISC:
        shipment_open(order, line)
    return grant


def _renew(line: StoreOrderLine, now: datetime.datetime) -> None:
    grant = lock_grant(line.grant_id)
    base = max(grant.ends_at or now, now)
    grant.ends_at = add_months(base, line.option.term_months or 12)
    grant.status, grant.reminder_sent_at, grant.ended_at = Grant.Status.ACTIVE, None, None
    grant.save(update_fields=["ends_at", "status", "reminder_sent_at", "ended_at", "updated_at"])
    audit.record(actor=None, target=grant, verb="store.grant.renewed", data={"until": grant.ends_at.isoformat()})


def _add_seats(line: StoreOrderLine) -> None:
    grant = lock_grant(line.grant_id)
    grant.seats += line.quantity
    grant.save(update_fields=["seats", "updated_at"])
    audit.record(actor=None, target=grant, verb="store.grant.upgraded", data={"seats": grant.seats})


def order_refunded(order: StoreOrder, payment: Payment) -> None:
    """Refund handler: a full refund ends the order's grants (issued, renewed or upgraded by it)
    in the same transaction as the refund. Idempotent."""
    if payment.status != Payment.Status.REFUNDED or not order.can_move_to(Status.REFUNDED):
        return
    order.move_to(Status.REFUNDED)
    order.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    touched = set(order.grants.values_list("pk", flat=True))
    touched |= set(order.lines.exclude(grant=None).values_list("grant_id", flat=True))
    for grant in Grant.objects.select_for_update().filter(pk__in=touched, status=Grant.Status.ACTIVE).order_by("pk"):
        grant.status, grant.ended_at = Grant.Status.REVOKED, now
        grant.save(update_fields=["status", "ended_at", "updated_at"])
        AccessSession.objects.filter(grant=grant).delete()
        audit.record(actor=None, target=grant, verb="store.grant.revoked", data={"order": order.number})
    shipments_cancel(order)
    if order.purchase_request_id:
        request_refunded(order, payment.refunded_minor)
    audit.record(actor=None, target=order, verb="store.order.refunded", data={"payment": payment.pk})
    notify_buyer(order, "store.order.refunded", gettext_noop("Order %(number)s was refunded; its licences ended"),
                 {"number": order.number})  # fmt: skip


@transaction.atomic
def grant_download(*, grant_id: int, actor: User) -> Grant:
    """Count one download of a download grant; refuses others, ended grants and used-up counts."""
    grant = lock_grant(grant_id)
    if not permissions.can_use_grant(actor, grant) or grant.kind != grant.option.Kind.DOWNLOAD:
        raise PermissionDenied
    if not grant.usable_at():
        raise DomainError(_("This licence has ended."))
    if grant.downloads_used >= grant.option.max_downloads:
        raise DomainError(
            _("All %(count)s downloads of this licence are used.") % {"count": grant.option.max_downloads}
        )
    if not grant.product.content:
        raise DomainError(_("The file is not available yet; the selling unit has been told."))
    grant.downloads_used += 1
    grant.save(update_fields=["downloads_used", "updated_at"])
    audit.record(actor=actor, target=grant, verb="store.grant.downloaded", data={"count": grant.downloads_used})
    return grant


@transaction.atomic
def access_enter(*, grant_id: int, actor: User, session_key: str, ip: str) -> Grant:
    """Open (or keep alive) a session on an online grant: the seats are the concurrent sessions
    (idle ones free their seat after 15 minutes); an office licence's IP ranges are checked."""
    grant = lock_grant(grant_id)
    if not permissions.can_use_grant(actor, grant) or grant.kind not in ("online", "transmission"):
        raise PermissionDenied
    if not grant.usable_at():
        raise DomainError(_("This licence has ended; renew it to open the content again."))
    if grant.holder_organization_id and not ip_allowed(grant.ip_ranges, ip):
        raise DomainError(_("Your address %(ip)s is outside the IP ranges of this licence.") % {"ip": ip})
    now = timezone.now()
    AccessSession.objects.filter(grant=grant, last_seen__lt=now - SESSION_IDLE).delete()
    mine = AccessSession.objects.filter(grant=grant, session_key=session_key).first()
    if mine is None:
        if AccessSession.objects.filter(grant=grant).count() >= grant.seats:
            raise DomainError(
                _("All %(seats)s seats of this licence are in use; try again later.") % {"seats": grant.seats}
            )
        AccessSession.objects.create(grant=grant, user=actor, session_key=session_key, last_seen=now)
    else:
        mine.last_seen = now
        mine.save(update_fields=["last_seen"])
    return grant


def grants_expire() -> int:
    """The sweep: active grants past their end and the grace period end. Idempotent."""
    now = timezone.now()
    grace = datetime.timedelta(days=getattr(settings, "STORE_GRACE_DAYS", 7))
    ended = 0
    for grant_id in Grant.objects.filter(
        status=Grant.Status.ACTIVE, ends_at__isnull=False, ends_at__lte=now - grace
    ).values_list("pk", flat=True):
        with transaction.atomic():
            grant = lock_grant(grant_id)
            if grant.status != Grant.Status.ACTIVE or grant.usable_at(now):
                continue
            grant.status, grant.ended_at = Grant.Status.EXPIRED, now
            grant.save(update_fields=["status", "ended_at", "updated_at"])
            AccessSession.objects.filter(grant=grant).delete()
            audit.record(actor=None, target=grant, verb="store.grant.expired", data={})
            ended += 1
    return ended


def grants_remind() -> int:
    """The sweep: one reminder per term, `STORE_REMINDER_DAYS` before the end."""
    now = timezone.now()
    sent = 0
    due = Grant.objects.filter(
        status=Grant.Status.ACTIVE,
        reminder_sent_at__isnull=True,
        ends_at__isnull=False,
        ends_at__lte=now + datetime.timedelta(days=reminder_days()),
    )
    for grant_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            grant = lock_grant(grant_id)
            if grant.reminder_sent_at is not None or grant.status != Grant.Status.ACTIVE:
                continue
            grant.reminder_sent_at = now
            grant.save(update_fields=["reminder_sent_at", "updated_at"])
            notify(
                recipient_id=grant.holder_user_id,
                verb="store.grant.reminder",
                title=gettext_noop("Your licence for %(product)s ends on %(date)s: renew it in one click"),
                params={"product": grant.product.name, "date": when(timezone.localtime(grant.ends_at))},
                url=grant_url(grant),
            )
            audit.record(actor=None, target=grant, verb="store.grant.reminded", data={})
            sent += 1
    return sent
