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


def _subscription(paid: bool) -> Any:
    def factory(demo: Any) -> dict[str, int]:
        from services import actions
        from services.models import Offering
        from tests.services.factories import pay

        subscription = actions.subscription_create(
            actor=demo.client_a, offering_id=Offering.objects.get(code="tracking").pk, topic="Matrix"
        )
        if paid:
            pay(actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_a))
        return {"pk": subscription.pk}

    return factory


def _digest(demo: Any) -> dict[str, int]:
    from services.models import Digest, Subscription

    subscription = Subscription.objects.get(pk=_subscription(paid=True)(demo)["pk"])
    period = subscription.periods.get()
    return {"pk": Digest.objects.create(subscription=subscription, period_start=period.starts_on, body="Matrix").pk}


def _consultation(demo: Any) -> dict[str, int]:
    from services import actions

    return {"pk": actions.consultation_open(actor=demo.client_a, subject="Matrix", body="Question").pk}


def _session(demo: Any) -> dict[str, int]:
    from services.models import TrainingSession

    return {"pk": TrainingSession.objects.order_by("pk").first().pk}


def _registration(demo: Any) -> dict[str, int]:
    from services import actions

    return {"pk": actions.training_register(session_id=_session(demo)["pk"], actor=demo.client_a).pk}


STAFF_ONLY = expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=403)
MANAGERS = expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403)
ORDER_VISIBLE = expect(anon=LOGIN, client=200, staff=200, head=200, director=200, other_office=404)
NO_GET = expect(anon=LOGIN, client=405, staff=405, head=405, director=405, other_office=405)
SESSION_EDITORS = expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403)
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
        "services:client_profile",
        get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        post=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        note="the client's own details, no id in the URL; empty form -> 200 with errors",
    ),
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
    Entry(
        "services:order_decline",
        kwargs=_order("quoted"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=404),
        note="no confirm=yes: the confirmation page (issue 20), nothing declined",
    ),
    Entry(
        "services:order_cancel",
        kwargs=_order("quoted"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=200, staff=403, head=200, director=200, other_office=404),
        note="no confirm=yes: the confirmation page (issue 20), nothing cancelled",
    ),
    Entry("services:order_pay", kwargs=_order("accepted"), get=NO_GET, post=CLIENT_ONLY_POST),
    Entry(
        "services:order_invoice",
        kwargs=_order("paid"),
        get=ORDER_VISIBLE,
        post=logged_in(405),
        note="PDF of a paid order; an unpaid one is a 404 (tests/services/test_invoice.py)",
    ),
    Entry(
        "services:order_refund",
        kwargs=_order("paid"),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=404),
        note="no confirm=yes: the confirmation page (issue 20), nothing refunded",
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
    Entry(
        "services:subscription_create",
        kwargs=lambda demo: {"code": "tracking"},
        get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        post=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        note="empty form -> 200 with errors",
    ),
    Entry(
        "services:subscription_list",
        get=expect(anon=LOGIN, client=200, staff=200, head=200, director=200, other_office=403),
        post=logged_in(405),
    ),
    Entry("services:subscription_detail", kwargs=_subscription(paid=True), get=ORDER_VISIBLE, post=logged_in(405)),
    Entry("services:subscription_pay", kwargs=_subscription(paid=False), get=NO_GET, post=CLIENT_ONLY_POST),
    Entry("services:subscription_renew", kwargs=_subscription(paid=True), get=NO_GET, post=CLIENT_ONLY_POST),
    Entry(
        "services:subscription_cancel",
        kwargs=_subscription(paid=True),
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=403, head=302, director=302, other_office=404),
    ),
    Entry(
        "services:subscription_item_add",
        kwargs=_subscription(paid=True),
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=302, head=302, director=302, other_office=404),
        note="empty form: error message, nothing added",
    ),
    Entry("services:digest_detail", kwargs=_digest, get=ORDER_VISIBLE, post=logged_in(405)),
    Entry(
        "services:consultation_list",
        get=expect(anon=LOGIN, client=200, staff=200, head=200, director=200, other_office=403),
        post=logged_in(405),
    ),
    Entry(
        "services:consultation_create",
        get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        post=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
    ),
    # Consultations go to customer service: information development staff do not see them.
    Entry(
        "services:consultation_detail",
        kwargs=_consultation,
        get=expect(anon=LOGIN, client=200, staff=404, head=404, director=200, other_office=404),
        post=logged_in(405),
    ),
    Entry(
        "services:consultation_reply",
        kwargs=_consultation,
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=302, other_office=404),
    ),
    Entry(
        "services:consultation_close",
        kwargs=_consultation,
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=302, other_office=404),
    ),
    Entry("services:training_list", get=everyone(200), post=everyone(405)),
    Entry("services:training_create", get=MANAGERS, post=MANAGERS, note="empty form -> 200 with errors"),
    Entry("services:training_detail", kwargs=_session, get=everyone(200), post=everyone(405)),
    # The demo session is customer service's: head_infodev heads another department (issue 17 item 4).
    Entry("services:training_edit", kwargs=_session, get=SESSION_EDITORS, post=SESSION_EDITORS),
    Entry(
        "services:training_register",
        kwargs=_session,
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=403, head=403, director=403, other_office=403),
    ),
    Entry("services:training_ical", kwargs=_session, get=everyone(200), post=everyone(405)),
    Entry(
        "services:training_cancel",
        kwargs=_registration,
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=403, other_office=404),
        note="the director runs every session (may see it) but cancels only their own registrations",
    ),
    Entry(
        "services:training_pay",
        kwargs=_registration,
        get=NO_GET,
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=403, other_office=404),
        note="the demo session has a fee; client_a goes to the checkout",
    ),
    Entry(
        "services:training_attended",
        kwargs=_registration,
        get=NO_GET,
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=302, other_office=404),
    ),
    # Any staff member's POST is refused by method before the function check (405).
    Entry("services:queue", get=STAFF_ONLY, post=logged_in(405, client=403)),
    Entry("services:queue_export", get=STAFF_ONLY, post=logged_in(405, client=403)),
]
