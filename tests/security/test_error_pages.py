"""With DEBUG off, 403/404/500 are the styled templates and no traceback reaches the user (H3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.security.urls_errors import SECRET_MARKER

LEAKS = [b"Traceback", b"RuntimeError", SECRET_MARKER.encode(), b"settings.py", b"Request Method", b"URLconf"]


@pytest.fixture
def production_debug(settings: Any) -> None:
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


@pytest.mark.urls("tests.security.urls_errors")
def test_500_is_the_styled_page_without_traceback(demo: Any, production_debug: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(demo.staff_infodev)
    response = client.get("/test-only/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"bootstrap" in response.content  # the styled template, not Django's bare "Server Error"
    for leak in LEAKS:
        assert leak not in response.content, leak


def test_404_is_the_styled_page(demo: Any, production_debug: None) -> None:
    response = demo.client("staff_infodev").get("/intranet/no-such-page/")
    assert response.status_code == 404
    assert b"This page does not exist" in response.content
    assert b'id="main"' in response.content  # rendered in the site layout
    for leak in LEAKS:
        assert leak not in response.content, leak


def test_403_is_the_styled_page(demo: Any, production_debug: None) -> None:
    response = demo.client("client_a").get("/intranet/health/")
    assert response.status_code == 403
    assert b"You may not open this page" in response.content
    for leak in LEAKS:
        assert leak not in response.content, leak
