"""The anonymous service catalogue from the cache (issue 18 item 2, services/public_cache.py):
a warm page costs no query, a matching ETag gets a 304, an edit shows at once, signed-in
people and each language get their own page, and the header's CSRF token is the visitor's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from services import public_cache
from services.models import Offering

pytestmark = pytest.mark.django_db

LIST = reverse("services:offering_list")


def _detail(code: str = "novelty-search") -> str:
    return reverse("services:offering_detail", args=[code])


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', html)) | set(
        re.findall(r'"X-CSRFToken": "([A-Za-z0-9]{64})"', html)
    )


def test_a_warm_anonymous_page_costs_no_query(demo: Any, django_assert_num_queries: Any) -> None:
    for url in (LIST, f"{LIST}?kind=novelty", _detail()):
        cold = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert cold.status_code == 200 and cold["ETag"].startswith('W/"')
        with django_assert_num_queries(0):
            warm = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert warm.status_code == 200 and warm["ETag"] == cold["ETag"]
        assert warm["Last-Modified"] == cold["Last-Modified"]
        assert "private" in warm["Cache-Control"] and "Cookie" in warm["Vary"]
        assert b"Novelty search" in warm.content


def test_a_matching_etag_gets_a_304(demo: Any, django_assert_num_queries: Any) -> None:
    first = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(0):
        again = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    other = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH='W/"something-else"')
    assert other.status_code == 200
    since = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_each_visitor_gets_their_own_csrf_token_and_it_works(demo: Any) -> None:
    visitor = Client(enforce_csrf_checks=True)
    Client().get(LIST, HTTP_ACCEPT_LANGUAGE="en")  # someone else warms the cache
    page = visitor.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert public_cache.TOKEN_PLACEHOLDER.decode() not in html
    secret = visitor.cookies["csrftoken"].value
    tokens = _tokens(html)
    assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
    # The language switcher in the cached page posts with the visitor's token.
    switched = visitor.post(
        reverse("set_language"),
        {"language": "zh-hans", "csrfmiddlewaretoken": tokens.pop()},
        HTTP_REFERER="http://testserver" + LIST,
    )
    assert switched.status_code == 302


def test_an_edit_shows_at_once(demo: Any, django_capture_on_commit_callbacks: Any) -> None:
    before = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en")
    listed = Client().get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert b"Novelty search" in before.content and b"Novelty search" in listed.content
    offering = Offering.objects.get(code="novelty-search")
    head = demo.client("head_infodev")
    form = {
        "code": offering.code, "kind": offering.kind, "name": "Novelty search plus",
        "description": offering.description, "department": offering.department_id, "pricing": offering.pricing,
        "price": "" if offering.price_minor is None else f"{offering.price_minor / 100:.2f}",
        "currency": offering.currency, "turnaround_days": offering.turnaround_days,
        "delivery_channels": offering.delivery_channels, "is_active": "on", "sort_order": offering.sort_order,
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(reverse("services:offering_edit", args=[offering.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and b"Novelty search plus" in after.content
    assert b"Novelty search plus" in Client().get(LIST, HTTP_ACCEPT_LANGUAGE="en").content

    # Retired: gone from the list and its page at once.
    form.pop("is_active")
    with django_capture_on_commit_callbacks(execute=True):
        head.post(reverse("services:offering_edit", args=[offering.pk]), form)
    assert Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en").status_code == 404
    assert b"Novelty search plus" not in Client().get(LIST, HTTP_ACCEPT_LANGUAGE="en").content


def test_signed_in_pages_are_not_cached(demo: Any) -> None:
    Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en")  # an anonymous page in the cache
    client = demo.client("client_a")
    page = client.get(_detail(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "ETag" not in page
    assert b'id="order-button"' in page.content or b'id="subscribe-button"' in page.content
    # And what a signed-in person saw is not served to the next anonymous visitor.
    anonymous = Client().get(_detail(), HTTP_ACCEPT_LANGUAGE="en")
    assert b'id="order-button"' not in anonymous.content and b"Register" in anonymous.content
    head = demo.client("head_infodev").get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert "ETag" not in head and reverse("services:offering_manage").encode() in head.content


def test_languages_are_kept_apart(demo: Any) -> None:
    english = Client().get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    chinese = Client().get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    again = Client().get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english["ETag"] != chinese["ETag"] == again["ETag"]
    assert "信息服务" in chinese.content.decode() and "信息服务" not in english.content.decode()
    assert "Accept-Language" in chinese["Vary"]


def test_other_queries_and_waiting_messages_are_rendered_fresh(demo: Any) -> None:
    for url in (f"{LIST}?kind=nonsense", f"{LIST}?utm_source=mail", f"{_detail()}?x=1"):
        response = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and "ETag" not in response, url
    visitor = Client()
    visitor.cookies["messages"] = "anything"
    assert "ETag" not in visitor.get(LIST, HTTP_ACCEPT_LANGUAGE="en")
    assert Client().get(_detail("no-such-service"), HTTP_ACCEPT_LANGUAGE="en").status_code == 404


def test_a_dead_cache_still_serves_the_page(demo: Any, settings: Any) -> None:
    """Redis refusing connections (office/cache.py answers as a miss, then backs off)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "office.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    for _ in range(2):
        response = Client().get(LIST, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and b"Novelty search" in response.content
        assert _tokens(response.content.decode())  # the visitor's token, not the placeholder
