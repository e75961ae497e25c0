"""The intranet home page (staff, client or partner desk) and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from office import inbox, selectors
from office.access import is_client, is_staff_member
from office.page_cache import cached_page


@require_safe
@login_required
@cached_page("notifications")
def home(request: HttpRequest) -> HttpResponse:
    """The intranet home: announcements, my tasks and notifications (staff), or the client's desk."""
    context = {
        "inbox_items": inbox.items_for_cached(request.user),
        "notifications": selectors.notification_list_recent(user=request.user),
    }
    if is_staff_member(request.user):
        context["announcements"] = selectors.announcement_list_current(user=request.user, limit=5)
        return render(request, "office/home.html", context)
    if is_client(request.user):
        return render(request, "office/client_home.html", context)
    # A partner's account (a resource provider's representative) has work but no profile: its
    # desk lists that work. An account with neither (e.g. a bare superuser) gets a page that says so.
    if context["inbox_items"]:
        return render(request, "office/partner_home.html", context)
    return render(request, "office/no_profile.html", context, status=403)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
