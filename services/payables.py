"""What clients pay for in the services app, declared once for the payments app's policy
(`payments.payables`): a service order's quote, a subscription period, a training fee."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payments.payables import Money, Payable, register_payable
from services import actions
from services.models import ServiceOrder, Subscription, SubscriptionPeriod, TrainingRegistration


def _order(pk: str) -> ServiceOrder | None:
    return (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("department", "client")
        .filter(pk=pk)
        .first()
    )


def _period(pk: str) -> SubscriptionPeriod | None:
    # The period and its subscription, both locked (the payment is locked already).
    return SubscriptionPeriod.objects.select_for_update().select_related("subscription").filter(pk=pk).first()


def _registration(pk: str) -> TrainingRegistration | None:
    return TrainingRegistration.objects.select_for_update(of=("self",)).select_related("session").filter(pk=pk).first()


def register_payables() -> None:
    register_payable(
        Payable(
            purpose=actions.ORDER_PURPOSE,
            label=_("Service order"),
            lock=_order,
            expected=lambda order: Money(order.quoted_amount_minor, order.currency),
            is_paid=lambda order: order.paid_at is not None,
            is_open=lambda order: order.status == ServiceOrder.Status.ACCEPTED,
            on_paid=actions.order_paid,
            on_refunded=actions.order_refunded,
            url=lambda payment: reverse("services:order_detail", kwargs={"pk": int(payment.purpose_id)}),
        )
    )
    register_payable(
        Payable(
            purpose=actions.PERIOD_PURPOSE,
            label=_("Subscription period"),
            lock=_period,
            expected=lambda period: Money(period.amount_minor, period.subscription.currency),
            is_paid=lambda period: period.paid_at is not None,
            is_open=lambda period: period.subscription.status != Subscription.Status.CANCELLED,
            on_paid=actions.subscription_period_paid,
            url=lambda payment: reverse(
                "services:subscription_detail",
                kwargs={"pk": SubscriptionPeriod.objects.get(pk=int(payment.purpose_id)).subscription_id},
            ),
        )
    )
    register_payable(
        Payable(
            purpose=actions.TRAINING_PURPOSE,
            label=_("Training fee"),
            lock=_registration,
            expected=lambda registration: Money(registration.session.fee_minor, registration.session.currency),
            is_paid=lambda registration: registration.paid_at is not None,
            is_open=lambda registration: registration.status == TrainingRegistration.Status.REGISTERED,
            on_paid=actions.training_registration_paid,
            url=lambda payment: reverse(
                "services:training_detail",
                kwargs={"pk": TrainingRegistration.objects.get(pk=int(payment.purpose_id)).session_id},
            ),
        )
    )
