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
        post=expect(anon=LOGIN, client=403, staff=404, head=404, director=302, other_office=404),
        note="empty reason: refused with a message",
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
