"""Permission-matrix entries for purchasing (procurement/urls.py, namespace "procurement").

Format: see tests/permissions/test_url_matrix.py. Objects are the home office's demo data
(procurement/demo.py): staff_infodev's requests, staff_custsvc's orders. Who is who:
staff_infodev is the requester, head_infodev heads the department, the director decides
above the limit and is finance staff; client_a is a client (403 everywhere); staff_east is
another office (its own lists are empty, our objects are 404).
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, expect, logged_in

STAFF_ONLY = logged_in(200, client=403)
POST_405 = logged_in(405, client=403)
GET_405 = logged_in(405, client=403)


def _vendor(demo: Any) -> dict[str, int]:
    from procurement.models import Vendor

    return {"pk": Vendor.objects.get(code="bookhub", organization__is_home=True).pk}


def _sim_vendor(demo: Any) -> dict[str, int]:
    from procurement.models import Vendor

    return {"vendor_id": Vendor.objects.get(code="sim-api", organization__is_home=True).pk}


def _request(status: str) -> Any:
    def kwargs(demo: Any) -> dict[str, int]:
        from procurement.models import PurchaseRequest

        pr = PurchaseRequest.objects.filter(requester=demo.staff_infodev, status=status).order_by("pk").first()
        return {"pk": pr.pk}

    return kwargs


def _draft_line(demo: Any) -> dict[str, int]:
    from procurement.models import PurchaseRequest

    pr = PurchaseRequest.objects.filter(requester=demo.staff_infodev, status="draft").order_by("pk").first()
    return {"pk": pr.pk, "line": pr.lines.first().pk}


def _order(demo: Any) -> dict[str, int]:
    from procurement.models import PurchaseOrder

    return {"pk": PurchaseOrder.objects.filter(vendor__code="bookhub", organization__is_home=True).first().pk}


def _cart_line(demo: Any) -> dict[str, int]:
    from procurement import actions
    from procurement.models import VendorItem

    line = actions.cart_add(actor=demo.staff_infodev, item_id=VendorItem.objects.get(sku="BH-1001").pk)
    return {"pk": line.pk}


def _infodev_unit(demo: Any) -> dict[str, int]:
    from office.models import Department

    return {"pk": Department.objects.get(code="infodev", organization__is_home=True).pk}


def _licence(demo: Any) -> dict[str, int]:
    from procurement.models import Licence

    return {"pk": Licence.objects.filter(organization__is_home=True).first().pk}


# Home-office object pages: staff of another office get 404; the infodev staff member does not
# see customer-service orders (not theirs, not their unit) → 404 too.
HOME_OBJECT = expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404)
MANAGERS = expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403)
CUSTSVC_ORDER = expect(anon=LOGIN, client=403, staff=404, head=404, director=200, other_office=404)

EXPECTATIONS = [
    Entry("procurement:vendor_list", get=STAFF_ONLY, post=POST_405),
    Entry("procurement:vendor_create", get=MANAGERS, post=MANAGERS),
    Entry("procurement:vendor_detail", kwargs=_vendor, get=HOME_OBJECT, post=POST_405),
    Entry(
        "procurement:vendor_edit",
        kwargs=_vendor,
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=404),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=404),
    ),
    Entry(
        "procurement:vendor_import",
        kwargs=_vendor,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
    ),
    Entry(
        "procurement:vendor_sync",
        kwargs=_vendor,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
        note="a manual vendor: the sync is refused with a message",
    ),
    Entry("procurement:catalog_search", get=STAFF_ONLY, post=POST_405, query="q=library&kind=book"),
    Entry("procurement:catalog_compare", get=STAFF_ONLY, post=POST_405, query="isbn=9787040512345"),
    Entry("procurement:cart", get=STAFF_ONLY, post=POST_405),
    Entry("procurement:cart_add", get=GET_405, post=logged_in(302, client=403), note="empty form: error message"),
    Entry(
        "procurement:cart_update",
        kwargs=_cart_line,
        get=GET_405,
        post=logged_in(302, client=403),
        note="empty form: error message; another user's line is refused by the action",
    ),
    Entry("procurement:cart_checkout", get=GET_405, post=logged_in(302, client=403)),
    Entry("procurement:request_list", get=STAFF_ONLY, post=POST_405, query="status=submitted&scope=mine"),
    Entry(
        "procurement:request_detail",
        kwargs=_request("submitted"),
        get=HOME_OBJECT,
        post=POST_405,
    ),
    Entry(
        "procurement:request_line_update",
        kwargs=_draft_line,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=302, head=403, director=403, other_office=404),
    ),
    Entry(
        "procurement:request_submit",
        kwargs=_request("draft"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=302, head=403, director=403, other_office=404),
    ),
    Entry(
        "procurement:request_approve",
        kwargs=_request("submitted"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
    ),
    Entry(
        "procurement:request_reject",
        kwargs=_request("submitted"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
        note="empty comment: refused with a message",
    ),
    Entry(
        "procurement:request_return",
        kwargs=_request("submitted"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
        note="empty comment: refused with a message",
    ),
    Entry(
        "procurement:request_cancel",
        kwargs=_request("submitted"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=302, head=403, director=302, other_office=404),
    ),
    Entry(
        "procurement:request_place_orders",
        kwargs=_request("submitted"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=302, head=403, director=302, other_office=404),
        note="not approved yet: refused with a message",
    ),
    Entry("procurement:approvals", get=STAFF_ONLY, post=POST_405),
    Entry(
        "procurement:deputy_list",
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=403, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=403, other_office=403),
    ),
    Entry(
        "procurement:approval_limits",
        get=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
        post=POST_405,
    ),
    Entry(
        "procurement:approval_limit_set",
        kwargs=_infodev_unit,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403),
        note="only the director; an empty form re-shows the page with the error",
    ),
    Entry("procurement:order_list", get=STAFF_ONLY, post=POST_405, query="status=open&late=1"),
    Entry("procurement:order_detail", kwargs=_order, get=CUSTSVC_ORDER, post=POST_405),
    Entry("procurement:order_timeline", kwargs=_order, get=CUSTSVC_ORDER, post=POST_405),
    Entry("procurement:order_pdf", kwargs=_order, get=CUSTSVC_ORDER, post=POST_405),
    Entry(
        "procurement:order_pay",
        kwargs=_order,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=302, other_office=404),
    ),
    Entry(
        "procurement:order_cancel",
        kwargs=_order,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=200, other_office=404),
        note="no confirm=yes: the confirmation page (issue 20), nothing cancelled",
    ),
    Entry(
        "procurement:order_track",
        kwargs=_order,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=302, other_office=404),
    ),
    Entry(
        "procurement:order_receive",
        kwargs=_order,
        get=expect(anon=LOGIN, client=403, staff=404, head=404, director=403, other_office=404),
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=403, other_office=404),
        note="not paid yet: nobody receives",
    ),
    Entry(
        "procurement:order_invoice",
        kwargs=_order,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=302, other_office=404),
    ),
    Entry(
        "procurement:order_close",
        kwargs=_order,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=302, other_office=404),
    ),
    Entry(
        "procurement:vendor_webhook",
        kwargs=_sim_vendor,
        get=expect(anon=405, client=405, staff=405, head=405, director=405, other_office=405),
        post=expect(anon=400, client=400, staff=400, head=400, director=400, other_office=400),
        note="signed by the vendor (X-Vendor-Signature); unsigned → 400",
    ),
    Entry("procurement:licence_list", get=STAFF_ONLY, post=POST_405, query="status=active"),
    Entry("procurement:licence_create", get=MANAGERS, post=MANAGERS),
    Entry("procurement:licence_detail", kwargs=_licence, get=HOME_OBJECT, post=POST_405),
    Entry(
        "procurement:licence_edit",
        kwargs=_licence,
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=404),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=404),
        note="an empty POST re-shows the form with its errors",
    ),
    Entry(
        "procurement:licence_renew",
        kwargs=_licence,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404),
    ),
    Entry(
        "procurement:report_spending",
        get=MANAGERS,
        post=POST_405,
    ),
    Entry(
        "procurement:report_spending_csv",
        get=MANAGERS,
        post=POST_405,
    ),
]


# --- consortium buying (procurement/consortia/) ---------------------------------------------
# The demo consortium (procurement/consortia/demo.py): home, Riverside and North, negotiating;
# head_infodev is home's representative and the elected negotiator, the director home's
# leadership (founder), staff_infodev a home staff member who acts for nobody. East is no
# member: it sees the directory card (the consortium is open for members) and 404 inside.
# client_a: 403 on staff pages, 404 on pages provider accounts may use (login_required).


def _consortium(demo: Any) -> dict[str, int]:
    from procurement.consortia.demo import DEMO_NAME
    from procurement.consortia.models import Consortium

    return {"pk": Consortium.objects.get(name=DEMO_NAME).pk}


def _membership(code: str) -> Any:
    def kwargs(demo: Any) -> dict[str, int]:
        from procurement.consortia.demo import DEMO_NAME
        from procurement.consortia.models import Membership

        return {"pk": Membership.objects.get(consortium__name=DEMO_NAME, organization__code=code).pk}

    return kwargs


def _latest_offer(demo: Any) -> dict[str, int]:
    from procurement.consortia.demo import DEMO_NAME
    from procurement.consortia.models import Consortium

    consortium = Consortium.objects.get(name=DEMO_NAME)
    return {"pk": consortium.pk, "offer": consortium.offers.order_by("-number").first().pk}


def _home_contract(demo: Any) -> dict[str, int]:
    """A contract row for the home office (issued, unsigned); the flow itself is tested in
    tests/procurement/test_consortia_flow.py."""
    import datetime
    import hashlib

    from procurement.consortia.demo import DEMO_NAME
    from procurement.consortia.models import Contract, Membership

    membership = Membership.objects.get(consortium__name=DEMO_NAME, organization__is_home=True)
    pdf = b"%PDF-1.4 matrix"
    contract, _ = Contract.objects.get_or_create(
        membership=membership,
        defaults={
            "consortium": membership.consortium,
            "organization": membership.organization,
            "number": "CC-MATRIX",
            "price_minor": 850_000,
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
            "pdf": pdf,
            "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )
    return {"pk": contract.pk}


INSIDE_GET = expect(anon=LOGIN, client=404, staff=200, head=200, director=200, other_office=404)
LOGIN_GET_405 = logged_in(405)
REP_OR_LEADERSHIP = expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=404)
NEGOTIATOR_ONLY = expect(anon=LOGIN, client=404, staff=403, head=302, director=403, other_office=404)

EXPECTATIONS += [
    Entry("procurement:consortium_list", get=STAFF_ONLY, post=POST_405),
    Entry(
        "procurement:consortium_create",
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
        note="empty form: errors",
    ),
    Entry("procurement:consortium_dashboard", get=STAFF_ONLY, post=POST_405),
    Entry(
        "procurement:consortium_detail",
        kwargs=_consortium,
        get=expect(anon=LOGIN, client=404, staff=200, head=200, director=200, other_office=200),
        post=logged_in(405),
        note="other_office sees only the directory card (open for members), not the inside",
    ),
    Entry(
        "procurement:consortium_apply",
        kwargs=_consortium,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=403),
        note="home is already a member; staff_east is neither leadership nor a head",
    ),
    Entry("procurement:consortium_invite", kwargs=_consortium, get=GET_405, post=REP_OR_LEADERSHIP),
    Entry("procurement:consortium_cancel", kwargs=_consortium, get=GET_405, post=REP_OR_LEADERSHIP),
    Entry(
        "procurement:consortium_renew",
        kwargs=_consortium,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=404),
        note="negotiating: nothing to renew yet",
    ),
    Entry("procurement:election_open", kwargs=_consortium, get=GET_405, post=REP_OR_LEADERSHIP),
    Entry("procurement:election_nominate", kwargs=_consortium, get=GET_405, post=REP_OR_LEADERSHIP),
    Entry(
        "procurement:election_vote",
        kwargs=_consortium,
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=403, other_office=404),
        note="only the office's representative votes",
    ),
    Entry("procurement:election_close", kwargs=_consortium, get=GET_405, post=REP_OR_LEADERSHIP),
    Entry("procurement:negotiation_room", kwargs=_consortium, get=INSIDE_GET, post=LOGIN_GET_405),
    Entry("procurement:offer_post", kwargs=_consortium, get=LOGIN_GET_405, post=NEGOTIATOR_ONLY),
    Entry(
        "procurement:offer_accept",
        kwargs=_latest_offer,
        get=LOGIN_GET_405,
        post=NEGOTIATOR_ONLY,
        note="the latest offer is a counter-offer: refused with a message",
    ),
    Entry("procurement:negotiation_deadline", kwargs=_consortium, get=LOGIN_GET_405, post=NEGOTIATOR_ONLY),
    Entry("procurement:contracts_issue", kwargs=_consortium, get=LOGIN_GET_405, post=NEGOTIATOR_ONLY),
    Entry(
        "procurement:membership_answer",
        kwargs=_membership("riverside"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=403, other_office=404),
    ),
    Entry(
        "procurement:membership_decide",
        kwargs=_membership("riverside"),
        get=GET_405,
        post=REP_OR_LEADERSHIP,
        note="not an application: refused with a message",
    ),
    Entry(
        "procurement:membership_leave",
        kwargs=_membership("home"),
        get=GET_405,
        post=REP_OR_LEADERSHIP,
        note="the negotiator's office cannot leave: refused with a message",
    ),
    Entry(
        "procurement:membership_representative",
        kwargs=_membership("home"),
        get=GET_405,
        post=expect(anon=LOGIN, client=403, staff=403, head=403, director=302, other_office=404),
    ),
    Entry("procurement:membership_commit", kwargs=_membership("home"), get=GET_405, post=REP_OR_LEADERSHIP),
    Entry("procurement:contract_detail", kwargs=_home_contract, get=INSIDE_GET, post=LOGIN_GET_405),
    Entry("procurement:contract_pdf", kwargs=_home_contract, get=INSIDE_GET, post=LOGIN_GET_405),
    Entry(
        "procurement:contract_sign",
        kwargs=_home_contract,
        get=LOGIN_GET_405,
        post=expect(anon=LOGIN, client=404, staff=403, head=302, director=302, other_office=404),
    ),
    Entry(
        "procurement:contract_pay",
        kwargs=_home_contract,
        get=GET_405,
        post=REP_OR_LEADERSHIP,
        note="not signed yet: refused with a message",
    ),
]
