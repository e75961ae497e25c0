"""Outside staffed hours the widget takes a message, which becomes an inquiry in customer
service's queue (the public site's `marketing.actions.inquiry_create`, kind "chat")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_out_of_hours_the_widget_offers_a_message_form(demo: Any, offline: None) -> None:
    html = Client().get(reverse("support:widget")).content.decode()
    assert 'action="/support/chat/offline/"' in html and "Leave a message" in html


def test_out_of_hours_message_becomes_an_inquiry(demo: Any, offline: None) -> None:
    from marketing.models import Inquiry

    client = Client()
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("support:chat_offline"),
        {"name": "赵六", "email": "zhao@example.cn", "message": "请问周末能提供查新服务吗？", "page": "/services/"},
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(email="zhao@example.cn")
    assert (inquiry.kind, inquiry.language, inquiry.source_url) == ("chat", "zh-hans", "/services/")
    assert inquiry.message == "请问周末能提供查新服务吗？"


def test_a_signed_in_client_leaves_a_message_under_the_account(demo: Any, offline: None) -> None:
    from marketing.models import Inquiry

    client = demo.client("client_a")
    response = client.post(
        reverse("support:chat_offline"), {"message": "Call me back, please."}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "answer by e-mail" in response.content.decode()
    inquiry = Inquiry.objects.get(message="Call me back, please.")
    assert inquiry.user == demo.client_a and inquiry.email == demo.client_a.email


def test_offline_form_keeps_bots_out(demo: Any, offline: None) -> None:
    from marketing.models import Inquiry

    before = Inquiry.objects.count()
    data = {"name": "Bot", "email": "bot@example.org", "message": "spam", "website": "http://spam.example"}
    Client().post(reverse("support:chat_offline"), data)
    assert Inquiry.objects.count() == before
