"""Test-only URLconf: the real site plus a view that raises (for the 500 page)."""

from django.urls import path

from office.urls import handler403, handler404, handler500  # noqa: F401  (the handlers under test)
from office.urls import urlpatterns as site_patterns

SECRET_MARKER = "boom-secret-4c1e"


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError(f"exploded with {SECRET_MARKER}")


urlpatterns = [
    path("test-only/boom/", boom, name="test_boom"),
    *site_patterns,  # i18n_patterns cannot be include()d, so the site's own list is spread here
]
