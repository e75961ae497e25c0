"""Delivering a service order's results, and the client's confirmation:

    in_progress -> delivered (the first delivery; more may follow) -> completed (rated 1-5)

Deliverables go by one channel per delivery: e-mail with attachments or fax through the
e-mail gateway (sent once, after commit, by `delivery_send`), expiring download links for
the client, or post (address and tracking number).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office import audit
from office.actions import notify
from office.exceptions import DomainError, InvalidTransition
from office.queue import enqueue_on_commit
from office.texts import language_for
from services import permissions
from services.actions.common import _lock, _notify_client, _order_url
from services.models import Delivery, DeliveryChannel, DownloadLink, OrderFile, ServiceOrder

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = ServiceOrder.Status
SENT_BY_MAIL = (DeliveryChannel.EMAIL, DeliveryChannel.FAX)


def download_link_days() -> int:
    return settings.SERVICES_DOWNLOAD_LINK_DAYS


def fax_gateway_address(number: str) -> str:
    """The e-mail-to-fax gateway's address for a fax number, e.g. "{number}@fax.example"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 5:
        raise DomainError(_("Enter the client's fax number."))
    template = settings.SERVICES_FAX_GATEWAY_ADDRESS
    if "{number}" not in template:
        raise DomainError(_("Fax delivery is not configured (SERVICES_FAX_GATEWAY_ADDRESS)."))
    return template.format(number=digits)


@transaction.atomic
def order_deliver(
    *,
    order_id: int,
    actor: User,
    channel: str,
    file_ids: list[int],
    fax_number: str = "",
    postal_address: str = "",
    tracking_number: str = "",
    note: str = "",
) -> Delivery:
    """Deliver deliverables by one channel and record it: e-mail with attachments, expiring
    download links for the client, fax through the e-mail gateway, or post (address and
    tracking number). The first delivery moves the order to delivered; more may follow."""
    order = _lock(order_id)
    if not permissions.works_on(actor, order):
        raise PermissionDenied
    if not permissions.can_work(actor, order):
        raise InvalidTransition(order, Status.DELIVERED.label)
    if channel not in DeliveryChannel.values:
        raise DomainError(_("Choose a delivery channel."))
    files = _deliverables(order, channel, file_ids)
    recipient, postal_address = _destination(
        order, channel, fax_number=fax_number, postal_address=postal_address, tracking_number=tracking_number
    )
    order.move_to(Status.DELIVERED)
    delivery = Delivery.objects.create(
        order=order,
        channel=channel,
        recipient=recipient,
        postal_address=postal_address,
        tracking_number=tracking_number.strip(),
        note=note.strip(),
        sent_by=actor,
    )
    _attach(delivery, files)
    if order.delivered_at is None:
        order.delivered_at = timezone.now()
    order.save(update_fields=["status", "delivered_at", "updated_at"])
    audit.record(
        actor=actor,
        target=order,
        verb="services.order.delivered",
        data={"delivery": delivery.pk, "channel": channel, "files": [f.pk for f in files], "to": recipient},
    )
    if channel in SENT_BY_MAIL:
        enqueue_on_commit("services.tasks.delivery_send_task", delivery_id=delivery.pk)
    _notify_client(
        order, "services.order.delivered", gettext_noop("Order %(number)s was delivered"), {"number": order.number}
    )
    return delivery


def _deliverables(order: ServiceOrder, channel: str, file_ids: list[int]) -> list[OrderFile]:
    """The chosen deliverables and reports of this order; some are needed unless posted."""
    files = list(order.files.filter(pk__in=file_ids, kind__in=[OrderFile.Kind.DELIVERABLE, OrderFile.Kind.REPORT]))
    if not files and channel != DeliveryChannel.POST:
        raise DomainError(_("Choose at least one deliverable to send."))
    if len(files) != len(set(file_ids)):
        raise DomainError(_("Choose deliverables of this order only."))
    return files


def _destination(
    order: ServiceOrder, channel: str, *, fax_number: str, postal_address: str, tracking_number: str
) -> tuple[str, str]:
    """(recipient address, postal address) of a delivery by `channel`; the client's details
    stand in for a fax number or postal address not given."""
    if channel == DeliveryChannel.EMAIL:
        return order.client.user.email, ""
    if channel == DeliveryChannel.FAX:
        return fax_gateway_address(fax_number or order.client.fax), ""
    if channel == DeliveryChannel.POST:
        postal_address = (postal_address or order.client.postal_address).strip()
        if not postal_address or not tracking_number.strip():
            raise DomainError(_("Enter the postal address and the tracking number."))
        return "", postal_address
    return "", ""


def _attach(delivery: Delivery, files: list[OrderFile]) -> None:
    """The delivery's files; a download delivery gets one expiring link per file for the client."""
    delivery.files.set(files)
    if delivery.channel == DeliveryChannel.DOWNLOAD:
        client_user = delivery.order.client.user
        expires = timezone.now() + timedelta(days=download_link_days())
        for item in files:
            DownloadLink.objects.create(file=item, user=client_user, delivery=delivery, expires_at=expires)


def delivery_send(*, delivery_id: int) -> bool:
    """Send an e-mail or fax delivery once (idempotent: `emailed_at` is set under the lock)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("order", "order__client__user")
            .get(pk=delivery_id)
        )
        if delivery.emailed_at or delivery.channel not in SENT_BY_MAIL:
            return False
        order = delivery.order
        with translation.override(language_for(order.client.user)):  # the client's language
            subject = _("Order %(number)s: %(topic)s") % {"number": order.number, "topic": order.topic}
            body = _("Please find the results of your order %(number)s attached.") % {"number": order.number}
        message = EmailMessage(subject, body, to=[delivery.recipient])
        for item in delivery.files.all():
            with item.file.open("rb") as handle:
                message.attach(item.original_name, handle.read(), item.content_type.split(";")[0])
        message.send()
        delivery.emailed_at = timezone.now()
        delivery.save(update_fields=["emailed_at"])
    return True


def download_link_resolve(*, link_id: int, user: User) -> DownloadLink:
    """The link for `user`, or `DownloadLink.DoesNotExist` (404) for anyone else or once it
    has expired. Counts the download."""
    link = DownloadLink.objects.select_related("file", "file__order").get(pk=link_id, user_id=user.pk)
    if link.is_expired:
        raise DownloadLink.DoesNotExist
    DownloadLink.objects.filter(pk=link.pk).update(download_count=F("download_count") + 1)
    return link


@transaction.atomic
def order_confirm(*, order_id: int, actor: User, rating: int, comment: str = "") -> ServiceOrder:
    """The client confirms receipt and rates the service 1-5; the order is completed."""
    order = _lock(order_id)
    if not permissions.is_order_client(actor, order):
        raise PermissionDenied
    if not permissions.can_confirm(actor, order):
        raise InvalidTransition(order, Status.COMPLETED.label)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rate the service from 1 to 5."))
    order.move_to(Status.COMPLETED)
    order.rating = rating
    order.rating_comment = comment.strip()
    order.completed_at = timezone.now()
    order.save(update_fields=["status", "rating", "rating_comment", "completed_at", "updated_at"])
    audit.record(actor=actor, target=order, verb="services.order.completed", data={"rating": rating})
    if order.assignee_id:
        notify(
            recipient_id=order.assignee_id,
            verb="services.order.completed",
            title=gettext_noop("%(number)s was rated %(rating)d/5"),
            url=_order_url(order),
            send_email=False,
            params={"number": order.number, "rating": rating},
        )
    return order
