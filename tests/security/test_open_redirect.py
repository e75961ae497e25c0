"""Open redirects (RELIABILITY.md §3.11 H5): ?next= never sends a user off the site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    " https://evil.example/",
]


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return not parts.scheme and not parts.netloc and location.startswith("/") and not location.startswith("//")


@pytest.mark.parametrize("target", EVIL)
def test_login_next_stays_on_site(demo: Any, target: str) -> None:
    response = Client().post(
        reverse("login") + "?next=" + target, {"username": "staff_infodev", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("office:home"), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_login_next_in_the_form_body_stays_on_site(demo: Any, target: str) -> None:
    response = Client().post(
        reverse("login"), {"username": "staff_infodev", "password": settings.DEMO_PASSWORD, "next": target}
    )
    assert response["Location"] == reverse("office:home"), response["Location"]


def test_login_next_on_site_is_honoured(demo: Any) -> None:
    """Control: the redirect does follow a safe ?next=, so the tests above can fail."""
    target = reverse("office:health")
    response = Client().post(
        reverse("login") + "?next=" + target, {"username": "staff_infodev", "password": settings.DEMO_PASSWORD}
    )
    assert response["Location"] == target


@pytest.mark.parametrize("target", EVIL)
def test_logged_in_user_on_login_page_stays_on_site(demo: Any, target: str) -> None:
    response = demo.client("staff_infodev").get(reverse("login") + "?next=" + target)
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_logout_next_stays_on_site(demo: Any, target: str) -> None:
    response = demo.client("staff_infodev").post(reverse("logout") + "?next=" + target)
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_language_switch_next_stays_on_site(demo: Any, target: str) -> None:
    response = demo.client("staff_infodev").post(reverse("set_language"), {"language": "zh-hans", "next": target})
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]
