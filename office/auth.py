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

    def get_user(self, user_id: Any) -> Any:
        """The session's user with their profile, office, unit, position and client account, in
        one prepared query (office.access.user_with_identity) instead of one for the user and one
        for the rest on every signed-in request."""
        from office.access import user_with_identity

        user = user_with_identity(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
