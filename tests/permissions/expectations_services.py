"""Permission-matrix entries for services (services/urls.py, namespace "services").

Format: see the docstring of tests/permissions/test_url_matrix.py. Every order here belongs
to client_a; the providing department is the topic group under information development, so
staff_infodev and head_infodev work on it, the director (leadership) sees every order of the
home office, and staff_east (another office) gets 404 for any order. client_b-vs-client_a
object checks are in tests/services/test_views.py.
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect, logged_in


def _order(state: str, **kw: Any) -> Any:
    def factory(demo: Any) -> dict[str, int]:
        from tests.services.factories import order_in

        return {"pk": order_in(demo, state, **kw).pk}

    return factory


def _novelty(demo: Any) -> dict[str, Any]:
    return {"code": "novelty-search"}


def _novelty_pk(demo: Any) -> dict[str, int]:
    from services.models import Offering

    return {"pk": Offering.objects.get(code="novelty-search").pk}


def _requirement_file(demo: Any) -> dict[str, int]:
    from services import actions
    from services.models import Offering
    from tests.services.factories import pdf_upload

    order = actions.order_create(
        actor=demo.client_a,
        offering_id=Offering.objects.get(code="novelty-search").pk,
        topic="Matrix",
        delivery_channel="download",
        attachments=[pdf_upload("brief.pdf")],
    )
    return {"pk": order.pk, "file_pk": order.files.get().pk}


def _download_link(demo: Any) -> dict[str, int]:
    from services.models import DownloadLink
    from tests.services.factories import order_in

    order = order_in(demo, "delivered")
    return {"pk": DownloadLink.objects.get(file__order=order).pk}


STAFF_ONLY = expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=403)
MANAGERS = expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403)
ORDER_VISIBLE = expect(anon=LOGIN, client=200, staff=200, head=200, director=200, other_office=404)
NO_GET = expect(anon=LOGIN, client=405, staff=405, head=405, director=405, other_office=405)
CLIENT_ONLY_POST = expect(anon=LOGIN, client=302, staff=403, head=403, director=403, other_office=404)

EXPECTATIONS = [
    Entry("services:offering_list", get=everyone(200), post=everyone(405), query="kind=novelty"),
    Entry("services:offering_detail", kwargs=_novelty, get=everyone(200), post=everyone(405)),
    Entry(
        "services:order_create",
        kwargs=_novelty,
        get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        post=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        note="empty form -> 200 with errors",
    ),
    Entry(
        "services:offering_manage",
        get=MANAGERS,
        post=expect(anon=LOGIN, client=403, staff=405, head=405, director=405, other_office=405),
    ),
    Entry("services:offering_create", get=MANAGERS, post=MANAGERS, note="empty form -> 200 with errors"),
    Entry("services:offering_edit", kwargs=_novelty_pk, get=MANAGERS, post=MANAGERS),
    Entry(
        "services:client_register",
        get=logged_in(Redirect("office:home"), anon=200),
        post=logged_in(Redirect("office:home"), anon=200),
        note="empty form -> 200 with errors",
    ),
    Entry(
        "services:client_confirm",
        kwargs=lambda demo: {"token": "not-a-valid-token"},
        get=everyone(200),
        post=everyone(400),
        note="GET only shows the button; a bad token is refused",
    ),
    Entry(
        "services:client_confirm_resend",
        get=expect(anon=LOGIN, client=405, staff=403, head=403, director=403, other_office=403),
        post=expect(
            anon=LOGIN, client=Redirect("services:order_list"), staff=403, head=403, director=403, other_office=403
        ),
    ),  # fmt: skip
    Entry(
        "services:order_list",
        get=expect(anon=LOGIN, client=200, staff=200, head=200, director=200, other_office=403),
        post=expect(anon=LOGIN, client=405, staff=405, head=405, director=405, other_office=405),
        query="status=quoted",
    ),
    Entry("services:order_detail", kwargs=_order("quoted"), get=ORDER_VISIBLE, post=logged_in(405)),
    Entry(
        "services:order_quote",
        kwargs=_order("requested"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=302, head=302, director=302, other_office=404),
        note="empty form: error message, nothing quoted",
    ),
    Entry("services:order_accept", kwargs=_order("quoted"), get=NO_GET, post=CLIENT_ONLY_POST),
    Entry("services:order_decline", kwargs=_order("quoted"), get=NO_GET, post=CLIENT_ONLY_POST),
    Entry(
        "services:order_cancel",
        kwargs=_order("quoted"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=403, head=302, director=302, other_office=404),
    ),
    Entry("services:order_pay", kwargs=_order("accepted"), get=NO_GET, post=CLIENT_ONLY_POST),
    Entry(
        "services:order_refund",
        kwargs=_order("paid"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=302, other_office=404),
        note="empty form: error message, nothing refunded",
    ),
    Entry(
        "services:order_assign",
        kwargs=_order("paid"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
    ),
    Entry(
        "services:order_start",
        kwargs=_order("assigned"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=302, head=403, director=403, other_office=404),
    ),
    Entry(
        "services:order_message",
        kwargs=_order("in_progress"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=302, head=302, director=302, other_office=404),
        note="empty message: error, nothing written",
    ),
    Entry(
        "services:order_file_upload",
        kwargs=_order("in_progress"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=302, head=302, director=302, other_office=404),
        note="no file: error, nothing written",
    ),
    Entry(
        "services:order_file_download",
        kwargs=_requirement_file,
        get=ORDER_VISIBLE,
        post=logged_in(405),
    ),
    Entry(
        "services:order_deliver",
        kwargs=_order("in_progress"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=302, head=302, director=302, other_office=404),
        note="no channel: error, nothing delivered",
    ),
    Entry(
        "services:order_report",
        kwargs=_order("in_progress"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=302, head=302, director=302, other_office=404),
    ),
    Entry(
        "services:order_confirm",
        kwargs=_order("delivered"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=403, head=403, director=403, other_office=404),
        note="no rating: error, nothing confirmed",
    ),
    Entry(
        "services:download",
        kwargs=_download_link,
        get=expect(anon=LOGIN, client=200, staff=404, head=404, director=404, other_office=404),
        post=logged_in(405),
        get_writes="counts the download on the link",
    ),
    # Any staff member's POST is refused by method before the function check (405).
    Entry("services:queue", get=STAFF_ONLY, post=logged_in(405, client=403)),
    Entry("services:queue_export", get=STAFF_ONLY, post=logged_in(405, client=403)),
]
