"""Cooperation inquiries: the agreed API, spam protection without JavaScript, the reply e-mail."""

from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import translation

from marketing import forms as marketing_forms
from marketing.actions import inquiry_answer, inquiry_create, inquiry_set_status
from marketing.models import Inquiry
from office.exceptions import DomainError
from tests.marketing.site_fixtures import fresh_public_cache  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


def _form_url() -> str:
    with translation.override("en"):
        return reverse("marketing:inquiry_form")


def _post(client, **changes):
    stamp = signing.dumps(int(time.time()) - 60, salt=marketing_forms._SALT)
    data = {
        "kind": "cooperation",
        "name": "Zhao Lei",
        "email": "zhao@example.org",
        "subject": "Joint database",
        "message": "Let us build a database together.",
        "website": "",
        "stamp": stamp,
        **changes,
    }
    return client.post(_form_url(), data, REMOTE_ADDR="10.1.2.3")


def test_agreed_api_files_a_chat_inquiry_and_tells_customer_service(demo):
    from office.models import Notification

    inquiry = inquiry_create(
        kind="chat", name="Visitor", email="v@example.org", message="Are you open?", language="zh-hans"
    )
    assert inquiry.status == Inquiry.Status.NEW and inquiry.language == "zh-hans"
    recipients = set(
        Notification.objects.filter(verb="marketing.inquiry.created").values_list("recipient__username", flat=True)
    )
    assert "staff_custsvc" in recipients and "staff_infodev" not in recipients


def test_api_refuses_bad_input(db):
    with pytest.raises(DomainError):
        inquiry_create(kind="other", name="A", email="a@example.org", message="x")
    with pytest.raises(DomainError):
        inquiry_create(kind="general", name="A", email="not-an-address", message="x")
    with pytest.raises(DomainError):
        inquiry_create(kind="general", name=" ", email="a@example.org", message="x")


def test_form_without_javascript_files_an_inquiry(demo, client):
    response = _post(client)
    assert response.status_code == 200 and b'id="inquiry-sent"' in response.content
    inquiry = Inquiry.objects.get(email="zhao@example.org")
    assert inquiry.kind == "cooperation" and inquiry.language == "en"


def test_honeypot_is_answered_as_success_but_files_nothing(demo, client):
    response = _post(client, website="http://spam.example")
    assert b'id="inquiry-sent"' in response.content
    assert not Inquiry.objects.filter(email="zhao@example.org").exists()


def test_form_sent_back_at_once_or_without_stamp_is_spam(demo, client):
    fresh = signing.dumps(int(time.time()), salt=marketing_forms._SALT)
    _post(client, stamp=fresh)
    _post(client, stamp="forged")
    assert not Inquiry.objects.filter(email="zhao@example.org").exists()


def test_posts_over_the_rate_limit_get_429(demo, client):
    codes = [_post(client, email=f"p{i}@example.org").status_code for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    assert Inquiry.objects.filter(email__startswith="p").count() == 10


def test_answer_is_emailed_in_the_inquirers_language(demo, django_capture_on_commit_callbacks):
    inquiry = inquiry_create(kind="general", name="李娜", email="lina@example.org", message="你好", language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_answer(inquiry_id=inquiry.pk, actor=demo.staff_custsvc, reply="您好，可以。")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ANSWERED and inquiry.reply_emailed_at is not None
    message = mail.outbox[-1]
    assert message.to == ["lina@example.org"] and message.subject.startswith("回复")
    assert "李娜，您好" in message.body


def test_only_editors_answer(demo):
    inquiry = inquiry_create(kind="general", name="A", email="a@example.org", message="x")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        inquiry_answer(inquiry_id=inquiry.pk, actor=demo.staff_infodev, reply="no")
    with pytest.raises(PermissionDenied):
        inquiry_set_status(inquiry_id=inquiry.pk, actor=demo.staff_east, status="spam")
    inquiry_set_status(inquiry_id=inquiry.pk, actor=demo.director, status="spam")
    inquiry.refresh_from_db()
    assert inquiry.status == "spam"
