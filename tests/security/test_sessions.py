"""Sessions (RELIABILITY.md §3.10 S1, S2, S5): fixation, logout, password change."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

HOME = reverse("office:home")


def _form_login(client: Client, username: str) -> Any:
    response = client.post(reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME, "login through the form failed"
    return response


def _is_anonymous(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _client_with_session_key(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def test_login_issues_a_new_session_key(demo: Any) -> None:
    # An attacker plants a session they know (with some data in it) before the victim logs in.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["planted"] = True
    store.create()
    planted = store.session_key
    victim = _client_with_session_key(planted)

    _form_login(victim, "staff_infodev")
    new_key = victim.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted
    assert not Session.objects.filter(session_key=planted).exists()
    assert not _is_anonymous(victim)
    assert _is_anonymous(_client_with_session_key(planted)), "the planted key must not carry the login"


def test_logout_kills_the_session_on_the_server(demo: Any) -> None:
    client = Client()
    _form_login(client, "staff_infodev")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert _is_anonymous(_client_with_session_key(key)), "a copied cookie must not survive logout"


def test_logout_by_get_is_refused(demo: Any) -> None:
    client = Client()
    _form_login(client, "staff_infodev")
    assert client.get(reverse("logout")).status_code == 405
    assert not _is_anonymous(client)


def test_password_change_logs_out_other_sessions_but_keeps_this_one(demo: Any) -> None:
    here, elsewhere = Client(), Client()
    _form_login(here, "staff_infodev")
    _form_login(elsewhere, "staff_infodev")
    new_password = "another-long-passphrase-2026"
    response = here.post(
        reverse("password_change"),
        {"old_password": settings.DEMO_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert not _is_anonymous(here), "the session that changed the password stays logged in"
    assert _is_anonymous(elsewhere), "every other session must be logged out"


def test_session_cookie_flags(demo: Any) -> None:
    client = Client()
    response = _form_login(client, "staff_infodev")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"].lower() in ("lax", "strict")
