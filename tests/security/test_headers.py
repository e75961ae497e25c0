"""Security headers (RELIABILITY.md §3.11 H1, H4) on public, logged-in and error pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse


def _csp(response: Any) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _sep, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def _assert_common(response: Any) -> None:
    csp = _csp(response)
    assert csp.get("object-src") == "'none'", csp
    assert csp.get("base-uri") == "'none'", csp
    assert csp.get("frame-ancestors") == "'none'", csp
    assert csp.get("default-src") == "'self'", csp
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp.get("script-src", ""), csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin"


@pytest.mark.parametrize(
    ("username", "url_name", "status"),
    [
        (None, "marketing:home", 200),
        (None, "login", 200),
        ("staff_infodev", "office:home", 200),
        ("client_a", "office:home", 200),
        ("director", "office:health", 200),
        ("client_a", "office:health", 403),
    ],
)
def test_security_headers(demo: Any, username: str | None, url_name: str, status: int) -> None:
    response = demo.client(username).get(reverse(url_name))
    assert response.status_code == status
    _assert_common(response)


def test_logged_in_pages_are_never_cached(demo: Any) -> None:
    for username in ("staff_infodev", "client_a", "director"):
        response = demo.client(username).get(reverse("office:home"))
        assert "no-store" in response.headers.get("Cache-Control", ""), username


def test_error_pages_carry_the_headers_too(demo: Any) -> None:
    response = demo.client("staff_infodev").get("/no-such-page/")
    assert response.status_code == 404
    _assert_common(response)
    assert "no-store" in response.headers.get("Cache-Control", "")
