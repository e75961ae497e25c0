"""The site's URLconf plus /bench/bare/, the bench's bare Django page: a view returning a small
constant HTML response through the whole middleware stack (sessions, locale, CSRF, auth,
security headers, axes...), with no template, no cache and no database query."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from office.urls import handler403, handler404, handler500
from office.urls import urlpatterns as site_urlpatterns

BARE = b"<!doctype html><html lang='en'><head><title>Bare</title></head><body><p>Bare Django page.</p></body></html>"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE)


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
