"""Issue 20, services and payments: a fixed-price order goes straight to payment, the client
lands on the order's thank-you view, a declined card stays on the card form, the client desk
shows what is due, destructive and money-moving buttons ask first, the order list pages and
searches, forms are complete, people are shown by name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from payments.models import Payment, PaymentRequest
from services import actions, selectors
from services.models import Offering, OrderFile, ServiceOrder
from tests.services.factories import order_in, pdf_upload

pytestmark = pytest.mark.django_db
CARD = {"expiry": "12/34", "cvc": "123"}


def _fixed_order(demo, client="client_a"):
    return actions.order_create(
        actor=demo.users[client],
        offering_id=Offering.objects.get(code="consultation").pk,
        topic="Patent search strategy",
        delivery_channel=Offering.objects.get(code="consultation").delivery_channels[0],
    )


def test_ordering_a_fixed_price_offering_goes_straight_to_the_card_page(demo):
    offering = Offering.objects.get(code="consultation")
    client = demo.client("client_a")
    response = client.post(
        reverse("services:order_create", args=[offering.code]),
        {"topic": "Patent search strategy", "delivery_channel": offering.delivery_channels[0]},
    )
    order = ServiceOrder.objects.filter(client__user=demo.client_a).latest("pk")
    payment = Payment.objects.get(purpose_type="services.order", purpose_id=str(order.pk))
    assert response.status_code == 302
    assert response.url == reverse("payments:payment_checkout", args=[payment.pk])
    assert order.status == ServiceOrder.Status.ACCEPTED and payment.amount_minor == offering.price_minor
    assert client.get(response.url).status_code == 200


def test_a_list_price_order_shows_pay_now_not_accept_or_decline(demo):
    order = _fixed_order(demo)
    body = demo.client("client_a").get(reverse("services:order_detail", args=[order.pk])).content.decode()
    assert 'id="pay-button"' in body and 'id="accept-button"' not in body and 'id="decline-form"' not in body
    response = demo.client("client_a").post(reverse("services:order_pay", args=[order.pk]))
    payment = Payment.objects.get(purpose_type="services.order", purpose_id=str(order.pk))
    assert response.url == reverse("payments:payment_checkout", args=[payment.pk])


def test_a_quote_made_by_staff_is_still_accepted_first(demo):
    order = order_in(demo, "quoted")
    response = demo.client("client_a").post(reverse("services:order_pay", args=[order.pk]))
    assert response.status_code == 302
    assert not Payment.objects.filter(purpose_type="services.order", purpose_id=str(order.pk)).exists()
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.QUOTED


def _checkout(demo, order):
    client = demo.client("client_a")
    response = client.post(reverse("services:order_pay", args=[order.pk]))
    payment = Payment.objects.get(purpose_type="services.order", purpose_id=str(order.pk))
    client.get(response.url)  # the checkout page creates the provider's intent
    return client, payment


def test_after_paying_the_client_lands_on_the_orders_thank_you_view(demo, django_capture_on_commit_callbacks):
    order = _fixed_order(demo)
    client, payment = _checkout(demo, order)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("payments:simulated_pay", args=[payment.pk]), {"card_number": "4242424242424242", **CARD}
        )
    assert response.url == reverse("services:order_detail", args=[order.pk]) + "?paid=1"
    body = client.get(response.url).content.decode()
    assert 'id="thanks"' in body and 'id="order-progress"' in body
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.PAID


def test_a_declined_card_keeps_the_client_on_the_card_form_with_the_reason(demo, django_capture_on_commit_callbacks):
    order = _fixed_order(demo)
    client, payment = _checkout(demo, order)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("payments:simulated_pay", args=[payment.pk]), {"card_number": "4000000000000341", **CARD}
        )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="card-form"' in body
    assert "Your card was declined." in body and "Try another card." in body
    # ... and another card then goes through on the same payment.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("payments:simulated_pay", args=[payment.pk]), {"card_number": "4242424242424242", **CARD}
        )
    assert again.url.startswith(reverse("services:order_detail", args=[order.pk]))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_the_client_desk_shows_a_deposit_due(demo):
    due = PaymentRequest.objects.filter(payer=demo.client_a, status=PaymentRequest.Status.OPEN)
    assert due.exists()
    titles = [item.title for item in selectors.inbox_items(demo.client_a)]
    assert any("¥350.00 due" in title for title in titles), titles


# --- confirmations ---------------------------------------------------------------------------------


def test_cancelling_an_order_asks_first_and_says_what_happens(demo):
    order = order_in(demo, "quoted")
    client = demo.client("client_a")
    url = reverse("services:order_cancel", args=[order.pk])
    page = client.post(url, {"reason": "Changed my mind"})
    body = page.content.decode()
    assert page.status_code == 200 and 'id="confirm-page"' in body and "Nothing has been charged" in body
    assert 'name="reason" value="Changed my mind"' in body
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.QUOTED
    client.post(url, {"reason": "Changed my mind", "confirm": "yes"})
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.CANCELLED


def test_the_order_page_carries_the_confirmation_dialogs(demo):
    order = order_in(demo, "quoted")
    body = demo.client("client_a").get(reverse("services:order_detail", args=[order.pk])).content.decode()
    assert 'data-confirm="#decline-confirm"' in body and 'id="decline-confirm"' in body
    assert 'data-confirm="#cancel-confirm"' in body and 'id="cancel-confirm"' in body


def test_declining_a_quote_asks_first(demo):
    order = order_in(demo, "quoted")
    client = demo.client("client_a")
    url = reverse("services:order_decline", args=[order.pk])
    assert "¥800.00" in client.post(url).content.decode()
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.QUOTED
    client.post(url, {"confirm": "yes"})
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.DECLINED


def test_staff_cancel_and_refund_says_the_amount_goes_back_to_the_card(demo, django_capture_on_commit_callbacks):
    order = order_in(demo, "paid")
    head = demo.client("head_infodev")
    page = head.post(reverse("services:order_cancel", args=[order.pk]), {"reason": "No capacity"}).content.decode()
    assert "¥800.00 will be refunded to the card" in page
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.PAID
    director = demo.client("director")
    page = director.post(reverse("services:order_refund", args=[order.pk]), {"reason": "x"}).content.decode()
    assert "¥800.00 will be refunded to the card the client paid with" in page
    with django_capture_on_commit_callbacks(execute=True):
        head.post(reverse("services:order_cancel", args=[order.pk]), {"reason": "No capacity", "confirm": "yes"})
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.REFUNDED


# --- staff lists ----------------------------------------------------------------------------------


def test_the_order_list_pages_searches_and_has_my_work(demo):
    orders = [order_in(demo, "requested", topic=f"Topic number {i}") for i in range(27)]
    mine = order_in(demo, "assigned", topic="Assigned piece of work")
    staff = demo.client("staff_infodev")
    first = staff.get(reverse("services:order_list")).content.decode()
    assert "Page 1 of 2" in first
    second = staff.get(reverse("services:order_list") + "?page=2").content.decode()
    assert orders[0].number in second
    found = staff.get(reverse("services:order_list") + f"?q={orders[3].number}").content.decode()
    assert orders[3].number in found and orders[4].number not in found
    my_work = staff.get(reverse("services:order_list") + "?view=mine").content.decode()
    assert mine.number in my_work and orders[0].number not in my_work
    active = staff.get(reverse("services:order_list") + "?view=in_progress").content.decode()
    assert mine.number in active and orders[0].number not in active
    queue = staff.get(reverse("services:queue")).content.decode()
    assert "?view=mine" in queue and "?view=in_progress" in queue and 'id="queue-search"' in queue


def test_lists_show_peoples_names_not_user_names(demo):
    order = order_in(demo, "assigned")
    body = demo.client("head_infodev").get(reverse("services:order_list")).content.decode()
    assert demo.staff_infodev.staff_profile.display_name in body
    assert order.client.display_name in body
    assert ">staff_infodev<" not in body and ">client_a<" not in body


# --- forms -------------------------------------------------------------------------------------------


def test_the_deliver_form_shows_the_chosen_channels_fields_and_ticks_the_only_file(demo):
    order = order_in(demo, "in_progress")
    item = actions.order_file_add(
        order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind=OrderFile.Kind.DELIVERABLE
    )
    staff = demo.client("staff_infodev")
    url = reverse("services:order_detail", args=[order.pk])
    fax = staff.get(url + "?channel=fax").content.decode()
    assert 'name="fax_number"' in fax and 'name="postal_address"' not in fax
    post = staff.get(url + "?channel=post").content.decode()
    assert 'name="postal_address"' in post and 'name="tracking_number"' in post and 'name="fax_number"' not in post
    download = staff.get(url + "?channel=download").content.decode()
    assert 'name="fax_number"' not in download and 'name="postal_address"' not in download
    box = re.search(rf'<input[^>]*name="files"[^>]*value="{item.pk}"[^>]*>', download)
    assert box is not None and "checked" in box.group(0)


def test_every_field_of_the_message_form_is_labelled(demo):
    order = order_in(demo, "in_progress")
    body = demo.client("staff_infodev").get(reverse("services:order_detail", args=[order.pk])).content.decode()
    for name in ("body", "minutes_spent"):
        assert f'for="id_{name}"' in body, name
    assert body.count('id="messages"') == 1  # the page's messages area, not also the order's thread


def test_chinese_order_page_has_no_english_action_words(demo):
    order = order_in(demo, "quoted")
    with translation.override("zh-hans"):
        client = demo.client("client_a")
        body = client.get(
            reverse("services:order_detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert 'id="order-progress"' in body and "已下单" in body
    for english in ("Cancel the order", "Decline the quote", "Go back", "Nothing has been charged", "Ordered"):
        assert english not in body, english
