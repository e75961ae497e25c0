"""Views of the services app: thin — parse, call a selector or action, render.

Somebody else's order (or file, or download link) is a 404: every lookup starts from
`visible_to(user)`. A function the role may not use is a 403 (the action raises
PermissionDenied). Domain refusals come back as a message on the order page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketing import analytics
from office.access import client_account, client_required, staff_required
from office.exceptions import DomainError
from office.exports import csv_response
from office.listing import sorted_by
from office.money import format_money, to_major
from office.page_cache import cached_page
from office.ratelimit import limit_posts_per_ip
from office.views_support import run_action
from services import actions, forms, permissions, selectors
from services.models import (
    Consultation,
    Digest,
    DownloadLink,
    Offering,
    OrderFile,
    ServiceOrder,
    Subscription,
    TrainingRegistration,
    TrainingSession,
)

ORDERS_PER_PAGE = 25
# The columns the order list sorts by (office/listing.py): ?sort=due, ?sort=-price …
ORDER_SORTS = {
    "created": "created_at",
    "number": "number",
    "service": "offering__name",
    "topic": "topic",
    "client": "client__display_name",
    "assignee": ("assignee__staff_profile__display_name", "assignee__username"),
    "status": "status",
    "price": "quoted_amount_minor",
    "due": "due_date",
}

# --- catalog ----------------------------------------------------------------------------------


@require_GET
def offering_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Offering.Kind.values:
        kind = ""
    return render(
        request,
        "services/offering_list.html",
        {
            "offerings": selectors.offering_list(kind=kind),
            "kinds": Offering.Kind.choices,
            "kind": kind,
            "can_manage": permissions.can_manage_offerings(request.user),
            "can_order": permissions.can_order(request.user),
        },
    )


@require_GET
def offering_detail(request: HttpRequest, code: str) -> HttpResponse:
    offering = get_object_or_404(selectors.offering_list(), code=code)
    return render(
        request,
        "services/offering_detail.html",
        {
            "offering": offering,
            "can_order": permissions.can_order(request.user) and offering.pricing != Offering.Pricing.SUBSCRIPTION,
            "can_subscribe": permissions.can_order(request.user) and offering.pricing == Offering.Pricing.SUBSCRIPTION,
            "can_edit": permissions.can_edit_offering(request.user, offering),
        },
    )


def _catalog_manager(request: HttpRequest) -> None:
    if not permissions.can_manage_offerings(request.user):
        raise PermissionDenied


@staff_required
@require_GET
def offering_manage(request: HttpRequest) -> HttpResponse:
    _catalog_manager(request)
    offerings = Offering.objects.select_related("department").order_by("sort_order", "name")
    return render(request, "services/offering_manage.html", {"offerings": offerings})


@staff_required
@require_http_methods(["GET", "POST"])
def offering_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _catalog_manager(request)
    offering = get_object_or_404(Offering, pk=pk) if pk else Offering()
    if pk and not permissions.can_edit_offering(request.user, offering):
        raise PermissionDenied
    form = forms.OfferingForm(request.POST or None, instance=offering, user=request.user)
    context = {"form": form, "offering": offering}
    if request.method != "POST":
        return render(request, "services/offering_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.offering_save(offering=form.instance, actor=request.user),
        success=_("The service was saved."),
        redirect_to="services:offering_manage",
        template="services/offering_form.html",
        template_context=context,
    )


# --- client registration --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@limit_posts_per_ip("registration")
def client_register(request: HttpRequest) -> HttpResponse:
    """One answer for every valid form, as on the password-reset page: whether the address or
    the user name has an account is told to the address only (actions.client_register_or_notify)."""
    if request.user.is_authenticated:
        return redirect("office:home")
    form = forms.ClientRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.client_register_or_notify(**data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "services/client_registered.html", {"email": data["email"]})
    return render(request, "services/client_register.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def client_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; the POST confirms (no state change on GET: mail scanners follow links)."""
    if request.method == "POST":
        try:
            actions.client_confirm_email(token=token)
        except DomainError as exc:
            messages.error(request, str(exc))
            return render(request, "services/client_confirm.html", {"failed": True}, status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed. You can order services now."))
        return redirect("services:offering_list")
    return render(request, "services/client_confirm.html", {"token": token})


@client_required
@require_POST
def client_confirm_resend(request: HttpRequest) -> HttpResponse:
    return run_action(
        request,
        None,
        lambda data: actions.client_confirmation_resend(actor=request.user),
        success=lambda sent: _("We sent the confirmation e-mail again.") if sent else "",
        redirect_to="services:order_list",
    )


@client_required
@never_cache
@require_http_methods(["GET", "POST"])
def client_profile(request: HttpRequest) -> HttpResponse:
    """The client's own contact and invoice details (never anybody else's: no id in the URL)."""
    account = client_account(request.user)
    if account is None:
        raise PermissionDenied
    form = forms.ClientProfileForm(request.POST or None, instance=account)
    context = {"form": form, "account": account}
    if request.method != "POST":
        return render(request, "services/client_profile.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.client_profile_update(
            actor=request.user, **{name: data[name] for name in actions.PROFILE_FIELDS}
        ),
        success=_("Your details were saved."),
        redirect_to="services:client_profile",
        template="services/client_profile.html",
        template_context=context,
    )


