"""The audit log in the reader's language, continued (issue 20, FOLIO's readable audit log): a
payment's purpose and where a change came from read as words, a survey follow-up by its survey
in the reader's language, and the storefront's, customer contact's and equipment's objects link
to their pages for a reader who may open them (and only for such a reader)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone, translation

from office import audit
from office.audit_text import lines_for
from office.audit_text.codes import purpose_label, source_label
from tests import factories

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _lines(events: list[Any], reader: Any, language: str) -> list[Any]:
    with translation.override(language):
        return lines_for(events, reader)


def _follow_up() -> Any:
    from marketing.support.models import SurveyFollowUp, SurveyInvitation

    existing = SurveyFollowUp.objects.select_related("survey").order_by("pk").first()
    if existing is not None:
        return existing
    survey = SurveyInvitation.objects.select_related("department").first()
    assert survey is not None, "the demo has satisfaction surveys"
    survey.score = 2
    survey.status = SurveyInvitation.Status.ANSWERED
    survey.answered_at = timezone.now()
    survey.save()
    return SurveyFollowUp.objects.create(survey=survey, department=survey.department)


def test_a_payments_purpose_and_source_read_in_chinese(demo: Any) -> None:
    from payments.models import Payment

    payment = Payment.objects.order_by("pk").first()
    events = [
        audit.record(
            actor=None,
            verb="payments.payment.created",
            target=payment,
            data={"amount_minor": 35000, "currency": "CNY", "purpose": "store.order"},
        ),
        audit.record(
            actor=None,
            verb="payments.payment.succeeded",
            target=payment,
            data={"from": "processing", "source": "webhook charge.refunded (after close)"},
        ),
        audit.record(
            actor=None,
            verb="payments.payment.failed",
            target=payment,
            data={"from": "processing", "source": "webhook payment_intent.payment_failed"},
        ),
        audit.record(actor=None, verb="payments.payment.cancelled", target=payment, data={"source": "retrieve"}),
    ]
    created, succeeded, failed, cancelled = _lines(events, demo.users["director"], "zh-hans")
    shown = [d.value for line in (created, succeeded, failed, cancelled) for d in line.details]
    assert shown and not [value for value in shown if ENGLISH.search(value)], shown
    assert {d.label: d.value for d in created.details}["用途"] == "商店订单"
    assert {d.label: d.value for d in succeeded.details}["来源"] == "支付服务商的通知：款项已退回（付款用途关闭之后）"
    assert {d.label: d.value for d in failed.details}["来源"] == "支付服务商的通知：付款失败"
    assert {d.label: d.value for d in cancelled.details}["来源"] == "向支付服务商核对"

    english = _lines(events, demo.users["director"], "en")
    assert {d.label: d.value for d in english[0].details}["purpose"] == "Store order"
    assert {d.label: d.value for d in english[1].details}["source"] == (
        "message from the payment provider: charge refunded, after its purpose was closed"
    )


def test_unknown_codes_are_shown_as_they_are() -> None:
    with translation.override("zh-hans"):
        assert purpose_label("nowhere.thing") is None
        assert source_label("carrier pigeon") is None
        # A webhook event we do not know: the provider's own code is not shown, the source is.
        assert source_label("webhook customer.created") == "支付服务商的通知"
        assert source_label("poll") == "供应商系统（主动查询）"


def test_a_follow_up_is_named_by_its_survey_in_the_readers_language(demo: Any) -> None:
    follow_up = _follow_up()
    event = audit.record(actor=None, target=follow_up, verb="support.follow_up.opened", data={"score": 2})
    assert event.target_repr == f"{follow_up.survey_id} {follow_up.status}"  # what was stored: codes
    survey = follow_up.survey
    for language in ("zh-hans", "en"):
        (line,) = _lines([event], demo.users["director"], language)
        with translation.override(language):
            kind = str(survey.get_kind_display())
        assert line.name == f"{kind} {survey.subject_label}"
        assert event.target_repr not in line.summary
    (chinese,) = _lines([event], demo.users["director"], "zh-hans")
    assert ENGLISH.search(chinese.kind) is None
    assert ENGLISH.search(chinese.summary.replace(survey.subject_label, "")) is None, chinese.summary


def _store_support_equipment_events(demo: Any) -> dict[str, Any]:
    from marketing.store.models import Coupon, Grant, Product, StoreOrder
    from marketing.support.models import CannedAnswer, Conversation
    from office.models import Equipment

    buyer = demo.users["client_b"]
    order = StoreOrder.objects.filter(buyer_user=buyer).order_by("pk").first()
    targets = {
        "store.order.placed": order,
        "store.grant.issued": Grant.objects.filter(order=order).first(),
        "store.product.updated": Product.objects.order_by("pk").first(),
        "store.coupon.updated": Coupon.objects.get(code="SPRING26"),
        "support.conversation.closed": Conversation.objects.order_by("pk").first(),
        "support.canned_answer.changed": CannedAnswer.objects.order_by("pk").first(),
        "support.follow_up.opened": _follow_up(),
        "office.equipment.changed": Equipment.objects.filter(organization=factories.home_office()).first()
        or factories.equipment(),
    }
    assert all(targets.values()), targets
    home = factories.home_office()
    return {
        verb: audit.record(actor=None, target=target, verb=verb, organization=home, data={})
        for verb, target in targets.items()
    }


def test_store_support_and_equipment_objects_link_for_a_reader_who_may_open_them(demo: Any) -> None:
    events = _store_support_equipment_events(demo)
    director = demo.users["director"]
    lines = dict(zip(events, _lines(list(events.values()), director, "zh-hans"), strict=True))
    client = demo.client("director")
    # Not the licence: its page is its holder's (the buyer's, below).
    assert lines.pop("store.grant.issued").url == ""
    for verb, line in lines.items():
        assert line.url, f"{verb}: no link for the director"
        assert f'<a href="{line.url}">' in line.summary_html
        assert client.get(line.url).status_code == 200, (verb, line.url)

    # A member office's staff member: none of these is theirs to open.
    outsider = demo.users["staff_east"]
    for verb, line in zip(events, _lines(list(events.values()), outsider, "zh-hans"), strict=True):
        assert line.url == "" and "<a " not in line.summary_html, verb
        assert line.name  # the name is still there, as text

    # The buyer may open their order and licence, not the seller's or the console's pages.
    buyer_lines = dict(zip(events, _lines(list(events.values()), demo.users["client_b"], "en"), strict=True))
    assert buyer_lines["store.order.placed"].url and buyer_lines["store.grant.issued"].url
    assert demo.client("client_b").get(buyer_lines["store.grant.issued"].url).status_code == 200
    assert not any(
        line.url for verb, line in buyer_lines.items() if verb not in ("store.order.placed", "store.grant.issued")
    )


def test_the_audit_page_links_the_store_for_its_reader(demo: Any, django_assert_max_num_queries: Any) -> None:
    from django.urls import reverse

    events = _store_support_equipment_events(demo)
    client = demo.client("director")
    with django_assert_max_num_queries(60):
        page = client.get(reverse("office:audit_list"), {"verb": "store."}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    order = events["store.order.placed"].target_id
    assert f'href="{reverse("store:order_detail", args=[order])}"' in html
