"""Signed-in pages from the cache while nothing they show has changed (office/page_cache.py) and
the per-app data versions that say so (office/data_versions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from office import data_versions
from office.models import Announcement, Organization
from services.models import OrderMessage, ServiceOrder
from tests.procurement.conftest import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings: Any, request: pytest.FixtureRequest) -> None:
    settings.PAGE_CACHE_SECONDS = 30
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")
    _setup_committed()


def _setup_committed() -> None:
    """The setup (the demo seed, when a test process seeds it) wrote inside the test's
    transaction, which never commits: its data-version bumps wait in run_on_commit, and an app
    bumps once per transaction, so a later write to the same app in the test would not bump
    again. Run them now, as the setup's own commit would have (requests commit each their own)."""
    waiting = [entry for entry in connection.run_on_commit if isinstance(entry[1], data_versions._Bump)]
    connection.run_on_commit = [entry for entry in connection.run_on_commit if entry not in waiting]
    for _sids, bump, _robust in waiting:
        bump()


def _get(client: Any, url: str, **headers: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def _served_twice(client: Any, url: str) -> None:
    """The browser's first page sets its CSRF cookie (not stored); the second is stored."""
    client.get(url)
    client.get(url)


# --- data versions ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_write_gives_its_app_a_new_version_at_once_and_again_after_commit():
    before = data_versions.versions(["office", "procurement"])
    with transaction.atomic():
        office = Organization.objects.create(code="versioned", name="Versioned")
        at_once = data_versions.versions(["office", "procurement"])
        Organization.objects.filter(pk=office.pk).update(name="Renamed")
        assert data_versions.versions(["office"]) == at_once[:1]  # the second write waits for the commit
    assert at_once[0] != before[0] and at_once[1] == before[1]
    assert data_versions.versions(["office"]) != at_once[:1]
    Organization.objects.filter(pk=office.pk).update(name="Renamed again")  # autocommit: at once
    assert data_versions.versions(["office"]) != at_once[:1]


@pytest.mark.django_db(transaction=True)
def test_busy_tables_have_areas_of_their_own(django_user_model):
    from office.actions import notify

    user = django_user_model.objects.create_user("reader", password="x" * 12)
    before = data_versions.versions(["office", "notifications"])
    notify(recipient_id=user.pk, verb="test.note", title="Note")
    after = data_versions.versions(["office", "notifications"])
    assert after[0] == before[0] and after[1] != before[1]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_hide_a_later_write():
    office = Organization.objects.create(code="versioned", name="Versioned")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Organization.objects.filter(pk=office.pk).update(name="Gone")
                raise RuntimeError
        except RuntimeError:
            pass
        Organization.objects.filter(pk=office.pk).update(name="Kept")
        waiting = [func for _sids, func, _robust in connection.run_on_commit]
        assert [func.app_label for func in waiting] == ["office"]
        before_commit = data_versions.versions(["office"])
    assert data_versions.versions(["office"]) != before_commit


def test_reads_change_nothing(demo, django_capture_on_commit_callbacks):
    before = data_versions.versions(["office", "procurement"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        list(Organization.objects.all())
    assert callbacks == [] and data_versions.versions(["office", "procurement"]) == before


# --- pages ------------------------------------------------------------------------------------------


def test_a_page_seen_again_comes_from_the_cache(demo, page_cache):
    client = demo.client("staff_infodev")
    url = reverse("office:home")
    _served_twice(client, url)
    response, queries = _get(client, url)
    assert response.status_code == 200 and queries == 1  # the session's user with their identity
    assert "Office intranet" in response.content.decode()


def test_without_the_setting_nothing_is_stored(demo, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = demo.client("staff_infodev")
    url = reverse("office:home")
    _served_twice(client, url)
    assert _get(client, url)[1] > 1


def test_somebody_elses_committed_change_shows_on_the_next_view(demo, page_cache, django_capture_on_commit_callbacks):
    head = demo.client("head_infodev")
    url = reverse("procurement:approvals")
    _served_twice(head, url)
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(demo.staff_infodev, [("BH-1001", 1)])
    response, queries = _get(head, url)
    assert queries > 1 and reverse("procurement:request_detail", kwargs={"pk": request.pk}) in response.content.decode()


def test_an_announcement_shows_at_once(demo, page_cache, django_capture_on_commit_callbacks):
    client = demo.client("staff_infodev")
    url = reverse("office:home")
    _served_twice(client, url)
    home = demo.staff_infodev.staff_profile.organization
    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.create(
            organization=home,
            title="Fire drill at noon",
            body="Text",
            author=demo.director,
            published_at=timezone.now(),
        )
    assert "Fire drill at noon" in client.get(url).content.decode()


def test_an_order_page_is_served_again_but_never_kept_by_the_browser(
    demo, page_cache, django_capture_on_commit_callbacks
):
    """The service order page is `never_cache` for the browser (its back button must not show
    an old payment state), and the server answers it from its own cache until the order, its
    messages or its payment change."""
    order = ServiceOrder.objects.filter(client__user=demo.client_a).order_by("pk").first()
    client = demo.client("client_a")
    url = reverse("services:order_detail", args=[order.pk])
    _served_twice(client, url)
    response, queries = _get(client, url)
    assert response.status_code == 200 and queries == 1
    assert "no-store" in response["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        OrderMessage.objects.create(order=order, author=demo.staff_custsvc, body="Your report is on its way")
    response, queries = _get(client, url)
    assert queries > 1 and "Your report is on its way" in response.content.decode()
    # Another client's request for it is refused, not answered from the first client's copy.
    assert demo.client("client_b").get(url).status_code == 404


def test_one_persons_page_is_never_anothers(demo, page_cache):
    url = reverse("office:home")
    first, second = demo.client("staff_infodev"), demo.client("staff_custsvc")
    _served_twice(first, url)
    _served_twice(second, url)
    mine = first.get(url).content.decode()
    theirs = second.get(url).content.decode()
    assert demo.staff_infodev.staff_profile.display_name in mine
    assert demo.staff_custsvc.staff_profile.display_name in theirs
    assert demo.staff_infodev.staff_profile.display_name not in theirs


def test_own_write_shows_at_once(demo, page_cache):
    """A POST by the user replaces the version of their own counts (TasksCacheMiddleware)."""
    client = demo.client("staff_infodev")
    url = reverse("procurement:request_list")
    _served_twice(client, url)
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert _get(client, url)[1] > 1


def test_a_waiting_message_is_shown_not_a_stored_page(demo, page_cache):
    client = demo.client("staff_infodev")
    url = reverse("office:home")
    _served_twice(client, url)
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode([Message(constants.SUCCESS, "Saved the thing")])
    response, queries = _get(client, url)
    assert "Saved the thing" in response.content.decode() and queries > 1
    # ...and the page with the message was not stored: the next view has none.
    assert "Saved the thing" not in client.get(url).content.decode()


def test_htmx_fragments_and_browsers_without_a_csrf_cookie_are_not_served_from_the_cache(demo, page_cache):
    client = demo.client("staff_infodev")
    url = reverse("procurement:request_list")
    _served_twice(client, url)
    assert _get(client, url, HTTP_HX_REQUEST="true")[1] > 1
    client.cookies.pop("csrftoken")
    assert _get(client, url)[1] > 1


def test_each_address_is_its_own_page(demo, page_cache):
    client = demo.client("staff_infodev")
    url = reverse("procurement:request_list")
    _served_twice(client, url)
    assert _get(client, url + "?status=draft")[1] > 1


DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",  # raises, unlike office.cache
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_a_dead_cache_fails_no_write_and_no_page(demo, page_cache, settings):
    from django.test import override_settings

    client = demo.client("staff_infodev")
    url = reverse("office:home")
    _served_twice(client, url)
    with override_settings(CACHES=DEAD_CACHE):
        with transaction.atomic():
            Organization.objects.filter(is_home=True).update(city="Elsewhere")  # bumps: the cache refuses
        assert data_versions.versions(["office"]) is None
    assert Organization.objects.get(is_home=True).city == "Elsewhere"
