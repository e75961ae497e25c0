"""Security headers Django 5.2 does not set itself, and the refusal of NUL bytes in URLs."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader

# Everything the pages load comes from our own origin (see settings.STATICFILES_DIRS).
# Stripe.js is the one outside script, allowed only when the Stripe backend is on.
CSP = (
    "default-src 'self'; script-src 'self'{stripe}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'{stripe_connect}; frame-src 'self'{stripe_frames}; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        stripe = settings.PAYMENTS_BACKEND == "stripe"
        self.csp = CSP.format(
            stripe=" https://js.stripe.com" if stripe else "",
            stripe_connect=" https://api.stripe.com" if stripe else "",
            # Stripe.js shows 3-D Secure challenges in frames served from hooks.stripe.com.
            stripe_frames=" https://js.stripe.com https://hooks.stripe.com" if stripe else "",
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        # Pages behind a login hold internal or personal data: never cache them anywhere.
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response


class TasksCacheMiddleware:
    """After a write by a signed-in user (any POST, PUT, PATCH or DELETE), drop their cached
    "my tasks" counts and unread count (office/inbox.py): whoever acts sees the new counts on
    the next page. The action has committed by the time the response comes back here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                from office import inbox

                inbox.invalidate(user.pk)
        return response


def handles_nul_itself(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that answers NUL in its arguments in its own protocol (an SRU diagnostic,
    an OAI-PMH badArgument): RejectNulMiddleware lets its requests through."""
    view.handles_nul_itself = True  # type: ignore[attr-defined]
    return view


class RejectNulMiddleware:
    """A NUL byte in the path or the query string is a 400 page for every view.

    PostgreSQL text cannot hold NUL: a search for `author=x%00y` reached the database and
    raised ValueError (a 500 that anyone could cause without logging in). No legitimate link
    carries one, so the request is refused here, once, instead of in every view that reads
    request.GET. Form fields refuse NUL in POST data themselves (Django's
    ProhibitNullCharactersValidator). Views marked with `handles_nul_itself` (SRU, OAI-PMH)
    answer in their protocol instead of with an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if getattr(view, "handles_nul_itself", False) or not _has_nul(request):
            return None
        return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists())
