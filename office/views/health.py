"""The health page, the schedule overview, and the monitoring probe."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from office import permissions, schedules, selectors
from office.access import home_staff_required


@require_safe
@home_staff_required
def health(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_health(request.user):
        raise PermissionDenied
    from office import health_text

    summary = selectors.health_summary()
    context = {
        "health": summary,
        "backup_dir": settings.BACKUP_DIR,
        "notes": health_text.health_notes(summary),
        "database_detail": health_text.detail_text(summary["checks"]["database"].get("detail")),
        "broker_detail": health_text.detail_text(summary["checks"]["broker"].get("detail")),
    }
    return render(request, "office/health.html", context)


@require_safe
@home_staff_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    """What beat runs and when it last did (issue 19): for those who see the health page."""
    if not permissions.can_view_health(request.user):
        raise PermissionDenied
    context = {"schedules": schedules.schedule_overview(), "time_zone": settings.TIME_ZONE}
    return render(request, "office/schedule_list.html", context)


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """For monitoring. Anonymous callers learn only the overall state; staff get the details."""
    summary = selectors.health_summary()
    status = 503 if summary["overall"] == selectors.RED else 200
    # Only those who may see the health page learn which part is unwell (and the version).
    if not permissions.can_view_health(request.user):
        return JsonResponse({"status": summary["overall"]}, status=status)
    checks = {name: check["state"] for name, check in summary["checks"].items()}
    workers = {w["hostname"]: w["state"] for w in summary["workers"]}
    queues = {q["name"]: q["state"] for q in summary["queues"]}
    return JsonResponse(
        {
            "status": summary["overall"],
            "checks": checks,
            "workers": workers,
            "queues": queues,
            "version": summary["version"],
        },
        status=status,
    )
