"""Permission-matrix entries for the storefront (marketing/store/urls.py, namespace "store",
and marketing/store/urls_licences.py, namespace "licences").

Format: see tests/permissions/test_url_matrix.py. Buyers are client_a (an organisation client)
and staff_east (a member office); the home office sells, so its staff cannot buy (403 on the
cart), and the selling side (sales, coupons) is for the special digital-resource group, its
head (head_infodev heads the parent department) and leadership. Orders and licences of
client_a (made by the entries' kwargs; the demo's are client_b's) are 404 for anyone else but the sellers, who see
orders (not licences). Object checks between buyers are in tests/store/test_views.py.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect, logged_in

SELLERS_ONLY = expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403)


def _paid(demo: Any, kind: str) -> Any:
    """A paid order of client_a's (made here: the demo's store orders are client_b's)."""
    from tests.store.factories import paid_order

    product = "pearl-river-materials-db" if kind == "online" else "battery-industry-report-2026"
    return paid_order(demo.client_a, product=product, kind=kind, seats=2 if kind == "online" else 1)


def _grant(kind: str) -> Any:
    def factory(demo: Any) -> dict[str, int]:
        return {"pk": _paid(demo, kind).grants.get().pk}

    return factory


def _order(demo: Any) -> dict[str, int]:
    return {"pk": _paid(demo, "online").pk}


def _option(demo: Any) -> dict[str, int]:
    from tests.store.factories import option

    return {"option_pk": option().pk}


def _cart_line(demo: Any) -> dict[str, int]:
    from marketing.store import actions
    from tests.store.factories import option

    return {"pk": actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1).pk}


def _download(demo: Any) -> dict[str, str]:
    from marketing.store.views.grants import download_token

    return {"token": download_token(_paid(demo, "download").grants.get(), demo.client_a)}


def _certificate(demo: Any) -> dict[str, str]:
    from marketing.store.models import Certificate

    return {"code": Certificate.objects.filter(grant__holder_user=demo.client_b).earliest("pk").verification_code}


def _product(demo: Any) -> dict[str, str]:
    return {"slug": "pearl-river-materials-db"}


def _product_pk(demo: Any) -> dict[str, int]:
    from marketing.store.models import Product

    return {"pk": Product.objects.get(slug="pearl-river-materials-db").pk}


def _option_pk(demo: Any) -> dict[str, int]:
    from tests.store.factories import option

    return {"pk": option().pk}


def _coupon_pk(demo: Any) -> dict[str, int]:
    from marketing.store.models import Coupon

    return {"pk": Coupon.objects.get(code="SPRING26").pk}


def _shipment(demo: Any) -> dict[str, int]:
    """The disc of a paid order of client_a's, waiting to be posted."""
    from tests.store.factories import paid_order

    order = paid_order(demo.client_a, product="standards-disc-2026", kind="disc", seats=1)
    return {"pk": order.shipments.get().pk}


CART_POST = expect(
    anon=LOGIN, client=Redirect("store:cart"), staff=403, head=403, director=403, other_office=Redirect("store:cart")
)  # refused or done, back to the cart
CLIENT_ONLY_404 = expect(anon=LOGIN, client=200, staff=404, head=404, director=404, other_office=404)


