"""Announcements: list, detail, publish and edit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from office import actions, forms, permissions, selectors
from office.access import StaffRequiredMixin, staff_required
from office.models import Announcement
from office.views.common import my_office
from office.views_support import run_action


class AnnouncementListView(StaffRequiredMixin, ListView):
    template_name = "office/announcement_list.html"
    context_object_name = "announcements"
    paginate_by = 10

    def get_queryset(self) -> QuerySet[Announcement]:
        return selectors.announcement_list(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_post=permissions.can_post_any_announcement(self.request.user), **kwargs)


class AnnouncementDetailView(StaffRequiredMixin, DetailView):
    template_name = "office/announcement_detail.html"
    context_object_name = "announcement"

    def get_queryset(self) -> QuerySet[Announcement]:
        return selectors.announcement_detail_queryset(user=self.request.user)

    def get_object(self, queryset: QuerySet[Announcement] | None = None) -> Announcement:
        announcement = super().get_object(queryset)
        # Scheduled or expired announcements are visible only to those who may edit them.
        now = timezone.now()
        is_current = announcement.published_at <= now and (
            announcement.expires_at is None or announcement.expires_at > now
        )
        if not is_current and not permissions.can_edit_announcement(self.request.user, announcement):
            raise Http404
        return announcement

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            can_edit=permissions.can_edit_announcement(self.request.user, self.object), **kwargs
        )


def _publish(
    request: HttpRequest, form: forms.AnnouncementForm, announcement: Announcement | None, success: str
) -> HttpResponse:
    context = {"form": form, "announcement": announcement}
    if request.method != "POST":
        return render(request, "office/announcement_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.announcement_publish(announcement=form.instance, actor=request.user),
        success=success,
        redirect_to=lambda published: ("office:announcement_detail", published.pk),
        template="office/announcement_form.html",
        template_context=context,
    )


@staff_required
def announcement_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_post_any_announcement(request.user):
        raise PermissionDenied
    office = my_office(request)
    form = forms.AnnouncementForm(
        request.POST or None,
        user=request.user,
        organization=office,
        instance=Announcement(organization=office, author=request.user),
    )
    return _publish(request, form, None, _("The announcement was published."))


@staff_required
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(selectors.announcement_detail_queryset(user=request.user), pk=pk)
    if not permissions.can_edit_announcement(request.user, announcement):
        raise PermissionDenied
    form = forms.AnnouncementForm(
        request.POST or None, user=request.user, organization=announcement.organization, instance=announcement
    )
    return _publish(request, form, announcement, _("The announcement was saved."))
