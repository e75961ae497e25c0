"""The Django admin (exempt from the URL matrix, checked here): only the superuser gets in.

Anonymous visitors and every non-admin role are sent to the admin login page, for the index
and for every registered model's changelist and add page; the director (superuser) gets 200
on all of them, so a broken ModelAdmin also fails here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.urls import reverse

NON_ADMIN_ROLES = ["client_a", "staff_infodev", "head_infodev", "staff_east"]


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission.__func__ is admin.ModelAdmin.has_add_permission:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


def _assert_sent_to_admin_login(response: Any, url: str) -> None:
    assert response.status_code == 302, (url, response.status_code)
    location = urlsplit(response["Location"])
    assert location.path == reverse("admin:login"), (url, response["Location"])
    assert parse_qs(location.query)["next"] == [url]


@pytest.mark.parametrize("username", [None, *NON_ADMIN_ROLES])
def test_admin_index_sends_non_admins_to_the_admin_login(demo: Any, username: str | None) -> None:
    client = demo.client(username)
    for url in admin_urls():
        _assert_sent_to_admin_login(client.get(url), url)


def test_admin_login_refuses_a_client_with_the_right_password(demo: Any, settings: Any) -> None:
    client = demo.client(None)
    response = client.post(
        reverse("admin:login"), {"username": "client_a", "password": settings.DEMO_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200  # the form again, with "not a staff account"
    assert "_auth_user_id" not in client.session


def test_director_sees_the_admin_and_every_model(demo: Any) -> None:
    assert demo.director.is_superuser
    client = demo.client("director")
    urls = admin_urls()
    assert len(urls) > 10, "the admin should list every model (issue 2 item 5)"
    failures = [(url, r.status_code) for url in urls if (r := client.get(url)).status_code != 200]
    assert not failures
