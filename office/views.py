"""Views of the org-structure app: thin — parse, call a selector or action, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from office import inbox, selectors
from office.access import home_staff_required, is_client, is_staff_member


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The intranet home: announcements, my tasks and notifications (staff), or the client's desk."""
    context = {
        "inbox_items": inbox.items_for(request.user),
        "notifications": selectors.notification_list_recent(user=request.user),
    }
    if is_staff_member(request.user):
        context["announcements"] = selectors.announcement_list_current(user=request.user, limit=5)
        return render(request, "office/home.html", context)
    if is_client(request.user):
        return render(request, "office/client_home.html", context)
    # An account with neither profile (e.g. a bare superuser) gets a page that says so.
    return render(request, "office/no_profile.html", context, status=403)


@home_staff_required
def health(request: HttpRequest) -> HttpResponse:
    return render(request, "office/health.html", {"health": selectors.health_summary()})


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """For monitoring. Anonymous callers learn only the overall state; staff get the details."""
    summary = selectors.health_summary()
    status = 503 if summary["overall"] == selectors.RED else 200
    if not is_staff_member(request.user):
        return JsonResponse({"status": summary["overall"]}, status=status)
    checks = {name: check["state"] for name, check in summary["checks"].items()}
    workers = {w["hostname"]: w["state"] for w in summary["workers"]}
    return JsonResponse(
        {"status": summary["overall"], "checks": checks, "workers": workers, "version": summary["version"]},
        status=status,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
