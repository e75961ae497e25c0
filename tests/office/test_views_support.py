"""run_action, the helper every POST view ends in: called directly with RequestFactory requests,
on the director's approval-limit change (a real form, action, audit event and fragment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from office.actions import department_approval_limit_set
from office.exceptions import DomainError
from office.models import AuditEvent, Position
from office.views_support import run_action
from procurement.forms import ApprovalLimitForm
from tests.factories import DepartmentFactory, PositionFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

FRAGMENT = "procurement/_approval_limit_row.html"


@pytest.fixture
def unit():
    return DepartmentFactory(approval_limit_minor=800_000)


@pytest.fixture
def director(unit):
    position = PositionFactory(role=Position.Role.DIRECTOR)
    return StaffProfileFactory(department=unit, position=position).user


def _post(user: Any, data: dict[str, str], *, htmx: bool = False) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().post("/anywhere/", data, headers=headers)
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    request.htmx = HtmxDetails(request)
    request.user = user
    return request


def _messages(request: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _set_limit(request: Any, unit: Any, **options: Any) -> Any:
    form = ApprovalLimitForm(request.POST, currency="CNY")
    options.setdefault("success", lambda result: "Limit saved." if result[1] else "The limit is unchanged.")
    options.setdefault("redirect_to", ("office:department_detail", unit.pk))
    return run_action(
        request,
        form,
        lambda data: department_approval_limit_set(
            department_id=unit.pk, actor=request.user, limit_minor=data["limit"]
        ),
        **options,
    )


def _detail(unit: Any) -> str:
    return reverse("office:department_detail", args=[unit.pk])


def _limit_events(unit: Any) -> Any:
    return AuditEvent.objects.filter(verb="procurement.approval_limit.changed", target_id=str(unit.pk))


def _row_context(unit: Any) -> Any:
    return lambda result: {"department": result[0] if result else unit, "form": None, "currency": "CNY"}


def test_success_runs_the_action_queues_the_message_and_redirects(director, unit):
    request = _post(director, {"limit": "12,000"})
    response = _set_limit(request, unit)
    assert response.status_code == 302 and response["Location"] == _detail(unit)
    assert _messages(request) == [("success", "Limit saved.")]
    unit.refresh_from_db()
    assert unit.approval_limit_minor == 1_200_000
    assert _limit_events(unit).get().data == {"old_minor": 800_000, "new_minor": 1_200_000, "currency": "CNY"}


def test_redirect_may_be_a_url_or_a_function_of_the_result(director, unit):
    response = _set_limit(_post(director, {"limit": "1"}), unit, redirect_to="/somewhere/")
    assert response["Location"] == "/somewhere/"
    response = _set_limit(
        _post(director, {"limit": "2"}),
        unit,
        redirect_to=lambda result: ("office:department_detail", result[0].pk),
        failure_redirect_to="/back/",
    )
    assert response["Location"] == _detail(unit)


def test_a_domain_error_becomes_an_error_message_and_changes_nothing(director, unit):
    request = _post(director, {})

    def refuse(data: dict[str, Any]) -> None:
        department_approval_limit_set(department_id=unit.pk, actor=director, limit_minor=-1)

    response = run_action(
        request,
        None,
        refuse,
        success="never shown",
        redirect_to="/done/",
        failure_redirect_to=("office:department_detail", unit.pk),
    )
    assert response.status_code == 302 and response["Location"] == _detail(unit)
    assert _messages(request) == [("error", "An approval limit cannot be negative.")]
    unit.refresh_from_db()
    assert unit.approval_limit_minor == 800_000 and not _limit_events(unit).exists()


def test_an_invalid_form_reports_its_errors_and_never_calls_the_action(director, unit):
    calls = []
    request = _post(director, {"limit": "a lot"})
    response = run_action(
        request,
        ApprovalLimitForm(request.POST),
        calls.append,
        success="never shown",
        redirect_to=("office:department_detail", unit.pk),
    )
    assert response.status_code == 302 and calls == []
    assert _messages(request) == [("error", "Approval limit: Enter an amount such as 1234.50.")]

    request = _post(director, {"limit": ""})
    form = ApprovalLimitForm(request.POST)
    run_action(request, form, calls.append, success="", redirect_to="/", invalid_message="Hm")
    assert _messages(request) == [("error", "Hm")] and calls == []


def test_an_invalid_form_on_its_own_page_comes_back_with_the_errors_at_the_fields(director, unit):
    request = _post(director, {"limit": "12.345"})
    response = _set_limit(
        request,
        unit,
        template="procurement/approval_limits.html",
        template_context=lambda: {"rows": [{"department": unit, "form": form_seen(), "currency": "CNY"}]},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Use at most 2 decimal places." in body and 'aria-invalid="true"' in body
    unit.refresh_from_db()
    assert unit.approval_limit_minor == 800_000 and not _limit_events(unit).exists()


def test_a_refusal_on_a_form_page_comes_back_in_the_form(director, unit):
    request = _post(director, {"limit": "1"})
    form = ApprovalLimitForm(request.POST)

    def refuse(data: dict[str, Any]) -> None:
        raise DomainError("Not this month.")

    response = run_action(
        request,
        form,
        refuse,
        success="",
        redirect_to="/",
        template="procurement/approval_limits.html",
        template_context={"rows": [{"department": unit, "form": form, "currency": "CNY"}]},
        error_field="limit",
    )
    assert response.status_code == 200 and "Not this month." in response.content.decode()
    assert form.errors == {"limit": ["Not this month."]} and _messages(request) == []


def form_seen() -> ApprovalLimitForm:
    form = ApprovalLimitForm({"limit": "12.345"})
    form.is_valid()
    return form


def test_htmx_success_returns_the_fragment_with_the_messages_out_of_band(director, unit):
    request = _post(director, {"limit": "15000"}, htmx=True)
    response = _set_limit(request, unit, fragment=FRAGMENT, fragment_context=_row_context(unit))
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response
    assert body.startswith(f'<tr id="limit-{unit.pk}">') and "¥15,000.00" in body
    messages_area = body[body.index('<div id="messages"') :]
    assert 'hx-swap-oob="true"' in messages_area and "Limit saved." in messages_area
    assert request._messages.used, "shown now, so MessageMiddleware drops it: not again on the next page"


def test_htmx_success_without_a_fragment_asks_htmx_to_redirect(director, unit):
    response = _set_limit(_post(director, {"limit": "1"}, htmx=True), unit)
    assert response.status_code == 200 and response["HX-Redirect"] == _detail(unit)


def test_htmx_domain_error_is_answered_into_the_messages_area(director, unit):
    request = _post(director, {}, htmx=True)

    def refuse(data: dict[str, Any]) -> None:
        raise DomainError("The head has already decided.")

    response = run_action(
        request, None, refuse, success="", redirect_to="/", fragment=FRAGMENT, fragment_context=_row_context(unit)
    )
    body = response.content.decode()
    # 200: htmx ignores the body of a 4xx answer, and a refusal is an answer, not an error.
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#messages" and response["HX-Reswap"] == "outerHTML"
    assert '<div id="messages"' in body and "hx-swap-oob" not in body
    assert "The head has already decided." in body and "alert-danger" in body and "<tr" not in body
    assert request._messages.used


def test_htmx_invalid_form_comes_back_as_messages_or_in_the_fragment_that_shows_the_form(director, unit):
    request = _post(director, {"limit": "-100"}, htmx=True)
    response = _set_limit(request, unit, fragment=FRAGMENT, fragment_context=_row_context(unit))
    assert response.status_code == 200 and response["HX-Retarget"] == "#messages"
    assert "Enter an amount of zero or more." in response.content.decode()

    request = _post(director, {"limit": "-100"}, htmx=True)
    response = _set_limit(request, unit, fragment=FRAGMENT, fragment_context=_row_context(unit), form_in_fragment=True)
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Retarget" not in response
    assert body.startswith(f'<tr id="limit-{unit.pk}">') and 'aria-invalid="true"' in body
    assert "Enter an amount of zero or more." in body
    unit.refresh_from_db()
    assert unit.approval_limit_minor == 800_000 and not _limit_events(unit).exists()


def test_permission_denied_is_left_to_django(unit):
    somebody = StaffProfileFactory(department=unit).user
    with pytest.raises(PermissionDenied):
        _set_limit(_post(somebody, {"limit": "1"}), unit)
    with pytest.raises(PermissionDenied):
        _set_limit(_post(somebody, {"limit": "1"}, htmx=True), unit, fragment=FRAGMENT)


def test_a_redirect_that_needs_the_result_needs_somewhere_to_go_on_failure(director, unit):
    with pytest.raises(TypeError):
        _set_limit(_post(director, {"limit": "1"}), unit, redirect_to=lambda result: "/")


def test_every_page_has_the_messages_area_and_the_script_that_shows_htmx_failures(client, director):
    client.force_login(director)
    page = client.get(reverse("office:home")).content.decode()
    assert '<div id="messages"' in page and "js/htmx-messages.js" in page
    script = (Path(settings.BASE_DIR) / "static" / "js" / "htmx-messages.js").read_text()
    assert '"messages"' in script and "htmx:responseError" in script and "htmx:sendError" in script
    assert 'data-htmx-failed="' in page and 'data-htmx-forbidden="' in page
