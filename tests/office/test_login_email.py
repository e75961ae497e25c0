"""The login takes the e-mail address as well as the user name (issue 20: the client profile
says the address is the login)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", ["ada@example.org", "ADA@Example.org", "ada_client"])
def test_logs_in_with_the_address_or_the_name(client, login):
    factories.client_user("ada_client", password="pw-Correct-9", email="ada@example.org")
    response = client.post(reverse("login"), {"username": login, "password": "pw-Correct-9"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_a_wrong_password_or_unknown_address_is_refused(client):
    factories.client_user("ada_client", password="pw-Correct-9", email="ada@example.org")
    for login, password in [("ada@example.org", "wrong"), ("nobody@example.org", "pw-Correct-9")]:
        response = client.post(reverse("login"), {"username": login, "password": password})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