EXPECTATIONS = [
    Entry("store:product_list", get=everyone(200)),
    Entry("store:product_detail", kwargs=_product, get=everyone(200)),
    Entry(
        "store:product_file",
        kwargs=lambda demo: {"slug": "pearl-river-materials-db", "which": "sample"},
        get=everyone(200),
    ),  # fmt: skip
    Entry("store:cart", get=logged_in(200, staff=403, head=403, director=403)),
    Entry(
        "store:cart_add",
        kwargs=_option,
        get=logged_in(405),
        post=expect(
            anon=LOGIN,
            client=Redirect("store:product_list"),
            staff=403,
            head=403,
            director=403,
            other_office=Redirect("store:product_list"),
        ),
    ),
    Entry("store:cart_remove", kwargs=_cart_line, get=logged_in(405), post=CART_POST),
    Entry("store:cart_coupon", get=logged_in(405), post=CART_POST),
    Entry("store:checkout", get=logged_in(405), post=CART_POST),
    Entry(
        "store:order_list",
        get=expect(
            anon=LOGIN,
            client=200,
            staff=403,
            head=Redirect("store:sales"),
            director=Redirect("store:sales"),
            other_office=200,
        ),  # fmt: skip
    ),
    Entry(
        "store:order_detail",
        kwargs=_order,
        get=expect(anon=LOGIN, client=200, staff=404, head=200, director=200, other_office=404),
    ),
    Entry(
        "store:order_pay",
        kwargs=_order,
        get=logged_in(405),
        post=expect(anon=LOGIN, client=302, staff=404, head=403, director=403, other_office=404),
    ),
    Entry(
        "store:order_cancel",
        kwargs=_order,
        get=logged_in(405),
        post=expect(anon=LOGIN, client=302, staff=404, head=302, director=302, other_office=404),
    ),
    Entry(
        "store:order_invoice",
        kwargs=_order,
        get=expect(anon=LOGIN, client=200, staff=404, head=200, director=200, other_office=404),
    ),
    Entry("store:grant_list", get=logged_in(200, staff=403, head=403, director=403)),
    Entry("store:grant_detail", kwargs=_grant("online"), get=CLIENT_ONLY_404),
    Entry("store:grant_certificate", kwargs=_grant("online"), get=CLIENT_ONLY_404),
    Entry(
        "store:grant_renew",
        kwargs=_grant("download"),  # no term: refused, back to the licence
        get=logged_in(405),
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=404, other_office=404),
    ),
    Entry(
        "store:grant_upgrade",
        kwargs=_grant("online"),  # empty form: refused, back to the licence
        get=logged_in(405),
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=404, other_office=404),
    ),
    Entry(
        "store:access",
        kwargs=_grant("online"),
        get=CLIENT_ONLY_404,
        get_writes="opening the content takes one of the licence's seats (an access session)",
    ),
    Entry(
        "store:download",
        kwargs=_download,
        get=CLIENT_ONLY_404,
        get_writes="every download is counted against the licence's limit",
    ),
    Entry("store:sales", get=SELLERS_ONLY),
    Entry("store:sales_csv", get=SELLERS_ONLY),
    Entry("store:coupon_list", get=SELLERS_ONLY, post=SELLERS_ONLY),
    # The catalogue, coupons and discs: the selling unit (head_infodev heads the special
    # digital-resources group's department) and leadership; an empty POST re-shows the form.
    Entry("store:coupon_edit", kwargs=_coupon_pk, get=SELLERS_ONLY, post=SELLERS_ONLY),
    Entry("store:product_manage_list", get=SELLERS_ONLY),
    Entry("store:product_create", get=SELLERS_ONLY, post=SELLERS_ONLY),
    Entry("store:product_edit", kwargs=_product_pk, get=SELLERS_ONLY, post=SELLERS_ONLY),
    Entry(
        "store:product_publish",
        kwargs=_product_pk,
        get=logged_in(405),
        post=expect(anon=LOGIN, client=403, staff=403, head=302, director=302, other_office=403),
        note="an empty POST takes the product off sale (rolled back by the matrix)",
    ),
    Entry("store:option_create", kwargs=_product_pk, get=SELLERS_ONLY, post=SELLERS_ONLY),
    Entry("store:option_edit", kwargs=_option_pk, get=SELLERS_ONLY, post=SELLERS_ONLY),
    Entry("store:option_prices", kwargs=_option_pk, get=SELLERS_ONLY, post=SELLERS_ONLY),
    Entry("store:shipment_list", get=SELLERS_ONLY),
    Entry(
        "store:shipment_ship",
        kwargs=_shipment,
        get=logged_in(405),
        post=expect(
            anon=LOGIN,
            client=403,
            staff=403,
            head=Redirect("store:shipment_list"),
            director=Redirect("store:shipment_list"),
            other_office=403,
        ),  # empty form: refused with a message, back to the list
    ),
    Entry(
        "store:shipment_deliver",
        kwargs=_shipment,
        get=logged_in(405),
        # not posted yet: refused with a message, back to the order; other buyers: 404
        post=expect(anon=LOGIN, client=302, staff=404, head=302, director=302, other_office=404),
    ),
]


def _has_licences_urls() -> bool:
    # office/urls.py includes marketing.store.urls_licences at /licences/ (outside the language prefix).
    try:
        reverse("licences:verify", kwargs={"code": "X"})
    except NoReverseMatch:
        return False
    return True


if _has_licences_urls():
    EXPECTATIONS.append(Entry("licences:verify", kwargs=_certificate, get=everyone(200)))