# --- orders ------------------------------------------------------------------------------------


def _order(request: HttpRequest, pk: int) -> ServiceOrder:
    try:
        return selectors.order_get(user=request.user, pk=pk)
    except ServiceOrder.DoesNotExist:
        raise Http404 from None


@client_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, code: str) -> HttpResponse:
    offering = get_object_or_404(selectors.offering_list(), code=code)
    if not permissions.can_order(request.user):
        messages.error(request, _("Confirm your e-mail address before ordering."))
        return redirect("services:offering_detail", code=code)
    if offering.pricing == Offering.Pricing.SUBSCRIPTION:
        raise Http404
    form = forms.OrderForm(request.POST or None, request.FILES or None, offering=offering)
    context = {"form": form, "offering": offering}
    if request.method != "POST":
        return render(request, "services/order_form.html", context)
    return run_action(
        request,
        form,
        lambda data: _order_and_checkout(request, offering, data),
        success=_order_created_message,
        redirect_to=_after_order_created,
        template="services/order_form.html",
        template_context=context,
    )


def _order_and_checkout(request: HttpRequest, offering: Offering, data: dict[str, Any]) -> tuple[ServiceOrder, Any]:
    """Create the order; a fixed-price one goes straight on to its payment (Shopify-style: no
    quote to accept). If the payment cannot start, the order is there and its page says why."""
    order = actions.order_create(actor=request.user, offering_id=offering.pk, **data)
    analytics.attribute_service_order(request, order.pk)  # campaign → order (marketing dashboard)
    if offering.pricing != Offering.Pricing.FIXED:
        return order, None
    try:
        return order, actions.order_checkout(order_id=order.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return order, None


def _order_created_message(result: tuple[ServiceOrder, Any]) -> str:
    order, payment = result
    if payment is not None:
        return ""
    return _("Your order %(number)s was sent.") % {"number": order.number}


def _after_order_created(result: tuple[ServiceOrder, Any]) -> tuple[str, int]:
    order, payment = result
    if payment is not None:
        return ("payments:payment_checkout", payment.pk)
    return ("services:order_detail", order.pk)


@login_required
@require_GET
@cached_page("services", "payments")
def order_list(request: HttpRequest) -> HttpResponse:
    if not (client_account(request.user) or permissions.can_view_queue(request.user)):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in ServiceOrder.Status.values:
        status = ""
    view = request.GET.get("view", "")
    if request.GET.get("mine"):  # the old link of the "my tasks" box
        view = "mine"
    query = request.GET.get("q", "").strip()[:100]
    orders = selectors.order_search(user=request.user, status=status, view=view, query=query)
    orders, sort = sorted_by(request, orders, ORDER_SORTS, "-created")
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/order_list.html",
        {
            "page_obj": page,
            "orders": page.object_list,
            "status": status,
            "statuses": ServiceOrder.Status.choices,
            "view": view if view in selectors.ORDER_VIEWS else "",
            "views": selectors.order_views(user=request.user),
            "q": query,
            "sort": sort,
        },
    )


