"""Permission-matrix entries for the office project: org-structure pages, public site, auth, i18n.

Format: see the docstring of tests/permissions/test_url_matrix.py. Keep entries grouped by
URL module and in the order of the urls.py they come from.
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect, logged_in


def _reset_link_of_client_b(demo: Any) -> dict[str, str]:
    """A well-formed but wrong token: the confirm page says the link is invalid (200) to everyone."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return {"uidb64": urlsafe_base64_encode(force_bytes(demo.client_b.pk)), "token": "cfy0cm-0123456789abcdef0123"}


EXPECTATIONS = [
    # --- office.urls (root) --------------------------------------------------------------
    Entry(
        "health_live",
        get=everyone(200),
        post=everyone(405),
        note="JSON; anonymous callers only get the overall state (tests/security)",
    ),
    Entry(
        "set_language",
        # GET only redirects back (Django: "without changing any state"); POST sets the cookie.
        get=everyone(Redirect("/intranet/")),
        post=everyone(Redirect("/intranet/")),
        query="next=/intranet/",
        data=lambda demo: {"language": "zh-hans", "next": "/intranet/"},
    ),
    # --- marketing.urls --------------------------------------------------------------------
    # Read-only pages below take no POST argument; their views do not restrict the method yet
    # (a POST renders the page), so POST is not declared for them.
    Entry("marketing:home", get=everyone(200)),
    # --- office.routes (/intranet/) ---------------------------------------------------------
    Entry(
        "office:home",
        get=logged_in(200),  # staff: intranet home; client: the client desk
    ),
    Entry(
        "office:health",
        get=expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=403),
    ),
    # --- auth (/accounts/) ------------------------------------------------------------------
    Entry(
        "login",
        # redirect_authenticated_user: a logged-in user is sent on to the intranet home.
        get=everyone(Redirect("office:home"), anon=200),
        post=everyone(Redirect("office:home"), anon=200),  # empty form -> 200 with errors
    ),
    Entry(
        "logout",
        get=everyone(405),  # Django 5: logout is POST only
        post=everyone(Redirect("login")),
    ),
    Entry("password_change", get=logged_in(200), post=logged_in(200)),  # empty form -> errors
    Entry("password_change_done", get=logged_in(200)),
    Entry(
        "password_reset",
        get=everyone(200),
        post=everyone(Redirect("password_reset_done")),
        data=lambda demo: {"email": "nobody@example.invalid"},
    ),
    Entry("password_reset_done", get=everyone(200)),
    Entry("password_reset_confirm", kwargs=_reset_link_of_client_b, get=everyone(200)),
    Entry("password_reset_complete", get=everyone(200)),
]
