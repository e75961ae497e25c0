"""Views of the payments app: thin — parse, call a selector or action, render.

Rules: a payment you may not see is a 404; a function your role may not use is a 403.
Amounts and statuses never come from the browser: the checkout pages send only card data
(to Stripe.js, or to the simulated provider's test page), and the result arrives as a
verified provider event or a provider read-back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import Role, roles_required
from office.exceptions import DomainError
from office.listing import sorted_by
from office.views_support import run_action
from payments import actions, payables, permissions, selectors, webhooks
from payments.forms import CardForm, PaymentFilterForm, PaymentRequestForm, RefundForm
from payments.gateways.simulated import TEST_CARDS, SimulatedGateway, UnknownTestCard
from payments.models import Payment, PaymentRequest
from payments.receipts import receipt_pdf

finance_required = roles_required(Role.DIRECTOR, Role.BUSINESS_ASSISTANT)
POLL_SYNC_SECONDS = 10  # an open payment's page asks the provider at most this often


def _visible_payment(request: HttpRequest, pk: int) -> Payment:
    try:
        return selectors.payment_get(user=request.user, pk=pk)
    except Payment.DoesNotExist:
        raise Http404 from None


def _own_payment(request: HttpRequest, pk: int) -> Payment:
    """Pages only the payer uses (checkout). Others who may see it get a 403, the rest 404."""
    payment = _visible_payment(request, pk)
    if payment.payer_user_id != request.user.pk:
        raise PermissionDenied
    return payment


# --- payers --------------------------------------------------------------------------------


# The columns the payment lists sort by (office/listing.py): ?sort=-amount …
MY_PAYMENT_SORTS = {
    "date": "created_at",
    "for": "description",
    "payee": "payee_name",
    "amount": "amount_minor",
    "status": "status",
    "receipt": "receipt_number",
}
PAYMENT_SORTS = {**MY_PAYMENT_SORTS, "number": "pk", "payer": "payer_name", "provider": "provider"}


@login_required
@require_GET
def payment_list_mine(request: HttpRequest) -> HttpResponse:
    payments, sort = sorted_by(request, selectors.payment_list_mine(user=request.user), MY_PAYMENT_SORTS, "-date")
    page = Paginator(payments, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/payment_list_mine.html",
        {
            "page_obj": page,
            "payments": page.object_list,
            "requests": selectors.payment_request_list_open_for(user=request.user),
            "sort": sort,
        },
    )


@login_required
@require_GET
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _visible_payment(request, pk)
    user = request.user
    purpose = payables.get(payment.purpose_type)
    context: dict[str, Any] = {
        "payment": payment,
        "purpose": purpose,
        "purpose_url": purpose.url(payment) if purpose and purpose.url else "",
        "can_pay": permissions.can_pay(user, payment),
        "can_cancel": permissions.can_cancel(user, payment),
        "can_refund": permissions.can_refund(user, payment),
        "can_view_receipt": permissions.can_view_receipt(user, payment),
        "is_finance": permissions.can_refund_any(user, payment) or permissions.is_finance_staff(user),
        "refunds": payment.refunds.select_related("requested_by"),
    }
    if context["is_finance"]:
        context["operations"] = payment.operations.all()
    if context["can_refund"]:
        context["refund_form"] = RefundForm(currency=payment.currency)
    return render(request, "payments/payment_detail.html", context)


@login_required
@require_GET
def payment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status box, polled by htmx while the payment is open. If the webhook is slow the
    provider is asked directly (reconciliation on demand, throttled)."""
    payment = _visible_payment(request, pk)
    if payment.is_open and payment.provider_reference and cache.add(f"payments:sync:{pk}", 1, POLL_SYNC_SECONDS):
        try:
            payment = actions.payment_sync(payment_id=pk)
        except DomainError:
            pass  # provider unreachable: the periodic reconciliation catches up
    return render(request, "payments/_payment_status.html", {"payment": payment})


