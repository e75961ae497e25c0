"""The public site. The marketing issue grows it into the full showcase; for now the
landing page presents the home office and its departments to visitors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from office.models import Department, Organization


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    office = Organization.objects.filter(is_home=True).first()
    departments = (
        Department.objects.filter(organization=office, parent__isnull=True).prefetch_related("children")
        if office
        else []
    )
    members = Organization.objects.filter(is_active=True, is_home=False)
    return render(request, "marketing/home.html", {"office": office, "departments": departments, "members": members})
