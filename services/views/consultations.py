"""Consultations: the client's question and the thread of answers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import client_account, client_required
from office.views_support import run_action
from services import actions, forms, permissions
from services.models import Consultation


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
