"""Log in with the user name or the e-mail address (the client profile says the address is
the login). Addresses are unique without regard to case (migration office 0003)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username and "@" in username:
            user_model = get_user_model()
            match = user_model._default_manager.filter(email__iexact=username.strip()).first()
            if match is None:
                user_model().set_password(password)  # the same work as a wrong password
                return None
            username = match.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
