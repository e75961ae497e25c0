"""Small helpers the office views share: the page size, a paginated page, the viewer's office."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from office.access import staff_profile
from office.models import Organization

PAGE_SIZE = 25


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def my_office(request: HttpRequest) -> Organization:
    # Only reached behind a staff guard, so the profile exists.
    profile = staff_profile(request.user)
    assert profile is not None
    return profile.organization
