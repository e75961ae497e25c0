"""Forms of the org-structure app (crispy, Bootstrap 5)."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True}))


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset links are built from SITE_URL, never from the request's Host header."""

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from urllib.parse import urlsplit

        from django.conf import settings

        parts = urlsplit(settings.SITE_URL)
        kwargs["domain_override"] = parts.netloc
        kwargs["use_https"] = parts.scheme == "https"
        return super().save(*args, **kwargs)
