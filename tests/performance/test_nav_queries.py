"""Issue 18: the signed-in navigation, when its per-user cache is cold, reads what its entries
ask about the user (sharing agency, cart, selling units, customer-service unit, navigation
units, unread count) in one query (office/nav.py), and shows exactly the menu the apps'
predicates draw when each reads on its own."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import office.context_processors
import office.nav
from office import inbox
from tests.conftest import DEMO_USERNAMES

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _nav(html: str) -> str:
    start = html.index('<nav class="navbar')
    return TOKEN.sub("", html[start : html.index("</nav>", start)])


def _get(client: Any, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_the_cold_navigation_costs_one_query_and_shows_the_same_menu(demo, username):
    client = demo.client(username)
    url = reverse("office:notification_list")
    client.get(url)
    _html, cached = _get(client, url)  # the menu from the per-user cache
    with mock.patch.object(office.context_processors, "nav_cache_ttl", lambda request: 0):
        inbox.invalidate(demo.users[username].pk)  # the unread count read again too
        primed, cold = _get(client, url)
        inbox.invalidate(demo.users[username].pk)
        with mock.patch.object(office.nav, "prime", lambda user: None):
            alone, _queries = _get(client, url)
    assert cold <= cached + 1, username
    assert _nav(primed) == _nav(alone), username
