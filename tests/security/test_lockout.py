"""Login lockout with django-axes (RELIABILITY.md §1.7, A1-A3).

pytest-env turns axes off for the rest of the suite (AXES_ENABLED=false); these tests turn it
on through the `settings` fixture, and the first test proves axes reads that switch at run
time (otherwise every other test here would pass or fail for the wrong reason).
"""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

OFFICE_IP = "10.1.1.1"
OTHER_IP = "10.2.2.2"


@pytest.fixture
def axes_on(settings: Any) -> int:
    settings.AXES_ENABLED = True
    AccessAttempt.objects.all().delete()
    return settings.AXES_FAILURE_LIMIT


def _login(username: str, password: str, ip: str = OFFICE_IP) -> Any:
    return Client(REMOTE_ADDR=ip).post(reverse("login"), {"username": username, "password": password})


def _logged_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("office:home")


def _fail(username: str, times: int, ip: str = OFFICE_IP) -> list[int]:
    return [_login(username, "wrong-password", ip).status_code for _ in range(times)]


def test_axes_honours_the_runtime_switch(demo: Any, settings: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    settings.AXES_ENABLED = False
    assert _fail("staff_infodev", limit + 2) == [200] * (limit + 2)
    assert _logged_in(_login("staff_infodev", settings.DEMO_PASSWORD))
    assert not AccessAttempt.objects.exists()

    settings.AXES_ENABLED = True
    assert _fail("staff_infodev", limit)[-1] == 429
    assert AccessAttempt.objects.filter(username="staff_infodev").exists()


def test_limit_locks_username_and_ip_even_with_the_right_password(demo: Any, settings: Any, axes_on: int) -> None:
    codes = _fail("staff_infodev", axes_on)
    assert codes == [200] * (axes_on - 1) + [429], "locks at the Nth failure, not before"
    locked = _login("staff_infodev", settings.DEMO_PASSWORD)
    assert locked.status_code == 429
    # Still locked on the next try, and the lockout page is the styled template.
    again = _login("staff_infodev", settings.DEMO_PASSWORD)
    assert again.status_code == 429
    assert b"<html" in again.content and b"Traceback" not in again.content


def test_other_user_on_the_same_ip_still_logs_in(demo: Any, settings: Any, axes_on: int) -> None:
    _fail("staff_infodev", axes_on)
    assert _login("staff_infodev", settings.DEMO_PASSWORD).status_code == 429
    assert _logged_in(_login("head_infodev", settings.DEMO_PASSWORD))  # same office proxy IP


def test_locked_user_can_still_log_in_from_another_ip(demo: Any, settings: Any, axes_on: int) -> None:
    _fail("staff_infodev", axes_on)
    assert _login("staff_infodev", settings.DEMO_PASSWORD).status_code == 429
    assert _logged_in(_login("staff_infodev", settings.DEMO_PASSWORD, ip=OTHER_IP))


def test_success_resets_the_failure_count(demo: Any, settings: Any, axes_on: int) -> None:
    assert _fail("staff_infodev", axes_on - 1) == [200] * (axes_on - 1)
    assert _logged_in(_login("staff_infodev", settings.DEMO_PASSWORD))
    # Had the counter survived, the first of these would lock the account.
    assert _fail("staff_infodev", axes_on - 1) == [200] * (axes_on - 1)
    assert _logged_in(_login("staff_infodev", settings.DEMO_PASSWORD))
