"""A 403 is logged as one line, without the PermissionDenied traceback Django attaches
(issue 17 item 8: every refusal wrote a full traceback at WARNING)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_permission_denied_is_logged_as_one_line(demo: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = demo.client("client_a").get(reverse("payments:request_list"))
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING and record.getMessage().startswith("Forbidden")
    assert record.exc_info is None and not record.exc_text
    assert "\n" not in logging.Formatter("%(levelname)s %(name)s %(message)s").format(record)


def test_other_request_errors_keep_their_traceback(demo: Any, caplog: pytest.LogCaptureFixture) -> None:
    from office.log_filters import OneLineForbidden

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Server Error", (), (RuntimeError, exc, None)
        )
    record.status_code = 500
    assert OneLineForbidden().filter(record) and record.exc_info is not None
