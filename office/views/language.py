"""A person's own language: the switcher and the profile pages store it, log-in brings it back.

`language_switch` answers `/i18n/setlang/` (Django's `set_language`: the cookie and the
redirect) and, for a signed-in person, stores `Preference.language` — the language their
notifications, e-mails and PDFs are rendered in (office/texts.py). On log-in the stored
preference becomes the page language at once: the `user_logged_in` receiver activates it and
`PreferredLanguageMiddleware` sets the language cookie on that response (no query on any
other request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from office import audit

KNOWN = {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def language_choose(*, user: Any, language: str) -> bool:
    """Store `user`'s language (one of settings.LANGUAGES); returns whether it changed."""
    from office.models import Preference

    if language not in KNOWN or not getattr(user, "pk", None):
        return False
    preference, _created = Preference.objects.select_for_update().get_or_create(user_id=user.pk)
    if preference.language == language:
        return False
    previous = preference.language
    preference.language = language
    preference.save(update_fields=["language"])
    audit.record(actor=user, target=None, verb="office.preference.language_set", data={"language": language,
                 "previous": previous})  # fmt: skip
    return True


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    if request.user.is_authenticated and response.status_code in (200, 302):
        language_choose(user=request.user, language=request.POST.get("language", ""))
    return response


def stored_language(user: Any) -> str:
    from office.models import Preference

    return Preference.objects.filter(user_id=user.pk).values_list("language", flat=True).first() or ""


@receiver(user_logged_in, dispatch_uid="office.views.language.logged_in")
def logged_in(sender: Any, request: HttpRequest | None, user: Any, **_kwargs: Any) -> None:
    """The stored language becomes the page language from this response on."""
    if request is None:
        return
    code = stored_language(user)
    if code in KNOWN:
        translation.activate(code)
        request.LANGUAGE_CODE = code
        request.preferred_language = code  # type: ignore[attr-defined]


class PreferredLanguageMiddleware:
    """Sets the language cookie on the response to a log-in that brought back a stored language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        code = getattr(request, "preferred_language", None)
        if code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
