"""Permission-matrix entries for payments (payments/urls.py, namespace "payments").

Format: see the docstring of tests/permissions/test_url_matrix.py. A provider webhook that is
csrf_exempt must also be listed in tests/permissions/exemptions.py CSRF_EXEMPT_VIEWS.

Who is who here: client_a is the payer of the demo payments (seeded by payments/demo.py);
finance staff are the director and business assistant of the receiving (home) office;
staff_infodev, head_infodev and staff_east are not finance staff. Redirects to a page that
names the payment's id are written as plain 302 (the id is only known once kwargs ran).
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, everyone, expect, logged_in

NOT_FINANCE = {"client": 403, "staff": 403, "head": 403, "other_office": 403}


def _paid_payment(demo: Any) -> dict[str, int]:
    from payments.models import Payment

    return {"pk": Payment.objects.get(payer_user=demo.client_a, status=Payment.Status.SUCCEEDED).pk}


def _open_request(demo: Any) -> dict[str, int]:
    from payments.models import PaymentRequest

    return {"pk": PaymentRequest.objects.filter(payer=demo.client_a, status="open").order_by("pk").first().pk}


def _open_payment(demo: Any) -> dict[str, int]:
    """client_a starts paying the open demo request: a payment without a provider intent yet."""
    from payments import actions

    payment = actions.payment_request_pay(request_id=_open_request(demo)["pk"], actor=demo.client_a)
    return {"pk": payment.pk}


# Someone else's payment is a 404; finance staff who may see it but are not the payer get 403
# on the payer-only pages (checkout, simulated card page).
PAYER_ONLY = expect(anon=LOGIN, client=302, staff=404, head=404, director=403, other_office=404)
VISIBLE = expect(anon=LOGIN, client=200, staff=404, head=404, director=200, other_office=404)

EXPECTATIONS = [
    Entry(
        "payments:payment_list",
        get=expect(anon=LOGIN, director=200, **NOT_FINANCE),
        post=expect(anon=LOGIN, director=405, **NOT_FINANCE),
        query="status=succeeded&q=fee",
    ),
    Entry("payments:payment_list_mine", get=logged_in(200), post=logged_in(405)),
    Entry("payments:payment_detail", kwargs=_paid_payment, get=VISIBLE, post=logged_in(405)),
    Entry(
        "payments:payment_status",
        kwargs=_paid_payment,
        get=VISIBLE,
        post=logged_in(405),
        note="htmx fragment; asks the provider only while the payment is open",
    ),
    Entry(
        "payments:payment_checkout",
        kwargs=_open_payment,
        get=expect(anon=LOGIN, client=200, staff=404, head=404, director=403, other_office=404),
        post=logged_in(405),
        get_writes="creates the provider's payment intent for the payer (idempotent, same key every time)",
    ),
    Entry(
        "payments:payment_cancel",
        kwargs=_open_payment,
        get=logged_in(405),
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=302, other_office=404),
    ),
    Entry(
        "payments:payment_refund",
        kwargs=_paid_payment,
        get=expect(anon=LOGIN, director=405, **NOT_FINANCE),
        post=expect(anon=LOGIN, director=302, **NOT_FINANCE),  # empty form: error message, nothing refunded
    ),
    Entry(
        "payments:payment_sync",
        kwargs=_paid_payment,
        get=expect(anon=LOGIN, director=405, **NOT_FINANCE),
        post=expect(anon=LOGIN, director=302, **NOT_FINANCE),
    ),
    Entry("payments:payment_receipt", kwargs=_paid_payment, get=VISIBLE, post=logged_in(405)),
    Entry(
        "payments:request_list",
        get=expect(anon=LOGIN, director=200, **NOT_FINANCE),
        post=expect(anon=LOGIN, director=400, **NOT_FINANCE),  # empty form -> errors
    ),
    Entry(
        "payments:request_pay",
        kwargs=_open_request,
        get=logged_in(405),
        post=expect(anon=LOGIN, client=302, staff=404, head=404, director=404, other_office=404),
    ),
    Entry(
        "payments:request_cancel",
        kwargs=_open_request,
        get=expect(anon=LOGIN, director=405, **NOT_FINANCE),
        post=expect(anon=LOGIN, director=302, **NOT_FINANCE),
    ),
    Entry("payments:simulated_pay", kwargs=_open_payment, get=logged_in(405), post=PAYER_ONLY),
    Entry(
        "payments:simulated_authenticate",
        kwargs=_open_payment,
        get=PAYER_ONLY,  # no 3-D Secure step pending: back to the payment page
        post=PAYER_ONLY,
    ),
    Entry(
        "payments:simulated_webhook",
        get=everyone(405),
        post=everyone(400),
        note="unsigned body -> 400; signature tests in tests/payments/test_webhooks.py",
    ),
    Entry(
        "payments:stripe_webhook",
        get=everyone(405),
        post=everyone(400),
        note="unsigned body -> 400; signature tests in tests/payments/test_webhooks.py",
    ),
]
