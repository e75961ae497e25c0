"""Security headers Django 5.2 does not set itself."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
