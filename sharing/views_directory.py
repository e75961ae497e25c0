"""Editing the resource-sharing directory (the home office's leadership): outside partner
libraries, their security codes, reciprocity agreements between member offices. Each office's
own lending policy and fees are edited in views_money.policy_edit.

A security code is shown once, on the page that answers the POST that set it (not stored in
a message or the session, not cached); afterwards only when it was set."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from office.exceptions import DomainError
from office.views_support import run_action
from sharing import actions, forms, permissions
from sharing.actions.directory import PARTNER_FIELDS
from sharing.models import Agency, Reciprocity
from sharing.views import agency_required


def _manager(request: HttpRequest) -> None:
    agency_required(request)
    if not permissions.can_manage_directory(request.user):
        raise PermissionDenied


def _partner(pk: int) -> Agency:
    partner = Agency.objects.filter(pk=pk, is_partner=True).first()
    if partner is None:
        raise Http404
    return partner


def _shown(request: HttpRequest, partner: Agency, code: str) -> HttpResponse:
    """The page that shows a security code, this once."""
    response = render(request, "sharing/partner_secret_shown.html", {"partner": partner, "code": code})
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def partner_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    template = "sharing/partner_form.html"
    if request.method == "GET":
        return render(request, template, {"form": forms.PartnerForm(), "creating": True})
    form = forms.PartnerForm(request.POST)
    if form.is_valid():
        try:
            partner, code = actions.partner_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(id)s was added to the directory.") % {"id": partner.agency_id})
            return _shown(request, partner, code)
    return render(request, template, {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    partner = _partner(pk)
    context = {"partner": partner, "creating": False}
    if request.method == "GET":
        initial = {name: getattr(partner, name) for name in PARTNER_FIELDS}
        form = forms.PartnerForm(initial=initial, creating=False)
        return render(request, "sharing/partner_form.html", {**context, "form": form})
    form = forms.PartnerForm(request.POST, creating=False)
    return run_action(
        request,
        form,
        lambda data: actions.partner_update(actor=request.user, agency_pk=partner.pk, **data),
        success=_("%(id)s was saved.") % {"id": partner.agency_id},
        redirect_to="sharing:directory",
        template="sharing/partner_form.html",
        template_context=context,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def partner_secret(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or replace a partner's security code (typed, or generated and shown once)."""
    _manager(request)
    partner = _partner(pk)
    template = "sharing/partner_secret_form.html"
    form = forms.SecretForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            code = actions.partner_secret_set(actor=request.user, agency_pk=partner.pk, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("secret", str(exc))
        else:
            messages.success(request, _("The security code of %(id)s was replaced.") % {"id": partner.agency_id})
            partner.refresh_from_db()
            return _shown(request, partner, code)
    return render(request, template, {"form": form, "partner": partner})


@login_required
@require_http_methods(["GET", "POST"])
def reciprocity_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    template, context = "sharing/reciprocity_form.html", {"creating": True}
    if request.method == "GET":
        return render(request, template, {**context, "form": forms.ReciprocityForm()})
    form = forms.ReciprocityForm(request.POST)

    def create(data: dict[str, Any]) -> Reciprocity:
        return actions.reciprocity_create(
            actor=request.user,
            first_pk=data["first"],
            second_pk=data["second"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            note=data["note"],
        )

    return run_action(
        request,
        form,
        create,
        success=_("The reciprocity agreement was saved."),
        redirect_to="sharing:directory",
        template=template,
        template_context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reciprocity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    agreement = Reciprocity.objects.select_related("first", "second").filter(pk=pk).first()
    if agreement is None:
        raise Http404
    template, context = "sharing/reciprocity_form.html", {"creating": False, "agreement": agreement}
    if request.method == "GET":
        initial = {"starts_on": agreement.starts_on, "ends_on": agreement.ends_on, "note": agreement.note}
        return render(request, template, {**context, "form": forms.ReciprocityForm(initial=initial, creating=False)})
    form = forms.ReciprocityForm(request.POST, creating=False)
    return run_action(
        request,
        form,
        lambda data: actions.reciprocity_update(actor=request.user, reciprocity_pk=agreement.pk, **data),
        success=_("The reciprocity agreement was saved."),
        redirect_to="sharing:directory",
        template=template,
        template_context=context,
    )
