"""Who may open what: somebody else's payment or receipt is a 404, a function the role may
not use is a 403, anonymous users are sent to log in."""

from __future__ import annotations

import pytest

from payments import actions
from payments.models import Payment
from tests.payments.conftest import new_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(demo, test_purpose, django_capture_on_commit_callbacks):
    """A paid simulated payment by client_a to the home office."""
    from payments.gateways.simulated import SimulatedGateway

    payment = new_payment(demo.client_a, description="R&D <Lab> 研发")
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    return payment


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("client_a", 200),
        ("client_b", 404),
        ("staff_infodev", 404),
        ("head_infodev", 404),
        ("director", 200),
        ("business_assistant", 200),
        ("admin_assistant", 404),
        ("director_east", 404),
        ("staff_east", 404),
    ],
)
def test_detail_and_receipt_only_for_payer_and_finance_staff(demo, paid, username, expected):
    client = demo.client(username)
    assert client.get(f"/payments/{paid.pk}/").status_code == expected
    assert client.get(f"/payments/{paid.pk}/receipt/").status_code == expected
    assert client.get(f"/payments/{paid.pk}/status/").status_code == expected


def test_anonymous_is_sent_to_login(paid):
    from django.test import Client

    for url in [f"/payments/{paid.pk}/", f"/payments/{paid.pk}/receipt/", "/payments/mine/", "/payments/"]:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("username", "expected"),
    [("client_a", 403), ("staff_infodev", 403), ("head_infodev", 403), ("director", 200), ("director_east", 200)],
)
def test_staff_list_is_for_finance_staff(demo, paid, username, expected):
    assert demo.client(username).get("/payments/").status_code == expected
    assert demo.client(username).get("/payments/requests/").status_code == expected


def test_other_office_finance_sees_only_its_own_payments(demo, paid):
    body = demo.client("director_east").get("/payments/").content.decode()
    assert f'href="/payments/{paid.pk}/"' not in body
    assert f'href="/payments/{paid.pk}/"' in demo.client("director").get("/payments/").content.decode()


def test_list_filters_and_search(demo, paid, test_purpose):
    open_one = new_payment(demo.client_b, description="Clipping service 剪报")
    client = demo.client("director")
    body = client.get("/payments/", {"status": "succeeded"}).content.decode()
    assert f'href="/payments/{paid.pk}/"' in body and f'href="/payments/{open_one.pk}/"' not in body
    body = client.get("/payments/", {"q": "剪报"}).content.decode()
    assert f'href="/payments/{open_one.pk}/"' in body and f'href="/payments/{paid.pk}/"' not in body
    assert client.get("/payments/", {"status": "bogus"}).status_code == 200  # ignored, not a 500
    assert client.get("/payments/", {"page": "999"}).status_code == 200


def test_my_payments_lists_only_mine(demo, paid):
    assert f'href="/payments/{paid.pk}/"' in demo.client("client_a").get("/payments/mine/").content.decode()
    assert f'href="/payments/{paid.pk}/"' not in demo.client("client_b").get("/payments/mine/").content.decode()


def test_user_text_is_escaped_in_pages(demo, paid):
    body = demo.client("client_a").get(f"/payments/{paid.pk}/").content.decode()
    assert "R&amp;D &lt;Lab&gt;" in body and "<Lab>" not in body


@pytest.mark.parametrize(("username", "expected"), [("client_a", 403), ("staff_custsvc", 403), ("director_east", 404)])
def test_refund_refused_for_everyone_but_the_payees_finance_staff(demo, paid, username, expected):
    response = demo.client(username).post(f"/payments/{paid.pk}/refund/", {"reason": "Because", "amount": ""})
    assert response.status_code == expected
    paid.refresh_from_db()
    assert paid.refunded_minor == 0


def test_director_refunds_in_full(demo, paid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = demo.client("director").post(f"/payments/{paid.pk}/refund/", {"reason": "Service not delivered"})
    assert response.status_code == 302
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_minor) == (Payment.Status.REFUNDED, paid.amount_minor)


def test_checkout_only_for_the_payer(demo, test_purpose):
    payment = new_payment(demo.client_a)
    assert demo.client("client_b").get(f"/payments/{payment.pk}/checkout/").status_code == 404
    assert demo.client("director").get(f"/payments/{payment.pk}/checkout/").status_code == 403
    assert (
        demo.client("client_b")
        .post(f"/payments/simulated/{payment.pk}/pay/", {"card_number": "4242424242424242"})
        .status_code
        == 404
    )
    assert demo.client("client_a").get(f"/payments/{payment.pk}/checkout/").status_code == 200


def test_cancel_by_someone_else_is_404_and_changes_nothing(demo, test_purpose):
    payment = new_payment(demo.client_a)
    assert demo.client("client_b").post(f"/payments/{payment.pk}/cancel/").status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


def test_other_clients_request_cannot_be_paid(demo):
    request = actions.payment_request_create(
        actor=demo.director, payer=demo.client_a, amount_minor=100, description="Fee"
    )
    assert demo.client("client_b").post(f"/payments/requests/{request.pk}/pay/").status_code == 404
    assert demo.client("director_east").post(f"/payments/requests/{request.pk}/cancel/").status_code == 404


def test_finance_staff_create_a_payment_request_from_the_page(demo):
    client = demo.client("business_assistant")
    response = client.post(
        "/payments/requests/", {"payer": demo.client_b.pk, "description": "Translation 资料编译", "amount": "88.80"}
    )
    assert response.status_code == 302
    from payments.models import PaymentRequest

    request = PaymentRequest.objects.get(description="Translation 资料编译")
    assert (request.amount_minor, request.payer, request.organization.code) == (8_880, demo.client_b, "home")
    assert "Translation" in demo.client("client_b").get("/payments/mine/").content.decode()
    bad = client.post("/payments/requests/", {"payer": demo.client_b.pk, "description": "x", "amount": "-1"})
    assert bad.status_code == 400


def test_webhook_endpoints_need_no_csrf_but_everything_else_does(demo, paid):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo.director)
    assert strict.post(f"/payments/{paid.pk}/refund/", {"reason": "x"}).status_code == 403
    assert (
        Client(enforce_csrf_checks=True)
        .post("/payments/stripe/webhook/", data=b"{}", content_type="application/json")
        .status_code
        == 400
    )


def test_nav_fragment_is_role_aware(demo):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from office.context_processors import intranet

    def render_for(user):
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string("payments/_nav.html", {"user": user, **intranet(request)})

    assert "My payments" in render_for(demo.client_a) and "All payments" not in render_for(demo.client_a)
    assert "All payments" in render_for(demo.director)
    assert "All payments" not in render_for(demo.staff_infodev)


def test_home_finance_staff_never_see_what_another_office_pays_a_provider(demo, test_purpose):
    """Running the platform gives the home office no view of member offices' own payments
    (issue 6: a consortium member never sees another member's payment details)."""
    from django.urls import reverse

    from office.models import Organization

    east = Organization.objects.get(code="east")
    payment = new_payment(demo.director_east, payer_organization=east, payee_name="DataStream Provider Ltd")
    assert Payment.objects.visible_to(demo.director_east).filter(pk=payment.pk).exists()
    assert not Payment.objects.visible_to(demo.director).filter(pk=payment.pk).exists()
    assert not Payment.objects.visible_to(demo.business_assistant).filter(pk=payment.pk).exists()
    url = reverse("payments:payment_detail", kwargs={"pk": payment.pk})
    assert demo.client("director").get(url).status_code == 404
    listing = demo.client("director").get(reverse("payments:payment_list")).content.decode()
    assert "DataStream Provider Ltd" not in listing
