"""The charge of a completed request: what the borrower owes the lender (the agreed fee of an
accepted condition, else the lender's schedule, which is nothing under reciprocity). Once per request."""

from __future__ import annotations

from django.utils import timezone

from sharing.fees import fee_for
from sharing.models import Charge, SharingRequest


def record_charge(request: SharingRequest) -> Charge | None:
    """Record the charge (the caller holds the request's lock). Idempotent: a request is
    charged once (Charge.request is one-to-one). None when there is no lender."""
    if request.lender_id is None:
        return None
    existing = Charge.objects.filter(request=request).first()
    if existing is not None:
        return existing
    fee = fee_for(request.lender, request.borrower, request)
    amount, currency, free = fee.amount_minor, fee.currency, fee.free_reason
    if request.agreed_fee_minor is not None:  # accepted explicitly: it wins over the schedule
        amount, currency, free = request.agreed_fee_minor, request.proposed_currency or fee.currency, ""
    charge = Charge.objects.create(
        request=request,
        debtor=request.borrower,
        creditor=request.lender,
        amount_minor=amount,
        currency=currency,
        free_reason=free,
    )
    request.charge_minor, request.charge_currency, request.charged_at = amount, currency, timezone.now()
    request.save(update_fields=["charge_minor", "charge_currency", "charged_at"])
    return charge
