"""Issue 18: the payment lists read what each payment is for in their own query (the
`purpose_row` annotation), with the same words as the payment's page (one query per payment
before): the order's number and the service's name in the reader's language; the description
as written for a purpose without its own words."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.services.factories import order_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Service order {}: Novelty search"), ("zh-hans", "服务订单 {}：")]
)
def test_lists_show_the_purpose_in_the_readers_language_like_the_payment_page(demo, language, expected):
    orders = [order_in(demo, "paid") for _ in range(3)]
    wanted = expected.format(orders[0].number)
    mine = demo.client("client_a").get(reverse("payments:payment_list_mine"), HTTP_ACCEPT_LANGUAGE=language)
    finance = demo.client("director").get(reverse("payments:payment_list"), HTTP_ACCEPT_LANGUAGE=language)
    page = demo.client("client_a").get(
        reverse("payments:payment_detail", args=[orders[0].payment_id]), HTTP_ACCEPT_LANGUAGE=language
    )
    for response in (mine, finance, page):
        assert wanted in html.unescape(response.content.decode()), (response.request["PATH_INFO"], wanted)


def test_a_list_reads_the_purposes_in_its_own_query(demo):
    order_in(demo, "paid")
    client = demo.client("director")
    url = reverse("payments:payment_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        order_in(demo, "paid")
    with CaptureQueriesContext(connection) as more:
        body = client.get(url).content.decode()
    assert len(more) == len(few)
    assert body.count("Service order SO") >= 4
    assert not [q for q in more.captured_queries if q["sql"].startswith('SELECT "services_serviceorder"')]
