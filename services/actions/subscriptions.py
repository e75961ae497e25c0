"""Subscriptions to a topic and their digests:

    pending (first period unpaid) -> active (a period paid) -> cancelled

Each period is paid on its own (renewal adds the next one); once a paid period has ended its
digest is built once (staff's selected items and new union-catalog records matching the saved
search) and e-mailed once, after commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cataloging.models import BibRecord
from office import audit
from office.actions import notify
from office.exceptions import DomainError
from office.models import ClientAccount
from office.queue import enqueue_on_commit
from office.texts import language_for
from payments.actions import payment_cancel, payment_create
from payments.models import Payment
from services import permissions
from services.models import Digest, Offering, Subscription, SubscriptionItem, SubscriptionPeriod

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PERIOD_PURPOSE = "services.subscription_period"


@transaction.atomic
def subscription_create(*, actor: User, offering_id: int, topic: str, search_terms: str = "") -> Subscription:
    """A confirmed client subscribes to a subscription offering; the first period starts today
    and waits for payment."""
    if not permissions.can_order(actor):
        raise PermissionDenied(_("Confirm your e-mail address before ordering."))
    offering = Offering.objects.active().filter(pk=offering_id, pricing=Offering.Pricing.SUBSCRIPTION).first()
    if offering is None:
        raise DomainError(_("This service cannot be subscribed to."))
    if not topic.strip():
        raise DomainError(_("Describe the topic."))
    subscription = Subscription.objects.create(
        client=ClientAccount.objects.get(user=actor),
        offering=offering,
        topic=topic.strip(),
        search_terms=search_terms.strip(),
        period_days=offering.period_days,
        price_minor=offering.price_minor,
        currency=offering.currency,
    )
    today = timezone.localdate()
    SubscriptionPeriod.objects.create(
        subscription=subscription,
        starts_on=today,
        ends_on=today + timedelta(days=subscription.period_days),
        amount_minor=subscription.price_minor,
    )
    audit.record(
        actor=actor,
        target=subscription,
        verb="services.subscription.created",
        organization=offering.department.organization,
        data={"offering": offering.code},
    )
    return subscription


def _lock_subscription(subscription_id: int) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("offering__department", "client")
        .get(pk=subscription_id)
    )


@transaction.atomic
def subscription_renew(*, subscription_id: int, actor: User) -> SubscriptionPeriod:
    """Add the next period (to be paid), starting where the last paid one ends. Refuses while
    a period is still unpaid, and for cancelled subscriptions."""
    subscription = _lock_subscription(subscription_id)
    if not permissions.is_subscription_client(actor, subscription):
        raise PermissionDenied
    if subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("This subscription was cancelled."))
    if subscription.periods.filter(paid_at__isnull=True).exists():
        raise DomainError(_("Pay the open period first."))
    last = subscription.periods.order_by("-starts_on").first()
    starts = max(last.ends_on if last else timezone.localdate(), timezone.localdate())
    period = SubscriptionPeriod.objects.create(
        subscription=subscription,
        starts_on=starts,
        ends_on=starts + timedelta(days=subscription.period_days),
        amount_minor=subscription.price_minor,
    )
    audit.record(actor=actor, target=subscription, verb="services.subscription.renewed", data={"from": str(starts)})
    return period


@transaction.atomic
def subscription_pay(*, subscription_id: int, actor: User) -> Payment:
    """Start paying the subscription's unpaid period; the amount is the period's, from our DB."""
    subscription = _lock_subscription(subscription_id)
    if not permissions.is_subscription_client(actor, subscription):
        raise PermissionDenied
    period = subscription.periods.filter(paid_at__isnull=True).order_by("starts_on").first()
    if period is None or subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("Nothing is waiting for payment."))
    payment = payment_create(
        purpose_type=PERIOD_PURPOSE,
        purpose_id=period.pk,
        amount_minor=period.amount_minor,
        currency=subscription.currency,
        description=_("%(service)s, %(start)s to %(end)s")
        % {"service": subscription.offering.name, "start": period.starts_on, "end": period.ends_on},
        payer_user=actor,
        payee_organization=subscription.offering.department.organization,
    )
    if period.payment_id != payment.pk:
        period.payment = payment
        period.save(update_fields=["payment", "updated_at"])
    return payment


def subscription_period_paid(period: SubscriptionPeriod, payment: Payment) -> None:
    """On-paid handler of the "services.subscription_period" payable: the period is paid and
    the subscription runs to its end (the payments app checked amount and cancellation)."""
    subscription = period.subscription
    period.paid_at = payment.succeeded_at or timezone.now()
    period.payment_id = payment.pk
    period.save(update_fields=["paid_at", "payment", "updated_at"])
    subscription.status = Subscription.Status.ACTIVE
    subscription.paid_until = max(filter(None, [subscription.paid_until, period.ends_on]))
    subscription.save(update_fields=["status", "paid_until", "updated_at"])
    audit.record(
        actor=None,
        target=subscription,
        verb="services.subscription.period_paid",
        data={"period": str(period.starts_on)},
    )


@transaction.atomic
def subscription_cancel(*, subscription_id: int, actor: User) -> Subscription:
    """The client (or the department's head) stops the subscription; paid periods still get
    their digest. An unpaid period's open payment is cancelled."""
    subscription = _lock_subscription(subscription_id)
    if not (permissions.is_subscription_client(actor, subscription) or permissions.leads_department(
        actor, subscription.offering.department
    )):  # fmt: skip
        raise PermissionDenied
    if subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("This subscription was cancelled already."))
    for period in subscription.periods.filter(paid_at__isnull=True, payment__isnull=False).select_related("payment"):
        if period.payment.status == Payment.Status.PROCESSING:
            raise DomainError(_("A payment is being processed; try again in a moment."))
        if period.payment.is_open or period.payment.status == Payment.Status.FAILED:
            payment_cancel(payment_id=period.payment_id, actor=actor, purpose_closed=True)
    subscription.status = Subscription.Status.CANCELLED
    subscription.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, target=subscription, verb="services.subscription.cancelled")
    return subscription


