"""Disc editions (marketing/store/actions/shipping.py): the address at checkout, a shipment per
paid disc line, posting with a tracking number, delivery, a refund before posting, and who may
do each."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from marketing.store import actions
from marketing.store.models import CartLine, Shipment, StoreOrder
from office.exceptions import DomainError, InvalidTransition
from office.models import AuditEvent, Notification
from payments import actions as payment_actions
from tests.store.factories import ADDRESS, option, paid_order

pytestmark = pytest.mark.django_db

DISC = {"product": "standards-disc-2026", "kind": "disc", "seats": 2}


def _client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def _ship(user, shipment, **data):
    return actions.shipment_ship(actor=user, shipment_id=shipment.pk, **{"carrier": "SF Express",
                                 "tracking_number": "sf1234567890", **data})  # fmt: skip


def test_a_disc_order_needs_a_valid_address_and_keeps_the_cart_when_refused(demo):
    actions.cart_add(actor=demo.client_a, option_id=option("standards-disc-2026", "disc").pk, quantity=1)
    with pytest.raises(DomainError, match="recipient"):
        actions.checkout(actor=demo.client_a, token="t1")
    for bad, message in (
        ({"ship_phone": "call me"}, "phone number"),
        ({"ship_address": "Gz"}, "full shipping address"),
        ({"ship_postcode": "!!"}, "postcode"),
        ({"ship_name": "x" * 101}, "recipient"),
    ):
        with pytest.raises(DomainError, match=message):
            actions.checkout(actor=demo.client_a, token="t1", shipping={**ADDRESS, **bad})
    assert not StoreOrder.objects.filter(buyer_user=demo.client_a, ship_name__gt="").exists()
    assert CartLine.objects.filter(cart__user=demo.client_a).count() == 1
    order = actions.checkout(actor=demo.client_a, token="t1", shipping={**ADDRESS, "ship_name": "  Fang   Wei "})
    assert order.ship_name == "Fang Wei" and order.ship_postcode == "510070"
    assert order.ship_address == "Room 501, 100 Xianlie Road\nYuexiu District, Guangzhou"


def test_no_address_kept_without_a_disc(demo):
    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1)
    order = actions.checkout(actor=demo.client_a, token="t2", shipping=ADDRESS)
    assert order.ship_name == "" and order.ship_address == ""


def test_paying_opens_one_shipment_and_tells_the_selling_unit(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    shipment = order.shipments.get()
    assert shipment.status == Shipment.Status.TO_SHIP and shipment.copies == 2
    assert Notification.objects.filter(recipient=demo.head_infodev, verb="store.shipment.opened").count() == 1
    # the payment's notice repeated (a retried task) opens nothing more
    payment_actions.payment_notify_purpose(payment_id=order.payment_id)
    assert Shipment.objects.filter(order=order).count() == 1


def test_seller_posts_the_disc_and_the_buyer_sees_the_tracking_number(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    shipment = _ship(demo.head_infodev, order.shipments.get())
    assert shipment.status == Shipment.Status.SHIPPED and shipment.tracking_number == "SF1234567890"
    assert shipment.shipped_by == demo.head_infodev
    assert AuditEvent.objects.filter(verb="store.shipment.shipped", target_id=str(shipment.pk)).count() == 1
    notice = Notification.objects.get(recipient=demo.client_a, verb="store.shipment.shipped")
    assert notice.params["tracking"] == "SF1234567890"
    with translation.override("zh-hans"):
        url = reverse("store:order_detail", args=[order.pk])
    html = _client(demo.client_a, "zh-hans").get(url).content.decode()
    assert "SF1234567890" in html and "已发货" in html and "Shipped" not in html
    with pytest.raises(InvalidTransition):
        _ship(demo.head_infodev, shipment)  # posted once


def test_buyer_confirms_delivery(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    shipment = order.shipments.get()
    with pytest.raises(InvalidTransition):
        actions.shipment_deliver(actor=demo.client_a, shipment_id=shipment.pk)  # not posted yet
    _ship(demo.head_infodev, shipment)
    response = _client(demo.client_a).post(reverse("store:shipment_deliver", args=[shipment.pk]))
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED and shipment.delivered_at


@pytest.mark.parametrize(
    ("data", "message"), [({"carrier": ""}, "carrier"), ({"tracking_number": "12"}, "tracking number")]
)
def test_posting_refuses_bad_input(demo, django_capture_on_commit_callbacks, data, message):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    with pytest.raises(DomainError, match=message):
        _ship(demo.head_infodev, order.shipments.get(), **data)
    assert order.shipments.get().status == Shipment.Status.TO_SHIP


def test_only_the_selling_unit_posts_and_others_cannot_confirm(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    shipment = order.shipments.get()
    for user in (demo.client_a, demo.staff_infodev, demo.staff_east):
        with pytest.raises(PermissionDenied):
            _ship(user, shipment)
    _ship(demo.director, shipment)  # leadership sells too
    with pytest.raises(PermissionDenied):
        actions.shipment_deliver(actor=demo.staff_east, shipment_id=shipment.pk)
    assert _client(demo.staff_east).post(reverse("store:shipment_deliver", args=[shipment.pk])).status_code == 404
    assert _client(demo.client_b).post(reverse("store:shipment_deliver", args=[shipment.pk])).status_code == 404


def test_refund_before_posting_cancels_the_shipment(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_refund(payment_id=order.payment_id, actor=demo.director, reason="duplicate")
    order.refresh_from_db()
    assert order.status == StoreOrder.Status.REFUNDED
    shipment = order.shipments.get()
    assert shipment.status == Shipment.Status.CANCELLED
    with pytest.raises(InvalidTransition):
        _ship(demo.head_infodev, shipment)


def test_seller_queue_page_and_posting_through_it(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks, **DISC)
    shipment = order.shipments.get()
    seller = _client(demo.head_infodev)
    html = seller.get(reverse("store:shipment_list")).content.decode()
    assert order.number in html and "Xianlie Road" in html and f'id="ship-{shipment.pk}"' in html
    assert 'id="discs-to-ship">1<' in seller.get(reverse("store:sales")).content.decode()
    response = seller.post(reverse("store:shipment_ship", args=[shipment.pk]), {"carrier": "", "tracking_number": ""})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.TO_SHIP
    seller.post(
        reverse("store:shipment_ship", args=[shipment.pk]), {"carrier": "EMS", "tracking_number": "EA123456789CN"}
    )
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SHIPPED
    html = seller.get(reverse("store:shipment_list") + "?status=shipped").content.decode()
    assert "EA123456789CN" in html
    assert seller.get(reverse("store:shipment_list")).content.decode().count('id="shipment-empty"') == 1


def test_cart_asks_for_the_address_only_with_a_disc(demo):
    client = _client(demo.client_a)
    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1)
    assert 'id="shipping-fields"' not in client.get(reverse("store:cart")).content.decode()
    actions.cart_add(actor=demo.client_a, option_id=option("standards-disc-2026", "disc").pk, quantity=1)
    assert 'id="shipping-fields"' in client.get(reverse("store:cart")).content.decode()
    # a refused checkout comes back to the cart with what was typed
    response = client.post(reverse("store:checkout"), {"token": "abc", **ADDRESS, "ship_postcode": "?"})
    assert response.status_code == 302 and response["Location"] == reverse("store:cart")
    html = client.get(reverse("store:cart")).content.decode()
    assert "postcode" in html and "Xianlie Road" in html
