"""A person's notifications: the list, and marking one or all read."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from office import actions, selectors
from office.keyset import keyset_page
from office.views.common import PAGE_SIZE
from office.views_support import run_action


class NotificationListView(LoginRequiredMixin, TemplateView):
    """Every signed-in user's own notifications (clients receive them too), newest first,
    in keyset pages (a year of them: no COUNT, no OFFSET)."""

    template_name = "office/notification_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = keyset_page(selectors.notification_list(user=self.request.user), self.request.GET, PAGE_SIZE)
        return super().get_context_data(page_obj=page, notifications=page.object_list, **kwargs)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; htmx gets the updated row back, a plain form a redirect."""
    notification = get_object_or_404(selectors.notification_list(user=request.user), pk=pk)

    def row(result: int) -> dict[str, Any]:
        notifications = selectors.notification_list(user=request.user)
        return {"n": notifications.get(pk=pk), "oob_unread": True, "unread_count": notifications.unread().count()}

    return run_action(
        request,
        None,
        lambda data: actions.notification_mark_read(user=request.user, notification_id=notification.pk),
        success=None,  # the row shows it read
        redirect_to=_safe_next(request, reverse("office:notification_list")),
        fragment="office/_notification_row.html",
        fragment_context=row,
    )


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    return run_action(
        request,
        None,
        lambda data: actions.notification_mark_read(user=request.user),
        success=lambda count: (
            ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count) % {"n": count}
        ),
        redirect_to=_safe_next(request, reverse("office:notification_list")),
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default