@transaction.atomic
def subscription_item_add(
    *, subscription_id: int, actor: User, title: str, url: str = "", note: str = ""
) -> SubscriptionItem:
    """Staff of the providing department add an item (a clipping, a link) for the next digest."""
    subscription = _lock_subscription(subscription_id)
    if not permissions.works_on_subscription(actor, subscription):
        raise PermissionDenied
    if subscription.status == Subscription.Status.CANCELLED:
        raise DomainError(_("This subscription was cancelled."))
    if not title.strip():
        raise DomainError(_("Give the item a title."))
    item = SubscriptionItem.objects.create(
        subscription=subscription, title=title.strip(), url=url.strip(), note=note.strip(), added_by=actor
    )
    audit.record(actor=actor, target=subscription, verb="services.subscription.item_added", data={"item": item.pk})
    return item


# --- digests ------------------------------------------------------------------------------------------


def _catalog_matches(subscription: Subscription, since: datetime, until: datetime) -> list[BibRecord]:
    """Union-catalog records shared in the period whose text contains every saved-search word."""
    terms = [t for t in subscription.search_terms.replace(";", " ").split() if t][:10]
    if not terms:
        return []
    records = BibRecord.objects.shared().filter(shared_at__gte=since, shared_at__lt=until)
    for term in terms:
        records = records.filter(Q(search_text__icontains=term) | Q(title__icontains=term))
    return list(records.order_by("-shared_at")[:100])


def _digest_body(
    subscription: Subscription,
    period: SubscriptionPeriod,
    items: list[SubscriptionItem],
    records: list[BibRecord],
) -> str:
    lines = [
        _("%(service)s · %(topic)s") % {"service": subscription.offering.name, "topic": subscription.topic},
        _("Period: %(start)s to %(end)s") % {"start": period.starts_on, "end": period.ends_on},
        "",
    ]
    if items:
        lines.append(_("Selected by our staff:"))
        lines += [f"- {i.title}" + (f" <{i.url}>" if i.url else "") + (f"\n  {i.note}" if i.note else "")
                  for i in items]  # fmt: skip
        lines.append("")
    if records:
        lines.append(_("New in the union catalog:"))
        lines += [f"- {r.title} ({r.publisher} {r.year or ''})".replace(" )", ")") for r in records]
    if not items and not records:
        lines.append(_("Nothing new on this topic in this period."))
    return "\n".join(lines)


def digest_build(*, period_id: int) -> Digest | None:
    """Build, store and queue the e-mail of the digest of one ended, paid period. Idempotent:
    a period has at most one digest (unique constraint, checked under the subscription lock)."""
    with transaction.atomic():
        period = SubscriptionPeriod.objects.select_related("subscription").get(pk=period_id)
        subscription = _lock_subscription(period.subscription_id)
        if period.paid_at is None or period.ends_on > timezone.localdate():
            return None
        if Digest.objects.filter(subscription=subscription, period_start=period.starts_on).exists():
            return None  # built by an earlier run
        tz = timezone.get_current_timezone()
        since = timezone.datetime.combine(period.starts_on, timezone.datetime.min.time(), tzinfo=tz)
        until = timezone.datetime.combine(period.ends_on, timezone.datetime.min.time(), tzinfo=tz)
        records = _catalog_matches(subscription, since, until)
        items = list(subscription.items.filter(digest__isnull=True, created_at__lt=until))
        digest = Digest.objects.create(
            subscription=subscription,
            period_start=period.starts_on,
            body=_digest_body(subscription, period, items, records),
            record_count=len(records),
            item_count=len(items),
        )
        SubscriptionItem.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
        audit.record(
            actor=None,
            target=subscription,
            verb="services.subscription.digest_built",
            data={"digest": digest.pk, "records": len(records), "items": len(items)},
        )
        notify(
            recipient_id=subscription.client.user_id,
            verb="services.subscription.digest",
            title=gettext_noop("Your digest: %(topic)s"),
            url=reverse("services:digest_detail", kwargs={"pk": digest.pk}),
            send_email=False,  # the digest itself is e-mailed
            params={"topic": subscription.topic},
        )
        enqueue_on_commit("services.tasks.digest_email_task", digest_id=digest.pk)
    return digest


def digest_send_email(*, digest_id: int) -> bool:
    """E-mail a digest once (idempotent: `emailed_at` under the row lock)."""
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(of=("self",))
            .select_related("subscription__client__user")
            .get(pk=digest_id)
        )
        user = digest.subscription.client.user
        if digest.emailed_at or not user.email:
            return False
        with translation.override(language_for(user)):
            subject = _("Your digest: %(topic)s") % {"topic": digest.subscription.topic}
        EmailMessage(subject, digest.body, to=[user.email]).send()
        digest.emailed_at = timezone.now()
        digest.save(update_fields=["emailed_at"])
    return True


def digest_run_due() -> int:
    """The periodic job: build every digest that is due (ended, paid periods without one)."""
    due = (
        SubscriptionPeriod.objects.filter(paid_at__isnull=False, ends_on__lte=timezone.localdate())
        .exclude(
            Exists(
                Digest.objects.filter(subscription_id=OuterRef("subscription_id"), period_start=OuterRef("starts_on"))
            )
        )
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in list(due[:500]) if digest_build(period_id=pk) is not None)
