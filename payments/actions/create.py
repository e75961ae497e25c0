"""Starting, paying and cancelling a payment: the payer's side of the workflow.

`payment_create` opens (or returns) the payment of a purpose; `payment_ensure_intent` and
`payment_confirm` create and confirm its provider intent; `payment_cancel` closes an unpaid
one, at the provider first. Each provider call follows STYLE §9: our row is committed
first, the gateway is called holding no lock, and `payment_record_intent` records the answer.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from office import audit
from office.access import client_account, staff_profile
from office.exceptions import InvalidTransition
from office.models import Organization
from payments import payables, permissions, selectors
from payments.actions.common import PaymentError, Status, _move, _unavailable, connect_of
from payments.actions.provider_state import payment_record_intent
from payments.actions.reconcile import abandon_after_seconds, payment_expire
from payments.gateways import backend_name, gateway_for
from payments.gateways.base import GatewayUnavailable, IntentResult
from payments.models import Payment, PaymentOperation

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def payment_create(
    *,
    purpose_type: str,
    purpose_id: str | int,
    amount_minor: int,
    currency: str,
    description: str,
    payer_user: User | None = None,
    payer_organization: Organization | None = None,
    payer_name: str = "",
    payee_organization: Organization | None = None,
    payee_name: str = "",
    payee_stripe_account: str | None = None,
    application_fee_minor: int = 0,
    created_by: User | None = None,
) -> Payment:
    """The payment for a purpose: the one already open (or paid, or failed and retryable),
    else a new attempt. Two tabs or a double click get the same row: the database allows one
    payment per purpose that is not cancelled. Refuses unknown purposes and bad amounts."""
    _check_amounts(purpose_type, amount_minor, application_fee_minor)
    fields = {
        "amount_minor": amount_minor,
        "currency": (currency or settings.DEFAULT_CURRENCY).upper(),
        "description": description[:300],
        "payer_user": payer_user,
        "payer_organization": payer_organization,
        **_payee(payee_organization, payee_name, payee_stripe_account),
        "application_fee_minor": application_fee_minor,
        "created_by": created_by or payer_user,
    }
    purpose_id = str(purpose_id)
    _expire_abandoned(purpose_type, purpose_id)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                existing = _live_payment(purpose_type, purpose_id)
                if existing is not None:
                    return existing
                return _new_attempt(purpose_type, purpose_id, payer_name=payer_name, fields=fields)
        except IntegrityError:
            continue  # a concurrent request created it first: read theirs
    raise PaymentError(_("The payment could not be created; please try again."))


def _check_amounts(purpose_type: str, amount_minor: int, application_fee_minor: int) -> None:
    if payables.get(purpose_type) is None:
        raise PaymentError(_("Unknown payment purpose %(key)s.") % {"key": purpose_type})
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise PaymentError(_("The amount must be a positive whole number of minor units."))
    if not 0 <= application_fee_minor <= amount_minor:
        raise PaymentError(_("The application fee must lie between zero and the amount."))


def _payee(organization: Organization | None, name: str, stripe_account: str | None) -> dict[str, Any]:
    """Who receives the money (the home office unless named) and its Connect account, if any."""
    if organization is None and not name:
        organization = Organization.objects.filter(is_home=True).first()
    if stripe_account is None:
        stripe_account = organization.stripe_account_id if organization else ""
    return {
        "payee_organization": organization,
        "payee_name": (name or (str(organization) if organization else ""))[:200],
        "payee_stripe_account": stripe_account,
        "connect_mode": settings.PAYMENTS_CONNECT_MODE if stripe_account else "",
    }


def _expire_abandoned(purpose_type: str, purpose_id: str) -> None:
    """An attempt abandoned before any provider intent existed gives way to a fresh one."""
    abandoned = selectors.payment_list_abandoned(older_than_seconds=abandon_after_seconds())
    for abandoned_id in abandoned.filter(purpose_type=purpose_type, purpose_id=purpose_id).values_list("pk", flat=True):
        payment_expire(payment_id=abandoned_id)


def _live_payment(purpose_type: str, purpose_id: str) -> Payment | None:
    return (
        Payment.objects.filter(purpose_type=purpose_type, purpose_id=purpose_id)
        .exclude(status=Status.CANCELLED)
        .first()
    )


def _new_attempt(purpose_type: str, purpose_id: str, *, payer_name: str, fields: dict[str, Any]) -> Payment:
    """The next attempt for the purpose (the caller's transaction; a concurrent twin makes
    the unique constraint raise IntegrityError). Audited."""
    last = Payment.objects.filter(purpose_type=purpose_type, purpose_id=purpose_id).aggregate(n=Max("attempt"))["n"]
    attempt = (last or 0) + 1
    payment = Payment.objects.create(
        purpose_type=purpose_type,
        purpose_id=purpose_id,
        attempt=attempt,
        # Unique per purpose and attempt; the random tail keeps keys unique across
        # databases sharing one Stripe account (keys live 24 h at Stripe).
        idempotency_key=f"payment-{purpose_type}-{purpose_id}-{attempt}-{secrets.token_hex(4)}",
        payer_name=(payer_name or _display_name(fields["payer_user"]))[:200],
        provider=backend_name(),
        **fields,
    )
    audit.record(
        actor=fields["created_by"],
        verb="payments.payment.created",
        target=payment,
        organization=payment.payee_organization,
        data={"amount_minor": payment.amount_minor, "currency": payment.currency, "purpose": purpose_type},
    )
    return payment


def _display_name(user: User | None) -> str:
    if user is None:
        return ""
    profile = staff_profile(user) or client_account(user)
    if profile is not None:
        return profile.display_name
    return user.get_full_name() or user.get_username()


def payment_ensure_intent(*, payment_id: int, payment_method: str = "") -> IntentResult | None:
    """Make sure the provider holds an intent for this payment and return it (the Stripe
    page needs its client secret). Safe to repeat: the same key gives the same intent.
    Raises `ProviderUnavailable` when the provider cannot be reached."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in (*Payment.OPEN, Status.FAILED):
        return None
    if not payment.provider_reference and payment_expire(payment_id=payment.pk):
        # Too old to create its intent now (STYLE §9: Stripe keeps idempotency keys 24 h).
        raise PaymentError(_("This payment has expired. Start again from what it pays for."))
    gateway = gateway_for(payment.provider)
    try:
        if payment.provider_reference:
            result = gateway.retrieve(reference=payment.provider_reference, connect=connect_of(payment))
            kind = PaymentOperation.Kind.RETRIEVE
        else:
            result = gateway.create_intent(
                amount_minor=payment.amount_minor,
                currency=payment.currency,
                idempotency_key=payment.idempotency_key,
                metadata={
                    "payment_id": str(payment.pk),
                    "purpose": payment.purpose_type,
                    "purpose_id": payment.purpose_id,
                },
                description=payment.description,
                connect=connect_of(payment),
                payment_method=payment_method,
            )
            kind = PaymentOperation.Kind.CREATE
    except GatewayUnavailable as exc:
        raise _unavailable(payment, PaymentOperation.Kind.CREATE, exc) from exc
    payment_record_intent(payment_id=payment.pk, result=result, kind=kind)
    return result


