"""Client self-registration and password reset (issue 17 item 7): racing sign-ups meet unique
indexes and get the ordinary answer, never a 500 or a second account; the page answers the same
whether an address or user name exists (only the address's owner is told, by e-mail); both
pages are rate-limited per IP and per address, and a dead cache limits nothing but breaks nothing."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client, override_settings
from django.urls import reverse

from office.models import ClientAccount

User = get_user_model()
REGISTER = "/services/register/"
RESET = "/accounts/password/reset/"
PASSWORD = "a-long-enough-passphrase-42"
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL")


def _form(username: str, email: str, **extra: str) -> dict[str, str]:
    return {
        "username": username,
        "email": email,
        "password": PASSWORD,
        "kind": "person",
        "display_name": "New Client",
        **extra,
    }


def _client(ip: str = "198.51.100.7") -> Client:
    return Client(raise_request_exception=False, REMOTE_ADDR=ip)


def _in_parallel(posts: list[tuple[Client, dict[str, str]]]) -> list[Any]:
    barrier = threading.Barrier(len(posts))
    results: list[Any] = [None] * len(posts)

    def runner(i: int, client: Client, data: dict[str, str]) -> None:
        try:
            barrier.wait()
            results[i] = client.post(REGISTER, data)
        except Exception as exc:  # noqa: BLE001 (the test inspects what each thread got)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, c, d)) for i, (c, d) in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _registered_page(response: Any) -> bool:
    return response.status_code == 200 and "services/client_registered.html" in [t.name for t in response.templates]


# --- races ------------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_with_one_user_name_make_one_account_and_no_500(demo: Any) -> None:
    posts = [(_client(f"203.0.113.{n}"), _form("racer", f"racer{n}@example.com")) for n in range(20)]
    responses = _in_parallel(posts)
    assert [getattr(r, "status_code", r) for r in responses] == [200] * 20
    assert all(_registered_page(r) for r in responses)
    assert User.objects.filter(username__iexact="racer").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_with_one_address_make_one_account(demo: Any, monkeypatch: Any) -> None:
    from office import ratelimit

    # All twenty race to the database, none is held back by the per-address mail limit.
    monkeypatch.setitem(ratelimit.LIMITS, "registration", ratelimit.Limit(per_ip=100, per_address=100, window=60))
    addresses = ["same.person@example.com", "Same.Person@example.com"]
    posts = [(_client(f"203.0.113.{n}"), _form(f"same{n}", addresses[n % 2])) for n in range(20)]
    responses = _in_parallel(posts)
    assert [getattr(r, "status_code", r) for r in responses] == [200] * 20
    assert User.objects.filter(email__iexact="same.person@example.com").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_account_with_one_address_in_any_case(demo: Any) -> None:
    User.objects.create_user("first", "Twice@Example.com", PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("second", "twice@example.com", PASSWORD)
    # Accounts without an address (service and test accounts) are not affected.
    User.objects.create_user("no_address_1", "", PASSWORD)
    User.objects.create_user("no_address_2", "", PASSWORD)


@pytest.mark.django_db
def test_the_database_refuses_user_names_differing_only_in_case(demo: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("CLIENT_A", "another@example.com", PASSWORD)


# --- nothing told to the page -----------------------------------------------------------------------


def _page_text(response: Any, email: str) -> str:
    text = response.content.decode().replace(email, "EMAIL")
    return re.sub(r"[A-Za-z0-9]{64}", "CSRF-TOKEN", text)  # masked afresh on every page


@pytest.mark.django_db
def test_the_page_answers_the_same_whether_the_address_or_name_exists(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    accounts = ClientAccount.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = _client().post(REGISTER, _form("brand_new", "brand.new@example.com"))
        address_taken = _client("198.51.100.8").post(REGISTER, _form("someone_else", "CLIENT.A@example.com"))
        name_taken = _client("198.51.100.9").post(REGISTER, _form("Client_A", "fresh@example.com"))
    for response in (new, address_taken, name_taken):
        assert _registered_page(response)
        assert b"exists" not in response.content and b"taken" not in response.content
    assert _page_text(new, "brand.new@example.com") == _page_text(address_taken, "CLIENT.A@example.com")
    assert _page_text(new, "brand.new@example.com") == _page_text(name_taken, "fresh@example.com")
    assert ClientAccount.objects.count() == accounts + 1

    # What happened is told to the owner of the address only.
    by_address = {m.to[0].lower(): m for m in mail.outbox}
    assert set(by_address) == {"brand.new@example.com", "client.a@example.com", "fresh@example.com"}
    assert "/register/confirm/" in by_address["brand.new@example.com"].body
    assert "already" in by_address["client.a@example.com"].body
    assert "/accounts/password/reset/" in by_address["client.a@example.com"].body
    name_mail = by_address["fresh@example.com"].body
    assert "Client_A" in name_mail and "/services/register/" in name_mail


@pytest.mark.django_db
def test_an_invalid_form_still_shows_its_errors(demo: Any) -> None:
    response = _client().post(REGISTER, _form("x y", "not-an-address", password="short"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "email", "password"}


# --- rate limits ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_is_limited_per_ip(demo: Any) -> None:
    from office.ratelimit import LIMITS

    client = _client()
    for n in range(LIMITS["registration"].per_ip):
        assert client.post(REGISTER, _form(f"flood{n}", f"flood{n}@example.com")).status_code == 200
    refused = client.post(REGISTER, _form("flood_last", "flood.last@example.com"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 429
    assert "请求过于频繁".encode() in refused.content
    assert not User.objects.filter(username="flood_last").exists()
    assert _client("198.51.100.99").post(REGISTER, _form("elsewhere", "elsewhere@example.com")).status_code == 200


@pytest.mark.django_db
def test_registration_mails_one_address_a_few_times_only(demo: Any, django_capture_on_commit_callbacks: Any) -> None:
    from office.ratelimit import LIMITS

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            response = _client(f"203.0.113.{n}").post(REGISTER, _form(f"bomb{n}", "victim@example.com"))
            assert _registered_page(response)
    assert len([m for m in mail.outbox if m.to == ["victim@example.com"]]) == LIMITS["registration"].per_address


@pytest.mark.django_db
def test_password_reset_mails_one_address_a_few_times_only(demo: Any) -> None:
    from office.ratelimit import LIMITS

    mail.outbox.clear()
    answers = {
        (r.status_code, r["Location"])
        for r in (_client(f"203.0.113.{n}").post(RESET, {"email": demo.client_a.email}) for n in range(24))
    }
    assert answers == {(302, reverse("password_reset_done"))}  # the same answer every time
    assert len(mail.outbox) == LIMITS["password_reset"].per_address


@pytest.mark.django_db
def test_password_reset_is_limited_per_ip(demo: Any) -> None:
    from office.ratelimit import LIMITS

    client = _client()
    for n in range(LIMITS["password_reset"].per_ip):
        assert client.post(RESET, {"email": f"nobody{n}@example.com"}).status_code == 302
    assert client.post(RESET, {"email": demo.client_a.email}).status_code == 429


DEAD_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.mark.django_db
def test_a_dead_cache_limits_nothing_and_breaks_nothing(demo: Any) -> None:
    mail.outbox.clear()
    with override_settings(CACHES=DEAD_CACHE):
        assert _registered_page(_client().post(REGISTER, _form("cacheless", "cacheless@example.com")))
        assert _client().post(RESET, {"email": demo.client_b.email}).status_code == 302
    assert User.objects.filter(username="cacheless").exists()
    assert len(mail.outbox) == 1  # the reset; the confirmation waits for the commit
