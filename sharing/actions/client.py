"""Document delivery for remote clients, through the home office:

    awaiting_payment (quoted at the home office's copy fee) -> requested (paid) -> sent ...
    awaiting_payment -> cancelled (the client or the office)
    unfilled | cancelled after payment -> the client's payment refunded automatically

The request is one of the home office's borrowing requests; the client pays the home office
through `payments` (the "sharing.client_request" payable, sharing/payables.py) before it is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from office.access import client_account
from office.exceptions import DomainError, InvalidTransition
from payments.actions import payment_create, refund_automatically
from payments.models import Payment
from sharing import permissions
from sharing.actions.common import lock, transition
from sharing.actions.requests import CITATION_FIELDS, clean_citation, new_request, record_created, send_if_ready
from sharing.fees import schedule_fee
from sharing.models import Agency, SharingRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = SharingRequest.Status
CLIENT_PURPOSE = "sharing.client_request"


def home_agency() -> Agency:
    agency = Agency.objects.active().members().filter(organization__is_home=True).select_related("organization").first()
    if agency is None:
        raise DomainError(_("Document delivery is not offered at the moment."))
    return agency


@transaction.atomic
def client_request_create(
    *, actor: User, copyright_declared: bool, urgent: bool = False, **citation: Any
) -> SharingRequest:
    """A confirmed client asks for a copy (citation with pages). It is quoted at the home
    office's copy fee and waits for payment; a free one is sent at once. The copyright
    declaration is required. Refuses non-clients and bad citations; writes nothing then."""
    if not permissions.can_request_as_client(actor):
        raise PermissionDenied(_("Confirm your e-mail address before ordering."))
    if not copyright_declared:
        raise DomainError(_("Confirm the copyright declaration to request a copy."))
    unknown = set(citation) - set(CITATION_FIELDS)
    if unknown:
        raise TypeError(f"client_request_create: unknown fields {sorted(unknown)}")
    home = home_agency()
    values = clean_citation(citation, SharingRequest.ServiceType.COPY, None)
    fee = schedule_fee(home, SharingRequest.ServiceType.COPY, values["page_count"], urgent)
    request = new_request(
        borrower=home,
        service_type=SharingRequest.ServiceType.COPY,
        values=values,
        requester=actor,
        client=client_account(actor),
        urgent=urgent,
        client_fee_minor=fee or None,
        currency=home.currency,
        copyright_declared=True,
        copyright_declared_at=timezone.now(),
        copyright_declared_by=actor,
        status=Status.AWAITING_PAYMENT if fee else Status.REQUESTED,
    )
    record_created(request, actor=actor, agency=home)
    return send_if_ready(request, actor=actor, agency=home)


def client_request_pay(*, request_id: int, actor: User) -> Payment:
    """Start (or resume) paying the quoted fee; returns the payment for the checkout page."""
    request = SharingRequest.objects.select_related("borrower__organization").get(pk=request_id)
    if not permissions.is_request_client(actor, request):
        raise PermissionDenied
    if request.status != Status.AWAITING_PAYMENT or not request.client_fee_minor:
        raise InvalidTransition(request, Status.REQUESTED)
    payment = payment_create(
        purpose_type=CLIENT_PURPOSE,
        purpose_id=request.pk,
        amount_minor=request.client_fee_minor,
        currency=request.currency,
        description=_("Document delivery %(number)s") % {"number": request.number},
        payer_user=actor,
        payee_organization=request.borrower.organization,
    )
    if payment.amount_minor != request.client_fee_minor:
        raise DomainError(_("An earlier payment for this request is still open; cancel it first."))
    return payment


def client_request_paid(request: SharingRequest, payment: Payment) -> None:
    """On-paid handler (the payments app checked state and amount, and holds the lock):
    the request is paid and goes to the first lender."""
    request.client_payment = payment
    request.client_paid_at = payment.succeeded_at or timezone.now()
    transition(
        request,
        Status.REQUESTED,
        "client_paid",
        actor=None,
        agency=request.borrower,
        params={"payment": payment.pk},
        fields=["client_payment", "client_paid_at"],
    )
    send_if_ready(request, actor=None, agency=request.borrower)


def refund_client(request: SharingRequest) -> None:
    """A paid client request that ends without a copy (unfilled, cancelled): refund in full."""
    if request.client_payment_id is None:
        return
    refund_automatically(
        payment_id=request.client_payment_id,
        reason=gettext_noop("Request %(number)s could not be supplied or was cancelled"),
        params={"number": request.number},
    )


def lock_for_payment(pk: str) -> SharingRequest | None:
    try:
        return lock(int(pk))
    except (DomainError, ValueError):
        return None
