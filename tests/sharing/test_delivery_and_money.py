"""Document delivery (PDF upload, expiring limited-use links, file deletion), client requests
paid through payments, monthly netting into statements and paying them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from office.exceptions import DomainError
from office.models import AuditEvent
from payments.models import Payment
from sharing import actions, sweeps
from sharing.models import Charge, DeliveredFile, DownloadLink, Settlement, SharingRequest
from tests.services.factories import pay
from tests.sharing.factories import copy, loan, network, not_pdf, pdf_upload

pytestmark = pytest.mark.django_db
Status = SharingRequest.Status


@pytest.fixture
def net(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return network()


def _delivered(net, django_capture_on_commit_callbacks):
    r = copy(net)
    with django_capture_on_commit_callbacks(execute=True):
        r = actions.request_deliver(request_id=r.pk, actor=net.home, upload=pdf_upload())
    return r


def test_deliver_stores_pdf_and_emails_an_expiring_link(net, django_capture_on_commit_callbacks):
    r = _delivered(net, django_capture_on_commit_callbacks)
    assert r.status == Status.DELIVERED
    link = DownloadLink.objects.get(file__request=r)
    assert link.user == net.east and link.max_uses == 3
    assert link.expires_at > timezone.now() + dt.timedelta(days=6)
    assert any(f"/sharing/download/{link.token}/" in m.body for m in mail.outbox if net.east.email in m.to)


def test_deliver_refuses_a_non_pdf_and_loans(net):
    r = copy(net)
    with pytest.raises(DomainError, match="PDF"):
        actions.request_deliver(request_id=r.pk, actor=net.home, upload=not_pdf())
    assert not DeliveredFile.objects.exists()
    r2 = loan(net)
    with pytest.raises(DomainError):
        actions.request_deliver(request_id=r2.pk, actor=net.home, upload=pdf_upload())
    with pytest.raises(PermissionDenied):
        actions.request_deliver(request_id=r.pk, actor=net.riverside, upload=pdf_upload())


def test_link_only_for_its_user_limited_uses_and_expiry(net, django_capture_on_commit_callbacks):
    r = _delivered(net, django_capture_on_commit_callbacks)
    link = DownloadLink.objects.get(file__request=r)
    with pytest.raises(PermissionDenied):
        actions.link_use(token=link.token, user=net.home)
    for _ in range(3):
        assert actions.link_use(token=link.token, user=net.east).pk == link.file_id
    with pytest.raises(DomainError, match="used"):
        actions.link_use(token=link.token, user=net.east)
    DownloadLink.objects.filter(pk=link.pk).update(use_count=0, expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError, match="expired"):
        actions.link_use(token=link.token, user=net.east)
    assert AuditEvent.objects.filter(verb="sharing.file.downloaded").count() == 3


def test_download_view_serves_the_pdf_to_its_user_only(net, client, django_capture_on_commit_callbacks):
    r = _delivered(net, django_capture_on_commit_callbacks)
    link = DownloadLink.objects.get(file__request=r)
    url = f"/sharing/download/{link.token}/"
    client.force_login(net.home)
    assert client.get(url).status_code == 404
    client.force_login(net.east)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    DownloadLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url).status_code == 410


def test_received_copy_completes_with_a_charge(net, django_capture_on_commit_callbacks):
    r = _delivered(net, django_capture_on_commit_callbacks)
    r = actions.request_mark_received(request_id=r.pk, actor=net.east)
    assert r.status == Status.COMPLETE and r.charge_minor == 500 + 10 * 30


def test_file_deleted_after_setting_days_audited_and_idempotent(net, settings, django_capture_on_commit_callbacks):
    settings.SHARING_FILE_DAYS = 5
    r = _delivered(net, django_capture_on_commit_callbacks)
    stored = DeliveredFile.objects.get(request=r)
    path = stored.file.path
    assert sweeps.files_due(now=timezone.now() + dt.timedelta(days=4)) == 0
    assert sweeps.files_due(now=timezone.now() + dt.timedelta(days=6)) == 1
    stored.refresh_from_db()
    import os

    assert stored.deleted_at and not stored.file and not os.path.exists(path)
    assert AuditEvent.objects.filter(verb="sharing.file.deleted", data__file=stored.pk).count() == 1
    assert r.events.filter(kind="file_deleted").exists()
    assert sweeps.files_due(now=timezone.now() + dt.timedelta(days=60)) == 0
    link = DownloadLink.objects.get(file=stored)
    with pytest.raises(DomainError, match="deleted"):
        actions.link_use(token=link.token, user=net.east)


# --- client document delivery -----------------------------------------------------------------


def test_client_request_waits_for_payment_then_is_sent(net, django_capture_on_commit_callbacks):
    r = actions.client_request_create(
        actor=net.client, copyright_declared=True, title="E-commerce", isbn="9787040000016", pages="1-10"
    )
    assert r.status == Status.AWAITING_PAYMENT and r.borrower == net.agencies["home"]
    assert r.client_fee_minor == 500 + 10 * 30 and not r.rota.exists()
    payment = actions.client_request_pay(request_id=r.pk, actor=net.client)
    assert payment.amount_minor == r.client_fee_minor
    with django_capture_on_commit_callbacks(execute=True):
        pay(payment)
    r.refresh_from_db()
    assert r.client_paid_at and r.status == Status.SENT and r.lender.agency_id == "CN-RIVER"


def test_client_request_needs_declaration_and_pages(net):
    with pytest.raises(DomainError):
        actions.client_request_create(actor=net.client, copyright_declared=False, title="X", pages="1-2")
    with pytest.raises(DomainError):
        actions.client_request_create(actor=net.client, copyright_declared=True, title="X", pages="")
    with pytest.raises(PermissionDenied):
        actions.client_request_create(actor=net.east, copyright_declared=True, title="X", pages="1")


def test_unfilled_paid_client_request_is_refunded(net, django_capture_on_commit_callbacks):
    r = actions.client_request_create(actor=net.client, copyright_declared=True, title="Nowhere", pages="1-2")
    with django_capture_on_commit_callbacks(execute=True):
        pay(actions.client_request_pay(request_id=r.pk, actor=net.client))
    r.refresh_from_db()
    assert r.status == Status.UNFILLED
    payment = Payment.objects.get(pk=r.client_payment_id)
    assert payment.refunds.exists()


def test_other_client_cannot_pay_or_see(net):
    from tests import factories

    r = actions.client_request_create(actor=net.client, copyright_declared=True, title="X", pages="1-2")
    other = factories.client_user("other_client")
    with pytest.raises(PermissionDenied):
        actions.client_request_pay(request_id=r.pk, actor=other)
    assert not SharingRequest.objects.visible_to(other).exists()
    assert SharingRequest.objects.visible_to(net.client).count() == 1


# --- settlement -------------------------------------------------------------------------------


def _charge(net, debtor, creditor, amount, when):
    r = loan(net)
    return Charge.objects.create(
        request=r,
        debtor=net.agencies[debtor],
        creditor=net.agencies[creditor],
        amount_minor=amount,
        created_at=when,
    )


def test_month_is_netted_per_pair_idempotently(net):
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    _charge(net, "east", "riverside", 3000, march)
    _charge(net, "east", "riverside", 1500, march)
    _charge(net, "riverside", "east", 1000, march)
    _charge(net, "north", "home", 800, march)
    _charge(net, "east", "riverside", 999, timezone.make_aware(dt.datetime(2026, 4, 2, 10)))  # next month
    ids = actions.settlement_close_month(period_start=dt.date(2026, 3, 1))
    assert len(ids) == 2
    s = Settlement.objects.get(debtor=net.agencies["east"])
    assert (s.amount_minor, s.creditor, s.status) == (3500, net.agencies["riverside"], "issued")
    assert s.charges.count() == 3
    assert actions.settlement_close_month(period_start=dt.date(2026, 3, 1)) == []  # nothing left open
    assert Settlement.objects.count() == 2
    assert AuditEvent.objects.filter(verb="sharing.settlement.issued").count() == 2


def test_even_pair_is_settled_with_nothing_to_pay(net):
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    _charge(net, "east", "riverside", 1000, march)
    _charge(net, "riverside", "east", 1000, march)
    actions.settlement_close_month(period_start=dt.date(2026, 3, 1))
    s = Settlement.objects.get()
    assert s.status == "settled" and s.debtor is None and not s.is_payable


def test_debtor_pays_the_statement_online(net, django_capture_on_commit_callbacks):
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    _charge(net, "east", "riverside", 3000, march)
    actions.settlement_close_month(period_start=dt.date(2026, 3, 1))
    s = Settlement.objects.get()
    with pytest.raises(PermissionDenied):
        actions.settlement_pay(settlement_id=s.pk, actor=net.east)  # staff, not a head
    with pytest.raises(PermissionDenied):
        actions.settlement_pay(settlement_id=s.pk, actor=net.river_head)  # the creditor
    payment = actions.settlement_pay(settlement_id=s.pk, actor=net.east_head)
    assert payment.amount_minor == 3000 and payment.payee_organization == net.agencies["riverside"].organization
    with django_capture_on_commit_callbacks(execute=True):
        pay(payment)
    s.refresh_from_db()
    assert s.status == "paid" and s.paid_at and s.payment_id == payment.pk
    with pytest.raises(DomainError):
        actions.settlement_pay(settlement_id=s.pk, actor=net.east_head)


def test_monthly_task_closes_last_month(net):
    from sharing.tasks import settlement_close_month_task

    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=3)
    _charge(net, "east", "home", 1200, timezone.make_aware(dt.datetime.combine(last_month, dt.time(9))))
    assert settlement_close_month_task() == 1
    assert settlement_close_month_task() == 0
    assert Settlement.objects.count() == 1