def payment_confirm(*, payment_id: int) -> Payment:
    """Server-side confirmation of an intent that already carries a payment method (saved
    cards; the tests' test cards). Browser payments confirm through Stripe.js instead."""
    payment = Payment.objects.get(pk=payment_id)
    if not payment.provider_reference:
        raise PaymentError(_("This payment has no provider intent yet."))
    try:
        result = gateway_for(payment.provider).confirm(
            reference=payment.provider_reference, connect=connect_of(payment)
        )
    except GatewayUnavailable as exc:
        raise _unavailable(payment, PaymentOperation.Kind.CONFIRM, exc) from exc
    return payment_record_intent(payment_id=payment_id, result=result, kind=PaymentOperation.Kind.CONFIRM)


def payment_cancel(*, payment_id: int, actor: User, purpose_closed: bool = False) -> Payment:
    """Cancel a payment nobody has paid yet: at the provider first, so its intent can never be
    paid later, then here. Refuses paid or processing payments and people who may not.

    `purpose_closed`: the business app closes what the payment was for (a head cancels an
    order) and has checked that `actor` may; the payer's own right to cancel is then not
    asked for, and the audit names the actor, not the payer."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if purpose_closed:
            if payment.status not in (Status.CREATED, Status.REQUIRES_ACTION, Status.FAILED):
                raise InvalidTransition(payment, Status.CANCELLED.label)
        elif not permissions.can_cancel(actor, payment):
            if not permissions.can_view_payment(actor, payment):
                raise PermissionDenied
            raise InvalidTransition(payment, Status.CANCELLED.label)
        if not payment.provider_reference:
            _move(payment, Status.CANCELLED, source="cancel")
            audit.record(
                actor=actor,
                verb="payments.payment.cancel_requested",
                target=payment,
                organization=payment.payee_organization,
                data={"purpose_closed": purpose_closed},
            )
            return payment
    key = f"{payment.idempotency_key}-cancel"
    try:
        result = gateway_for(payment.provider).cancel(
            reference=payment.provider_reference, idempotency_key=key, connect=connect_of(payment)
        )
    except GatewayUnavailable as exc:
        raise _unavailable(payment, PaymentOperation.Kind.CANCEL, exc, key) from exc
    payment = payment_record_intent(
        payment_id=payment_id, result=result, kind=PaymentOperation.Kind.CANCEL, idempotency_key=key
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            verb="payments.payment.cancel_requested",
            target=payment,
            organization=payment.payee_organization,
            data={"ok": result.ok, "error": result.error, "purpose_closed": purpose_closed},
        )
    if not result.ok:
        raise PaymentError(result.error or _("The provider refused to cancel this payment."))
    return payment
