"""Client registration, e-mail confirmation, and the client's own profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from office.access import client_account, client_required
from office.exceptions import DomainError
from office.ratelimit import limit_posts_per_ip
from office.views_support import run_action
from services import actions, forms


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
