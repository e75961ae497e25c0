"""The audit log of the viewer's office, filtered."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from office import forms, permissions, selectors
from office.access import staff_required
from office.keyset import keyset_page
from office.models import AuditEvent
from office.views.common import PAGE_SIZE


@staff_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    form = forms.AuditFilterForm(request.GET or None, actors=selectors.audit_actor_choices(user=request.user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "verb_prefix": data["verb"],
            "actor": data["actor"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    events = AuditEvent.objects.none() if form.errors else selectors.audit_event_list(user=request.user, **filters)
    page = keyset_page(events, request.GET, PAGE_SIZE)  # a year of events: no COUNT, no OFFSET
    return render(request, "office/auditevent_list.html", {"form": form, "page_obj": page})
