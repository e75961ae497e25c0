"""Subscriptions: subscribing, paying, renewing, cancelling, staff items, and the digests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import client_account, client_required
from office.views_support import run_action
from services import actions, forms, permissions, selectors
from services.models import Digest, Offering, Subscription


def _subscription(request: HttpRequest, pk: int) -> Subscription:
    qs = Subscription.objects.visible_to(request.user).select_related("offering__department", "client")
    return get_object_or_404(qs, pk=pk)


@client_required
@require_http_methods(["GET", "POST"])
def subscription_create(request: HttpRequest, code: str) -> HttpResponse:
    offering = get_object_or_404(selectors.offering_list().filter(pricing=Offering.Pricing.SUBSCRIPTION), code=code)
    if not permissions.can_order(request.user):
        messages.error(request, _("Confirm your e-mail address before ordering."))
        return redirect("services:offering_detail", code=code)
    form = forms.SubscriptionForm(request.POST or None)
    context = {"form": form, "offering": offering}
    if request.method != "POST":
        return render(request, "services/subscription_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.subscription_create(actor=request.user, offering_id=offering.pk, **data),
        success=_("Subscribed. Pay the first period to start it."),
        redirect_to=lambda subscription: ("services:subscription_detail", subscription.pk),
        template="services/subscription_form.html",
        template_context=context,
    )


@login_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    if not (client_account(request.user) or permissions.can_view_queue(request.user)):
        raise PermissionDenied
    subscriptions = Subscription.objects.visible_to(request.user).select_related("offering", "client")[:200]
    return render(request, "services/subscription_list.html", {"subscriptions": subscriptions})


@login_required
@never_cache
@require_GET
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    context = selectors.subscription_detail_context(user=request.user, subscription=subscription)
    context["item_form"] = forms.SubscriptionItemForm()
    return render(request, "services/subscription_detail.html", context)


@login_required
@require_POST
def subscription_pay(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.subscription_pay(subscription_id=subscription.pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=("services:subscription_detail", subscription.pk),
    )


@login_required
@require_POST
def subscription_renew(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.subscription_renew(subscription_id=subscription.pk, actor=request.user),
        success=_("The next period was added; please pay it."),
        redirect_to=("services:subscription_detail", subscription.pk),
    )


@login_required
@require_POST
def subscription_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.subscription_cancel(subscription_id=subscription.pk, actor=request.user),
        success=_("The subscription was cancelled."),
        redirect_to=("services:subscription_detail", subscription.pk),
    )


@login_required
@require_POST
def subscription_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    if not permissions.works_on_subscription(request.user, subscription):
        raise PermissionDenied
    return run_action(
        request,
        forms.SubscriptionItemForm(request.POST),
        lambda data: actions.subscription_item_add(subscription_id=subscription.pk, actor=request.user, **data),
        success=_("Added for the next digest."),
        redirect_to=("services:subscription_detail", subscription.pk),
    )


@login_required
@require_GET
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Subscription.objects.visible_to(request.user)
    digest = get_object_or_404(
        Digest.objects.filter(subscription__in=visible).select_related("subscription__offering"), pk=pk
    )
    return render(request, "services/digest_detail.html", {"digest": digest})