@login_required
@require_GET
def payment_checkout(request: HttpRequest, pk: int) -> HttpResponse:
    """The payer's payment page: Stripe.js with the intent's client secret, or the simulated
    provider's test page. The intent (amount from our row) is created here, idempotently."""
    payment = _own_payment(request, pk)
    if not permissions.can_pay(request.user, payment):
        return redirect("payments:payment_detail", pk=pk)
    try:
        intent = actions.payment_ensure_intent(payment_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("payments:payment_detail", pk=pk)
    payment.refresh_from_db()
    if intent is None or not permissions.can_pay(request.user, payment):
        return redirect("payments:payment_detail", pk=pk)
    if payment.provider == Payment.Provider.STRIPE:
        return render(
            request,
            "payments/checkout_stripe.html",
            {
                "payment": payment,
                "client_secret": intent.client_secret,
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "return_url": request.build_absolute_uri(_after_payment(payment)),
            },
        )
    if payment.status == Payment.Status.REQUIRES_ACTION:
        return redirect("payments:simulated_authenticate", pk=pk)
    return render(
        request, "payments/checkout_simulated.html", {"payment": payment, "form": CardForm(), "test_cards": TEST_CARDS}
    )


def _simulated_payment(request: HttpRequest, pk: int) -> Payment:
    payment = _own_payment(request, pk)
    if payment.provider != Payment.Provider.SIMULATED or settings.PAYMENTS_BACKEND == "stripe":
        raise Http404  # the test page never exists next to real Stripe
    return payment


@login_required
@require_POST
def simulated_pay(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _simulated_payment(request, pk)
    if not permissions.can_pay(request.user, payment) or not payment.provider_reference:
        return redirect("payments:payment_detail", pk=pk)
    form = CardForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "payments/checkout_simulated.html",
            {"payment": payment, "form": form, "test_cards": TEST_CARDS},
            status=400,
        )
    try:
        result = SimulatedGateway().pay(
            reference=payment.provider_reference, card_number=form.cleaned_data["card_number"]
        )
    except UnknownTestCard:
        form.add_error("card_number", _("Use one of the test card numbers listed below."))
        return render(
            request,
            "payments/checkout_simulated.html",
            {"payment": payment, "form": form, "test_cards": TEST_CARDS},
            status=400,
        )
    if result.provider_status == "requires_action":
        return redirect("payments:simulated_authenticate", pk=pk)
    if result.error:
        # Declined: the payer stays on the card form with the reason, and may try another card.
        payment.refresh_from_db()
        if permissions.can_pay(request.user, payment):
            form.add_error("card_number", _declined(result.error))
            return render(
                request,
                "payments/checkout_simulated.html",
                {"payment": payment, "form": form, "test_cards": TEST_CARDS, "declined": True},
            )
        messages.error(request, _declined(result.error))
        return redirect("payments:payment_detail", pk=pk)
    return redirect(_after_payment(payment))


def _declined(provider_error: str) -> str:
    """The bank's reason in the payer's language where we know it (the provider answers in English)."""
    known = {
        "Your card was declined.": _("Your card was declined."),
        "Your card has insufficient funds.": _("Your card has insufficient funds."),
        "Your card has expired.": _("Your card has expired."),
        "Your card's security code is incorrect.": _("Your card's security code is incorrect."),
        "An error occurred while processing your card. Try again in a little bit.": _(
            "An error occurred while processing your card. Try again in a little bit."
        ),
        "The provided PaymentMethod has failed authentication.": _("The card's authentication failed."),
    }
    return str(known.get(provider_error, _("The card was declined: %(reason)s") % {"reason": provider_error})) + (
        " " + _("Try another card.")
    )


# Purposes whose page is the payer's thank-you view (``?paid=1``): the client lands on what it
# bought, not on a payment record. The others (staff paying vendors, fees) keep the payment page.
THANK_YOU_PURPOSES = frozenset({"services.order"})
# Purposes whose page takes the payments' thank-you notice (``?payment=<pk>``, partials/_messages.html).
PAYER_PAGE_PURPOSES = frozenset({"store.order", "sharing.client_request"})


def _after_payment(payment: Payment) -> str:
    """Where the payer goes once the card went through: a service order's thank-you view
    (its page with ``?paid=1``), a store order's or a document delivery request's page with the
    thank-you notice, else the payment's page."""
    purpose = payables.get(payment.purpose_type)
    if payment.purpose_type in THANK_YOU_PURPOSES and purpose is not None and purpose.url is not None:
        return purpose.url(payment) + "?paid=1"
    if payment.purpose_type in PAYER_PAGE_PURPOSES and purpose is not None and purpose.url is not None:
        return purpose.url(payment) + f"?payment={payment.pk}"
    return reverse("payments:payment_detail", args=[payment.pk])


@login_required
@require_http_methods(["GET", "POST"])
def simulated_authenticate(request: HttpRequest, pk: int) -> HttpResponse:
    """The simulated bank's 3-D Secure page."""
    payment = _simulated_payment(request, pk)
    gateway = SimulatedGateway()
    intent = gateway.retrieve(reference=payment.provider_reference) if payment.provider_reference else None
    if intent is None or intent.provider_status != "requires_action":
        return redirect("payments:payment_detail", pk=pk)
    if request.method == "POST":
        passed = request.POST.get("outcome") == "pass"
        result = gateway.authenticate(reference=payment.provider_reference, success=passed)
        if result.error:
            messages.error(request, _declined(result.error))
            return redirect("payments:payment_checkout", pk=pk)
        return redirect(_after_payment(payment))
    return render(request, "payments/simulated_authenticate.html", {"payment": payment})


@login_required
@require_POST
def payment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _visible_payment(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.payment_cancel(payment_id=payment.pk, actor=request.user),
        success=_("The payment was cancelled."),
        redirect_to=("payments:payment_detail", payment.pk),
    )


@login_required
@require_GET
def payment_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _visible_payment(request, pk)
    if not permissions.can_view_receipt(request.user, payment):
        raise Http404  # no receipt until it is paid
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response


# --- finance staff -------------------------------------------------------------------------


@finance_required
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    payments, sort = sorted_by(request, selectors.payment_list(user=request.user, **filters), PAYMENT_SORTS, "-date")
    page = Paginator(payments, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/payment_list.html",
        {"form": form, "page_obj": page, "payments": page.object_list, "sort": sort},
    )


@finance_required
@require_POST
def payment_refund(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _visible_payment(request, pk)
    if not permissions.can_refund_any(request.user, payment):
        raise PermissionDenied
    form = RefundForm(request.POST, currency=payment.currency)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("payments:payment_detail", pk=pk)
    try:
        refund = actions.payment_refund(
            payment_id=pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            amount_minor=form.cleaned_data["amount"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if refund.status == refund.Status.SUCCEEDED:
            messages.success(request, _("The refund was issued."))
        elif refund.status == refund.Status.PENDING:
            messages.warning(request, _("The provider cannot be reached; the refund will be retried automatically."))
        else:
            messages.error(request, _("The provider refused the refund: %(error)s") % {"error": refund.error})
    return redirect("payments:payment_detail", pk=pk)


@finance_required
@require_POST
def payment_sync(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _visible_payment(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.payment_sync(payment_id=payment.pk),
        success=_("Checked with the payment provider."),
        redirect_to=("payments:payment_detail", payment.pk),
    )


@finance_required
@require_http_methods(["GET", "POST"])
def request_list(request: HttpRequest) -> HttpResponse:
    """Payment requests of the office, and a form to ask someone to pay."""
    form = PaymentRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.payment_request_create(
                actor=request.user,
                payer=form.cleaned_data["payer"],
                amount_minor=form.cleaned_data["amount"],
                description=form.cleaned_data["description"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The payment request was sent."))
            return redirect("payments:request_list")
    paginator = Paginator(selectors.payment_request_list_for_office(user=request.user), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "payments/paymentrequest_list.html",
        {"form": form, "page_obj": page, "requests": page.object_list},
        status=400 if request.method == "POST" else 200,
    )


@finance_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    payment_request = get_object_or_404(selectors.payment_request_list_for_office(user=request.user), pk=pk)
    return run_action(
        request,
        None,
        lambda data: actions.payment_request_cancel(request_id=payment_request.pk, actor=request.user),
        success=_("The payment request was cancelled."),
        redirect_to="payments:request_list",
    )


@login_required
@require_POST
def request_pay(request: HttpRequest, pk: int) -> HttpResponse:
    payment_request = get_object_or_404(PaymentRequest.objects.filter(payer=request.user), pk=pk)
    try:
        payment = actions.payment_request_pay(request_id=payment_request.pk, actor=request.user)
    except (DomainError, PermissionDenied):
        messages.error(request, _("This request can no longer be paid."))
        return redirect("payments:payment_list_mine")
    return redirect("payments:payment_checkout", pk=payment.pk)


# --- provider webhooks ---------------------------------------------------------------------


def _webhook(request: HttpRequest, provider: str) -> HttpResponse:
    status, outcome = webhooks.receive(
        provider=provider, payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
    )
    return HttpResponse(outcome, status=status, content_type="text/plain")


# Providers cannot send our CSRF token; the signature authenticates them instead.
@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    return _webhook(request, "stripe")


@csrf_exempt
@require_POST
def simulated_webhook(request: HttpRequest) -> HttpResponse:
    if settings.PAYMENTS_BACKEND == "stripe":
        raise Http404
    return _webhook(request, "simulated")
