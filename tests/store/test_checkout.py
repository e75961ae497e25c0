"""Cart, checkout and payment of storefront orders (marketing/store/actions): what a buyer pays,
what a paid order gives, what refunds end, and what bad input changes (nothing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from marketing.store import actions
from marketing.store.models import Cart, CartLine, Coupon, Grant, StoreOrder
from office.exceptions import DomainError
from office.models import AuditEvent, Preference
from payments import actions as payment_actions
from payments.models import Payment
from tests.store.factories import option, paid_order, pay, placed_order

pytestmark = pytest.mark.django_db


def test_client_buys_two_seats_of_online_access(demo, django_capture_on_commit_callbacks, mailoutbox):
    order = placed_order(demo.client_a, seats=2)
    # client_a is an organisation: 450,000 fen a seat, tax included.
    assert order.status == StoreOrder.Status.PENDING and order.buyer_type == "organisation"
    assert order.total_minor == 900_000 and order.tax_minor == 50_943  # 900000 × 6/106
    assert not CartLine.objects.filter(cart__user=demo.client_a).exists()
    order = pay(order, demo.client_a, django_capture_on_commit_callbacks)
    assert order.status == StoreOrder.Status.PAID
    grant = order.grants.get()
    assert grant.kind == "online" and grant.seats == 2 and grant.status == Grant.Status.ACTIVE
    assert grant.ends_at.date() > (timezone.now() + datetime.timedelta(days=360)).date()
    assert grant.certificate.number.startswith("LIC-") and len(grant.certificate.verification_code) == 19
    assert AuditEvent.objects.filter(verb="store.grant.issued", target_id=str(grant.pk)).count() == 1
    mail = next(m for m in mailoutbox if m.attachments)
    assert order.number in mail.subject
    assert {name.split("-")[0] for name, _content, _type in mail.attachments} == {"invoice", "certificate"}
    assert all(content.startswith(b"%PDF") for _name, content, _type in mail.attachments)


def test_confirmation_is_in_the_buyers_language(demo, django_capture_on_commit_callbacks, mailoutbox):
    Preference.objects.update_or_create(user=demo.client_a, defaults={"language": "zh-hans"})
    with translation.override("en"):
        paid_order(demo.client_a, django_capture_on_commit_callbacks)
    assert "确认" in next(m for m in mailoutbox if m.attachments).subject


def test_confirmation_is_sent_once(demo, django_capture_on_commit_callbacks, mailoutbox):
    actions.order_confirmations_sweep()  # the demo's orders, seeded without a worker
    mailoutbox.clear()
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks)
    assert len([m for m in mailoutbox if m.attachments]) == 1
    assert actions.order_confirmation_send(order_id=order.pk) is False
    assert actions.order_confirmations_sweep() == 0
    assert len([m for m in mailoutbox if m.attachments]) == 1


def test_double_checkout_with_one_token_makes_one_order_and_one_payment(demo):
    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=2)
    first = actions.checkout(actor=demo.client_a, token="same-token")
    second = actions.checkout(actor=demo.client_a, token="same-token")
    assert first.pk == second.pk
    p1 = actions.order_pay(order_id=first.pk, actor=demo.client_a)
    p2 = actions.order_pay(order_id=first.pk, actor=demo.client_a)
    assert p1.pk == p2.pk
    assert Payment.objects.filter(purpose_type="store.order", purpose_id=str(first.pk)).count() == 1


def test_checkout_of_an_empty_cart_is_refused(demo):
    with pytest.raises(DomainError):
        actions.checkout(actor=demo.client_a, token="t1")
    assert not StoreOrder.objects.filter(buyer_user=demo.client_a, idempotency_key__contains="t1").exists()


def test_home_staff_do_not_buy(demo):
    with pytest.raises(PermissionDenied):
        actions.cart_add(actor=demo.staff_infodev, option_id=option().pk)


@pytest.mark.parametrize("seats", ["0", "-1", "two", "100001"])
def test_bad_seats_are_refused_and_change_nothing(demo, seats):
    with pytest.raises(DomainError):
        actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=seats)
    assert not CartLine.objects.filter(cart__user=demo.client_a).exists()


@pytest.mark.parametrize("ranges", ["10.0.0.300/24", "not a range", "10.0.0.0/33", "::g/64"])
def test_an_ip_range_that_is_not_a_range_is_refused(demo, ranges):
    with pytest.raises(DomainError, match="not an IP range"):
        actions.cart_add(actor=demo.staff_east, option_id=option().pk, quantity=1, ip_ranges=ranges)
    assert not CartLine.objects.filter(cart__user=demo.staff_east).exists()


def test_ip_ranges_are_normalised_and_only_for_offices(demo):
    line = actions.cart_add(
        actor=demo.staff_east, option_id=option().pk, quantity=1, ip_ranges="198.51.100.7/24\n203.0.113.5"
    )
    assert line.ip_ranges == "198.51.100.0/24\n203.0.113.5/32"
    with pytest.raises(DomainError):
        actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1, ip_ranges="198.51.100.0/24")


def test_transmission_rights_are_for_member_offices_only(demo):
    with pytest.raises(DomainError, match="member offices"):
        actions.cart_add(actor=demo.client_a, option_id=option(kind="transmission").pk)


def _coupon(**kw) -> Coupon:
    today = timezone.localdate()
    values = {
        "code": "TEST10",
        "campaign": "autumn-mail",
        "percent_off": 10,
        "valid_from": today - datetime.timedelta(days=1),
        "valid_until": today + datetime.timedelta(days=1),
        "max_uses": 1,
    }
    values.update(kw)
    return Coupon.objects.create(**values)


def test_coupon_discounts_and_is_counted_with_its_campaign(demo):
    coupon = _coupon()
    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1)
    actions.cart_apply_coupon(actor=demo.client_a, code="test10")
    order = actions.checkout(actor=demo.client_a, token="c1")
    assert order.discount_minor == 45_000 and order.total_minor == 405_000
    assert order.campaign == "autumn-mail"
    coupon.refresh_from_db()
    assert coupon.used_count == 1
    # Used up now: the next buyer's code is refused.
    with pytest.raises(DomainError, match="used up"):
        actions.cart_apply_coupon(actor=demo.client_b, code="TEST10")


def test_an_expired_coupon_is_refused_and_changes_nothing(demo):
    _coupon(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1)
    with pytest.raises(DomainError, match="not valid"):
        actions.cart_apply_coupon(actor=demo.client_a, code="TEST10")
    assert Cart.objects.get(user=demo.client_a).coupon is None


def test_an_order_cancelled_before_payment_is_refunded_when_paid_late(demo, django_capture_on_commit_callbacks):
    order = placed_order(demo.client_a)
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    StoreOrder.objects.filter(pk=order.pk).update(status=StoreOrder.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    from payments.gateways.simulated import SimulatedGateway

    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_sync(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.purpose_outcome == Payment.PurposeOutcome.CLOSED
    assert not Grant.objects.filter(order=order).exists()


def test_a_refund_ends_the_grants_at_once(demo, django_capture_on_commit_callbacks):
    order = paid_order(demo.client_a, django_capture_on_commit_callbacks)
    grant = order.grants.get()
    with django_capture_on_commit_callbacks(execute=True):
        payment_actions.payment_refund(payment_id=order.payment_id, actor=demo.director, reason="Bought twice")
    order.refresh_from_db()
    grant.refresh_from_db()
    assert order.status == StoreOrder.Status.REFUNDED
    assert grant.status == Grant.Status.REVOKED and not grant.usable_at()
    assert AuditEvent.objects.filter(verb="store.grant.revoked", target_id=str(grant.pk)).count() == 1


def test_buyer_cancels_an_unpaid_order_but_not_someone_elses(demo):
    order = placed_order(demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.order_cancel(order_id=order.pk, actor=demo.client_b)
    actions.order_cancel(order_id=order.pk, actor=demo.client_a)
    order.refresh_from_db()
    assert order.status == StoreOrder.Status.CANCELLED


def test_nobody_else_pays_an_order(demo):
    order = placed_order(demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.order_pay(order_id=order.pk, actor=demo.client_b)


def test_order_is_attributed_to_the_campaign_the_buyer_came_through(demo):
    actions.cart_add(actor=demo.client_a, option_id=option().pk, quantity=1)
    order = actions.checkout(actor=demo.client_a, token="utm", campaign="spring-newsletter")
    assert order.campaign == "spring-newsletter"
