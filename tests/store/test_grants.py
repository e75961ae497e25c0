"""Grant lifecycle: expiry with a grace period (idempotent sweep), reminders once per term,
one-click renewal at the current price, pro-rated extra seats, download limits and signed
links, online access with seats and IP ranges."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketing.store import actions
from marketing.store.models import AccessSession, Grant, StoreOrder, StoreOrderLine
from marketing.store.views.grants import DOWNLOAD_SALT, download_token
from office.exceptions import DomainError
from office.models import Notification
from tests.store.factories import paid_order, pay

pytestmark = pytest.mark.django_db


def _online(demo, capture, **kw) -> Grant:
    return paid_order(demo.client_a, capture, **kw).grants.get()


def _ending(grant: Grant, ends: datetime.datetime) -> Grant:
    Grant.objects.filter(pk=grant.pk).update(ends_at=ends, starts_at=ends - datetime.timedelta(days=365))
    grant.refresh_from_db()
    return grant


def test_expiry_waits_for_the_grace_period_and_is_idempotent(demo, django_capture_on_commit_callbacks, settings):
    settings.STORE_GRACE_DAYS = 7
    grant = _online(demo, django_capture_on_commit_callbacks)
    now = timezone.now()
    _ending(grant, now - datetime.timedelta(days=3))  # ended, but within the grace period
    assert actions.grants_expire() == 0
    grant.refresh_from_db()
    assert grant.status == Grant.Status.ACTIVE and grant.usable_at()
    _ending(grant, now - datetime.timedelta(days=8))
    assert actions.grants_expire() >= 1
    assert actions.grants_expire() == 0
    grant.refresh_from_db()
    assert grant.status == Grant.Status.EXPIRED and not grant.usable_at()


def test_reminder_goes_out_once_per_term(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks)
    assert actions.grants_remind() == 0  # a year left
    _ending(grant, timezone.now() + datetime.timedelta(days=10))
    assert actions.grants_remind() == 1
    assert actions.grants_remind() == 0
    notice = Notification.objects.filter(recipient=demo.client_a, verb="store.grant.reminder").get()
    assert notice.params["product"] == grant.product.name


def test_renewal_at_the_current_price_extends_the_term(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks)
    end = timezone.now() + datetime.timedelta(days=10)
    _ending(grant, end)
    Grant.objects.filter(pk=grant.pk).update(reminder_sent_at=timezone.now())
    grant.option.prices.filter(buyer_type="organisation", min_quantity=1).update(unit_minor=500_000)
    order = actions.grant_renew(grant_id=grant.pk, actor=demo.client_a)
    assert actions.grant_renew(grant_id=grant.pk, actor=demo.client_a).pk == order.pk  # a second click
    assert order.total_minor == 1_000_000  # two seats at today's price
    pay(order, demo.client_a, django_capture_on_commit_callbacks)
    grant.refresh_from_db()
    assert grant.ends_at.date() == actions.grants.add_months(end, 12).date()
    assert grant.reminder_sent_at is None and grant.status == Grant.Status.ACTIVE


def test_an_expired_grant_can_be_renewed(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks)
    _ending(grant, timezone.now() - datetime.timedelta(days=30))
    actions.grants_expire()
    order = actions.grant_renew(grant_id=grant.pk, actor=demo.client_a)
    pay(order, demo.client_a, django_capture_on_commit_callbacks)
    grant.refresh_from_db()
    assert grant.status == Grant.Status.ACTIVE and grant.ends_at > timezone.now() + datetime.timedelta(days=300)


def test_more_seats_are_pro_rated(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks)
    now = timezone.now()
    Grant.objects.filter(pk=grant.pk).update(
        starts_at=now - datetime.timedelta(days=50), ends_at=now + datetime.timedelta(days=50)
    )
    order = actions.grant_upgrade(grant_id=grant.pk, actor=demo.client_a, extra_seats="1")
    line = order.lines.get()
    assert line.purpose == StoreOrderLine.Purpose.UPGRADE
    assert abs(order.total_minor - 225_000) <= 10  # half a term of one 450,000 seat
    pay(order, demo.client_a, django_capture_on_commit_callbacks)
    grant.refresh_from_db()
    assert grant.seats == 3


@pytest.mark.parametrize("seats", ["0", "-2"])
def test_upgrade_refuses_seats_below_one(demo, django_capture_on_commit_callbacks, seats):
    grant = _online(demo, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError):
        actions.grant_upgrade(grant_id=grant.pk, actor=demo.client_a, extra_seats=seats)
    assert not StoreOrder.objects.filter(lines__grant=grant).exists()


def test_others_cannot_renew(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        actions.grant_renew(grant_id=grant.pk, actor=demo.client_b)


# --- downloads ----------------------------------------------------------------------------


def _download_grant(demo, capture) -> Grant:
    return paid_order(
        demo.client_a, capture, product="battery-industry-report-2026", kind="download", seats=1
    ).grants.get()


def test_download_link_counts_and_stops_at_the_limit(demo, django_capture_on_commit_callbacks):
    grant = _download_grant(demo, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(demo.client_a)
    url = reverse("store:download", args=[download_token(grant, demo.client_a)])
    for _ in range(grant.option.max_downloads):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"Battery")
    assert client.get(url).status_code == 403
    grant.refresh_from_db()
    assert grant.downloads_used == grant.option.max_downloads


def test_download_link_is_only_for_its_user_and_not_forgeable(demo, django_capture_on_commit_callbacks):
    grant = _download_grant(demo, django_capture_on_commit_callbacks)
    token = download_token(grant, demo.client_a)
    other = Client()
    other.force_login(demo.client_b)
    assert other.get(reverse("store:download", args=[token])).status_code == 404
    mine = Client()
    mine.force_login(demo.client_a)
    forged = signing.TimestampSigner(salt="another").sign_object({"g": grant.pk, "u": demo.client_a.pk})
    assert mine.get(reverse("store:download", args=[forged])).status_code == 404
    assert mine.get(reverse("store:download", args=[token[:-2] + "xx"])).status_code == 404
    grant.refresh_from_db()
    assert grant.downloads_used == 0


def test_download_link_expires(demo, django_capture_on_commit_callbacks, monkeypatch):
    grant = _download_grant(demo, django_capture_on_commit_callbacks)
    token = signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object({"g": grant.pk, "u": demo.client_a.pk})
    real = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + 86400 * (grant.option.link_days + 1))
    client = Client()
    client.force_login(demo.client_a)
    assert client.get(reverse("store:download", args=[token])).status_code == 410
    grant.refresh_from_db()
    assert grant.downloads_used == 0


# --- online access ------------------------------------------------------------------------


def test_seats_limit_concurrent_sessions(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks, seats=2)
    actions.access_enter(grant_id=grant.pk, actor=demo.client_a, session_key="a", ip="203.0.113.1")
    actions.access_enter(grant_id=grant.pk, actor=demo.client_a, session_key="b", ip="203.0.113.1")
    actions.access_enter(grant_id=grant.pk, actor=demo.client_a, session_key="a", ip="203.0.113.1")  # same session
    with pytest.raises(DomainError, match="seats"):
        actions.access_enter(grant_id=grant.pk, actor=demo.client_a, session_key="c", ip="203.0.113.1")
    # An idle session frees its seat.
    AccessSession.objects.filter(grant=grant, session_key="a").update(
        last_seen=timezone.now() - datetime.timedelta(hours=1)
    )
    actions.access_enter(grant_id=grant.pk, actor=demo.client_a, session_key="c", ip="203.0.113.1")


def test_office_licence_checks_ip_ranges_and_serves_every_staff_member(demo, django_capture_on_commit_callbacks):
    from marketing.store.models import Grant as G

    grant = G.objects.get(holder_organization__code="east", product__slug="lingnan-local-history")
    assert grant.ip_ranges == "198.51.100.0/24"
    with pytest.raises(DomainError, match="outside"):
        actions.access_enter(grant_id=grant.pk, actor=demo.staff_east, session_key="x", ip="203.0.113.9")
    actions.access_enter(grant_id=grant.pk, actor=demo.director_east, session_key="y", ip="198.51.100.20")
    with pytest.raises(PermissionDenied):
        actions.access_enter(grant_id=grant.pk, actor=demo.client_a, session_key="z", ip="198.51.100.20")


def test_access_page_shows_the_content_to_the_entitled_only(demo, django_capture_on_commit_callbacks):
    grant = _online(demo, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(demo.client_a)
    response = client.get(reverse("store:access", args=[grant.pk]))
    assert response.status_code == 200 and "access-content" in response.content.decode()
    other = Client()
    other.force_login(demo.client_b)
    assert other.get(reverse("store:access", args=[grant.pk])).status_code == 404
    _ending(grant, timezone.now() - datetime.timedelta(days=30))
    actions.grants_expire()
    assert client.get(reverse("store:access", args=[grant.pk])).status_code == 403
