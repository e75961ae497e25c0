"""Password reset (RELIABILITY.md §3.10 R1, R4-R6): links from SITE_URL, single use, no enumeration."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

SITE = "https://intranet.office.example"
LINK = re.compile(r"(https?://[^\s/]+)(/accounts/password/reset/[^\s]+/[^\s]+/)")


@pytest.fixture
def site_url(settings: Any) -> str:
    settings.SITE_URL = SITE
    return SITE


def _request_reset(email: str, **extra: Any) -> Any:
    return Client().post(reverse("password_reset"), {"email": email}, **extra)


def _reset_link() -> tuple[str, str]:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    match = LINK.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1), match.group(2)


def test_link_uses_site_url_not_the_request_host(demo: Any, site_url: str) -> None:
    response = _request_reset(demo.client_a.email, HTTP_HOST="localhost", HTTP_X_FORWARDED_HOST="evil.example")
    assert response.status_code == 302
    origin, _path = _reset_link()
    assert origin == SITE
    assert "evil.example" not in mail.outbox[0].body
    assert "localhost" not in mail.outbox[0].body


def test_poisoned_host_header_is_refused(demo: Any, site_url: str) -> None:
    response = _request_reset(demo.client_a.email, HTTP_HOST="evil.example")
    assert response.status_code == 400  # DisallowedHost
    assert mail.outbox == []


def test_known_and_unknown_email_get_the_same_response(demo: Any) -> None:
    known = _request_reset(demo.client_a.email)
    assert len(mail.outbox) == 1
    unknown = _request_reset("nobody-here@example.invalid")
    assert len(mail.outbox) == 1  # nothing sent for the unknown address
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    done = Client().get(known["Location"])
    assert done.status_code == 200


def test_link_works_once(demo: Any, site_url: str) -> None:
    _request_reset(demo.client_a.email)
    _origin, path = _reset_link()
    client = Client()
    first = client.get(path)
    assert first.status_code == 302  # token moved into the session, out of the URL
    set_password_url = first["Location"]
    assert "set-password" in set_password_url
    new_password = "a-new-long-passphrase-2026"
    done = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    demo.client_a.refresh_from_db()
    assert demo.client_a.check_password(new_password)

    # The same link again, in a fresh browser and in the same one: dead.
    for again in (Client().get(path, follow=True), client.get(path, follow=True)):
        assert again.status_code == 200
        assert again.context["validlink"] is False
        assert b"new_password1" not in again.content


def test_token_of_one_user_does_not_open_another_account(demo: Any) -> None:
    _request_reset(demo.client_a.email)
    _origin, path = _reset_link()
    parts = path.strip("/").split("/")
    uid_a, token = parts[-2], parts[-1]
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid_b = urlsafe_base64_encode(force_bytes(demo.client_b.pk))
    assert uid_b != uid_a
    response = Client().get(reverse("password_reset_confirm", kwargs={"uidb64": uid_b, "token": token}), follow=True)
    assert response.context["validlink"] is False
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    response = Client().get(reverse("password_reset_confirm", kwargs={"uidb64": uid_a, "token": tampered}), follow=True)
    assert response.context["validlink"] is False
