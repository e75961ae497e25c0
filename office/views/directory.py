"""The staff directory, a person's page, one's own contact details, a department's page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from office import actions, forms, selectors
from office.access import StaffRequiredMixin, staff_profile, staff_required
from office.models import Department, StaffProfile
from office.views.common import PAGE_SIZE
from office.views_support import run_action


class StaffDirectoryView(StaffRequiredMixin, ListView):
    """The office's department tree beside a searchable, paged list of its staff."""

    template_name = "office/staffprofile_list.html"
    context_object_name = "staff"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[StaffProfile]:
        self.form = forms.StaffSearchForm(self.request.GET or None, user=self.request.user)
        search, department = "", None
        if self.form.is_valid():
            search = self.form.cleaned_data["q"]
            department = self.form.cleaned_data["department"]
        self.department = department
        return selectors.staff_list(user=self.request.user, search=search, department=department)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            form=self.form,
            tree=selectors.department_tree(user=self.request.user),
            selected_department=self.department,
            **kwargs,
        )


class StaffDetailView(StaffRequiredMixin, DetailView):
    template_name = "office/staffprofile_detail.html"
    context_object_name = "person"

    def get_queryset(self) -> QuerySet[StaffProfile]:
        return selectors.staff_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            duty_documents=selectors.staff_duty_documents(user=self.request.user, profile=self.object),
            is_me=self.object.user_id == self.request.user.pk,
            **kwargs,
        )


@staff_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """A staff member edits their own contact details (never position, department or office)."""
    profile = staff_profile(request.user)
    assert profile is not None
    form = forms.MyProfileForm(request.POST or None, instance=profile)
    context = {"form": form, "person": profile}
    if request.method != "POST":
        return render(request, "office/staffprofile_form.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.staff_profile_update_contact(
            profile_id=profile.pk, actor=request.user, **{f: data[f] for f in actions.CONTACT_FIELDS}
        ),
        success=_("Your contact details were saved."),
        redirect_to="office:my_profile",
        template="office/staffprofile_form.html",
        template_context=context,
    )


class DepartmentDetailView(StaffRequiredMixin, DetailView):
    template_name = "office/department_detail.html"
    context_object_name = "department"

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.visible_to(self.request.user).select_related("parent", "organization")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **selectors.department_detail(user=self.request.user, department=self.object), **kwargs
        )
