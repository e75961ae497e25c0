"""User training: the sessions, registrations, attendance and fees, the iCalendar event, editing."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office.access import staff_required
from office.exceptions import DomainError
from office.views_support import run_action
from services import actions, forms, permissions, selectors
from services.models import TrainingRegistration, TrainingSession


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