@login_required
@never_cache  # the browser keeps no copy (its back button must not show an old payment state) ...
@require_GET
@cached_page("services", "payments")  # ... the server serves its own while nothing on it changed
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    context = selectors.order_detail_context(user=request.user, order=order)
    context["message_form"] = forms.MessageForm(log_work=context["can_log_work"])
    context["file_form"] = forms.FileForm()
    context["confirmations"] = _confirmations(order)
    context["thanks"] = context["is_client"] and request.GET.get("paid") == "1"
    context["progress"] = selectors.order_progress(order)
    context["can_checkout"] = context["can_pay"] or selectors.is_list_price_quote(order) and context["can_respond"]
    if context["can_quote"]:
        context["quote_form"] = forms.QuoteForm(currency=order.currency)
    if context["can_assign"]:
        context["assign_form"] = forms.AssignForm(staff=list(selectors.assignable_staff(order)))
    if context["can_work"]:
        context["deliver_form"] = forms.DeliverForm(
            files=context["deliverables"],
            channel=request.GET.get("channel", ""),
            initial={"channel": order.delivery_channel},
        )
        context["channels"] = forms.DeliveryChannel.choices
    if context["can_issue_report"]:
        context["report_form"] = forms.ReportForm(reviewers=selectors.reviewers_for(order))
    if context["can_confirm"]:
        context["confirm_form"] = forms.ConfirmForm()
    if context["can_refund"]:
        context["refund_form"] = forms.RefundReasonForm()
    return render(request, "services/order_detail.html", context)


def _act(
    request: HttpRequest, pk: int, form: Any, run: Callable[[ServiceOrder, dict[str, Any]], Any], success: str
) -> HttpResponse:
    """Run one order action: 404 for an order the user may not see (whatever the body), 403
    for a function the role may not use (PermissionDenied from the action), else a message
    and back to the order."""
    order = _order(request, pk)
    return run_action(
        request,
        form,
        lambda data: run(order, data),
        success=success,
        redirect_to=("services:order_detail", order.pk),
    )


def _confirmations(order: ServiceOrder) -> dict[str, str]:
    """What each destructive or money-moving button of the order page will do, in one sentence
    (the dialog of partials/_confirm.html and the confirmation page say the same)."""
    amount = format_money(order.quoted_amount_minor, order.currency) if order.quoted_amount_minor else ""
    if order.paid_at is not None:
        cancel = _("Order %(number)s will be cancelled and %(amount)s will be refunded to the card it was paid with.")
    else:
        cancel = _("Order %(number)s will be cancelled. Nothing has been charged, and nothing will be.")
    return {
        "cancel": cancel % {"number": order.number, "amount": amount},
        "decline": _(
            "You decline the quote of %(amount)s for order %(number)s. Nothing is charged; the office may send "
            "a new quote, or you can cancel the order."
        )
        % {"number": order.number, "amount": amount},
        "refund": _("%(amount)s will be refunded to the card the client paid with, and order %(number)s will close.")
        % {"number": order.number, "amount": amount},
    }


def _needs_confirmation(
    request: HttpRequest, *, title: str, summary: str, button: str, back: str
) -> HttpResponse | None:
    """None once the POST says `confirm=yes` (the dialog of partials/_confirm.html adds it);
    else the confirmation page, which posts the same fields again with it (no JS needed)."""
    if request.POST.get("confirm") == "yes":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in values
    ]
    context = {
        "confirm_title": title,
        "confirm_summary": summary,
        "confirm_button": button,
        "confirm_action": request.path,
        "confirm_fields": fields,
        "confirm_back": back,
    }
    return render(request, "partials/confirm_page.html", context)


@login_required
@require_POST
def order_quote(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.works_on(request.user, order):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.QuoteForm(request.POST, currency=order.currency),
        lambda o, data: actions.order_quote(
            order_id=o.pk,
            actor=request.user,
            amount_minor=data["amount"],
            due_date=data["due_date"],
            note=data["note"],
        ),
        _("The quote was sent to the client."),
    )


@login_required
@require_POST
def order_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        None,
        lambda o, data: actions.order_accept(order_id=o.pk, actor=request.user),
        _("Quote accepted. Please pay."),
    )


@login_required
@require_POST
def order_decline(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if permissions.can_respond_to_quote(request.user, order):
        ask = _needs_confirmation(
            request,
            title=_("Decline the quote?"),
            summary=_confirmations(order)["decline"],
            button=_("Decline the quote"),
            back=reverse("services:order_detail", args=[order.pk]),
        )
        if ask is not None:
            return ask
    return _act(
        request,
        pk,
        forms.ReasonForm(request.POST),
        lambda o, data: actions.order_decline(order_id=o.pk, actor=request.user, reason=data["reason"]),
        _("Quote declined."),
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if permissions.can_cancel(request.user, order):
        ask = _needs_confirmation(
            request,
            title=_("Cancel and refund the order?") if order.paid_at else _("Cancel the order?"),
            summary=_confirmations(order)["cancel"],
            button=_("Cancel and refund") if order.paid_at else _("Cancel the order"),
            back=reverse("services:order_detail", args=[order.pk]),
        )
        if ask is not None:
            return ask
    return _act(
        request,
        pk,
        forms.ReasonForm(request.POST),
        lambda o, data: actions.order_cancel(order_id=o.pk, actor=request.user, reason=data["reason"]),
        _("The order was cancelled."),
    )


@login_required
@require_POST
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Start paying: the amount comes from the order's quote in our database, never the form."""
    order = _order(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.order_checkout(order_id=order.pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=("services:order_detail", order.pk),
    )


@login_required
@require_POST
def order_refund(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.can_refund(request.user, order):
        raise PermissionDenied
    ask = _needs_confirmation(
        request,
        title=_("Cancel and refund the order?"),
        summary=_confirmations(order)["refund"],
        button=_("Refund"),
        back=reverse("services:order_detail", args=[order.pk]),
    )
    if ask is not None:
        return ask
    return _act(
        request,
        pk,
        forms.RefundReasonForm(request.POST),
        lambda o, data: actions.order_refund(order_id=o.pk, actor=request.user, reason=data["reason"]),
        _("The refund was requested."),
    )


@login_required
@require_POST
def order_assign(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not (permissions.leads(request.user, order) and permissions.works_on(request.user, order)):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.AssignForm(request.POST, staff=list(selectors.assignable_staff(order))),
        lambda o, data: actions.order_assign(order_id=o.pk, actor=request.user, assignee_id=data["assignee"]),
        _("The order was assigned."),
    )


@login_required
@require_POST
def order_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, None, lambda o, data: actions.order_start(order_id=o.pk, actor=request.user), _("Work started.")
    )


@login_required
@require_POST
def order_message(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.MessageForm(request.POST, log_work=permissions.can_log_work(request.user, _order(request, pk))),
        lambda o, data: actions.order_message_post(
            order_id=o.pk,
            actor=request.user,
            body=data["body"],
            internal=data.get("internal", False),
            minutes_spent=data.get("minutes_spent") or 0,
        ),
        _("Saved."),
    )


@login_required
@require_POST
def order_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    kind = (
        OrderFile.Kind.REQUIREMENT if permissions.is_order_client(request.user, order) else OrderFile.Kind.DELIVERABLE
    )
    return _act(
        request,
        pk,
        forms.FileForm(request.POST, request.FILES),
        lambda o, data: actions.order_file_add(order_id=o.pk, actor=request.user, upload=data["file"], kind=kind),
        _("The file was uploaded."),
    )


def _file_response(item: OrderFile) -> FileResponse:
    """Always an attachment, with our own Content-Type and an RFC 6266 file name."""
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Content-Type"] = item.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@login_required
@require_GET
def order_file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Staff on the order fetch any of its files; the client its own attachments (deliverables
    reach it through download links or other channels)."""
    order = _order(request, pk)
    files = order.files.all()
    if not permissions.works_on(request.user, order):
        files = files.filter(kind=OrderFile.Kind.REQUIREMENT)
    item = get_object_or_404(files, pk=file_pk)
    return _file_response(item)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A delivered file through its expiring link: only the client it was made for."""
    try:
        link = actions.download_link_resolve(link_id=pk, user=request.user)
    except DownloadLink.DoesNotExist:
        raise Http404 from None
    return _file_response(link.file)


@login_required
@require_POST
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.works_on(request.user, order):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.DeliverForm(request.POST, files=list(order.files.exclude(kind=OrderFile.Kind.REQUIREMENT))),
        lambda o, data: actions.order_deliver(
            order_id=o.pk,
            actor=request.user,
            channel=data["channel"],
            file_ids=data["files"],
            fax_number=data["fax_number"],
            postal_address=data["postal_address"],
            tracking_number=data["tracking_number"],
            note=data["note"],
        ),
        _("The delivery was recorded."),
    )


@login_required
@require_POST
def order_report(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.works_on(request.user, order):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.ReportForm(request.POST, reviewers=selectors.reviewers_for(order)),
        lambda o, data: actions.report_issue(
            order_id=o.pk,
            actor=request.user,
            reviewer_id=data["reviewer"],
            findings=data["findings"],
            conclusion=data["conclusion"],
        ),
        _("The report was issued."),
    )


@login_required
@never_cache
@require_GET
def order_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice PDF of a paid order: its client and the staff who see the order (a client's
    other orders, and orders not paid, are a 404)."""
    from services.reports import invoice_number, invoice_pdf

    order = _order(request, pk)
    if not permissions.can_view_invoice(request.user, order):
        raise Http404
    response = HttpResponse(invoice_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_number(order)}.pdf"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.is_order_client(request.user, _order(request, pk)):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.ConfirmForm(request.POST),
        lambda o, data: actions.order_confirm(
            order_id=o.pk, actor=request.user, rating=data["rating"], comment=data["comment"]
        ),
        _("Thank you for your rating."),
    )


# --- staff work queue ----------------------------------------------------------------------------


@staff_required
@require_GET
@cached_page("services", "payments")  # its statistics aggregate every delivered order of the unit
def queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_queue(request.user):
        raise PermissionDenied
    return render(request, "services/queue.html", selectors.queue_for(user=request.user))


@staff_required
@require_GET
def queue_export(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_queue(request.user):
        raise PermissionDenied
    header = [_("Number"), _("Service"), _("Client"), _("Topic"), _("Status"), _("Price"), _("Due date"),
              _("Assigned to"), _("Requested"), _("Delivered"), _("Rating")]  # fmt: skip
    rows = (
        [
            order.number,
            order.offering.name,
            order.client.display_name,
            order.topic,
            order.get_status_display(),
            None if order.quoted_amount_minor is None else to_major(order.quoted_amount_minor, order.currency),
            order.due_date,
            selectors.staff_name(order.assignee) if order.assignee else "",
            order.created_at.date(),
            order.delivered_at.date() if order.delivered_at else "",
            order.rating or "",
        ]
        for order in selectors.order_list(user=request.user).order_by("pk")
    )
    return csv_response("service-orders.csv", header, rows)


# --- subscriptions ---------------------------------------------------------------------------------


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


# --- consultations -----------------------------------------------------------------------------------


def _consultation(request: HttpRequest, pk: int) -> Consultation:
    return get_object_or_404(Consultation.objects.visible_to(request.user).select_related("client"), pk=pk)


@login_required
@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    if not (client_account(request.user) or permissions.unit_scope_ids(request.user)):
        raise PermissionDenied
    consultations = Consultation.objects.visible_to(request.user).select_related("client")[:200]
    return render(request, "services/consultation_list.html", {"consultations": consultations})


@client_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    form = forms.ConsultationForm(request.POST or None)
    if request.method != "POST":
        return render(request, "services/consultation_form.html", {"form": form})
    return run_action(
        request,
        form,
        lambda data: actions.consultation_open(actor=request.user, **data),
        success=_("Your question was sent to customer service."),
        redirect_to=lambda consultation: ("services:consultation_detail", consultation.pk),
        template="services/consultation_form.html",
        template_context={"form": form},
    )


@login_required
@never_cache
@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return render(
        request,
        "services/consultation_detail.html",
        {
            "consultation": consultation,
            "thread": consultation.messages.select_related("author"),
            "can_reply": consultation.status != Consultation.Status.CLOSED,
            "form": forms.ReplyForm(),
        },
    )


@login_required
@require_POST
def consultation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return run_action(
        request,
        forms.ReplyForm(request.POST),
        lambda data: actions.consultation_reply(consultation_id=consultation.pk, actor=request.user, body=data["body"]),
        success=None,  # the reply shows in the thread
        redirect_to=("services:consultation_detail", consultation.pk),
        invalid_message=_("Write a message."),
    )


@login_required
@require_POST
def consultation_close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.consultation_close(consultation_id=consultation.pk, actor=request.user),
        success=None,  # the page shows it closed
        redirect_to=("services:consultation_detail", consultation.pk),
    )


# --- training ------------------------------------------------------------------------------------------


@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    sessions = TrainingSession.objects.upcoming().select_related("department")
    return render(
        request,
        "services/training_list.html",
        {"sessions": sessions, "can_manage": permissions.can_manage_training(request.user)},
    )


@require_GET
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.filter(is_published=True), pk=pk)
    context = selectors.training_detail_context(user=request.user, session=session)
    return render(request, "services/training_detail.html", context)


@login_required
@require_POST
def training_register(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.filter(is_published=True), pk=pk)
    # Not run_action: a place on the waiting list is reported as information, not as success.
    try:
        registration = actions.training_register(session_id=session.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if registration.status == "registered":
            messages.success(request, _("You are registered."))
        else:
            messages.info(request, _("The session is full: you are on the waiting list."))
    return redirect("services:training_detail", pk=pk)


def _registration(request: HttpRequest, pk: int) -> TrainingRegistration:
    """Visible to its owner and to whoever runs the session; 404 for everybody else."""
    registration = get_object_or_404(TrainingRegistration.objects.select_related("session"), pk=pk)
    if registration.user_id != request.user.pk and not permissions.runs_training(request.user, registration.session):
        raise Http404
    return registration


@login_required
@require_POST
def training_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.training_cancel(registration_id=registration.pk, actor=request.user),
        success=_("Your registration was cancelled."),
        redirect_to=("services:training_detail", registration.session_id),
    )


@login_required
@require_POST
def training_pay(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.training_pay(registration_id=registration.pk, actor=request.user),
        success=None,
        redirect_to=lambda payment: ("payments:payment_checkout", payment.pk),
        failure_redirect_to=("services:training_detail", registration.session_id),
    )


@login_required
@require_POST
def training_attended(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    return run_action(
        request,
        None,
        lambda data: actions.training_mark_attended(registration_id=registration.pk, actor=request.user),
        success=None,  # the list shows it
        redirect_to=("services:training_detail", registration.session_id),
    )


@require_GET
def training_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """The session as an iCalendar (RFC 5545) event; public data only."""
    session = get_object_or_404(TrainingSession.objects.filter(is_published=True), pk=pk)
    response = HttpResponse(ical_event(session, request.get_host()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{session.pk}.ics"'
    return response


def _ical_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def _ical_fold(line: str) -> str:
    # RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF + space.
    data = line.encode()
    parts, chunk = [], b""
    for char in line:
        encoded = char.encode()
        if len(chunk) + len(encoded) > (75 if not parts else 74):
            parts.append(chunk)
            chunk = b""
        chunk += encoded
    parts.append(chunk)
    return "\r\n ".join(p.decode() for p in parts) if len(data) > 75 else line


def ical_event(session: TrainingSession, host: str) -> str:
    def stamp(value: Any) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    location = session.location or session.online_url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Office intranet//Information services//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-{session.pk}@{host.split(':')[0]}",
        f"DTSTAMP:{stamp(session.updated_at)}",
        f"DTSTART:{stamp(session.starts_at)}",
        f"DTEND:{stamp(session.ends_at)}",
        f"SUMMARY:{_ical_text(session.title)}",
        f"DESCRIPTION:{_ical_text(session.description)}",
        f"LOCATION:{_ical_text(location)}",
    ]
    if session.online_url:
        lines.append(f"URL:{session.online_url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_ical_fold(line) for line in lines) + "\r\n"


@staff_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    session = TrainingSession()
    if pk:
        session = get_object_or_404(TrainingSession.objects.select_related("department"), pk=pk)
    if not permissions.can_edit_training(request.user, session):
        raise PermissionDenied
    form = forms.TrainingSessionForm(request.POST or None, instance=session, user=request.user)
    context = {"form": form, "session": session}
    if request.method != "POST":
        return render(request, "services/training_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.training_session_save(session=form.instance, actor=request.user),
        success=_("The session was saved."),
        redirect_to=lambda saved: ("services:training_detail", saved.pk),
        template="services/training_form.html",
        template_context=context,
    )
