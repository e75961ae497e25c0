"""Views: client_b never reaches client_a's things (404), uploads, downloads, registration,
catalog, queue and CSV."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from office.models import ClientAccount
from payments.models import Payment
from services import actions
from services.models import DownloadLink, Offering, OrderFile, ServiceOrder
from tests.services.factories import PNG, order_in, pdf_upload

pytestmark = pytest.mark.django_db

POST_URLS = [
    "order_quote", "order_accept", "order_decline", "order_cancel", "order_pay", "order_refund", "order_assign",
    "order_start", "order_message", "order_file_upload", "order_deliver", "order_report", "order_confirm",
]  # fmt: skip


# --- IDOR: client_b vs client_a ------------------------------------------------------------------


@pytest.mark.parametrize("state", ["quoted", "accepted", "paid", "in_progress", "delivered"])
def test_client_b_gets_404_on_every_url_of_client_a_order(demo, state):
    order = order_in(demo, state)
    client_b = demo.client("client_b")
    assert client_b.get(reverse("services:order_detail", args=[order.pk])).status_code == 404
    for name in POST_URLS:
        response = client_b.post(reverse(f"services:{name}", args=[order.pk]), {"rating": 5, "body": "x"})
        assert response.status_code == 404, name
    after = ServiceOrder.objects.get(pk=order.pk)
    assert after.status == state and after.messages.count() == order.messages.count()


def test_client_b_cannot_fetch_client_a_files_or_links(demo):
    order = order_in(demo, "delivered")
    fresh = actions.order_create(
        actor=demo.client_a,
        offering_id=Offering.objects.get(code="novelty-search").pk,
        topic="x",
        delivery_channel="download",
        attachments=[pdf_upload("brief.pdf")],
    )
    brief = fresh.files.get()
    link = DownloadLink.objects.get(file__order=order)
    deliverable = link.file
    client_b, client_a = demo.client("client_b"), demo.client("client_a")
    assert client_b.get(reverse("services:order_file_download", args=[fresh.pk, brief.pk])).status_code == 404
    assert client_b.get(reverse("services:order_file_download", args=[order.pk, deliverable.pk])).status_code == 404
    assert client_b.get(reverse("services:download", args=[link.pk])).status_code == 404
    # Mixing client_b's own order id with client_a's file id does not help either.
    own = order_in(demo, "requested", client="client_b")
    assert client_b.get(reverse("services:order_file_download", args=[own.pk, brief.pk])).status_code == 404
    assert client_a.get(reverse("services:order_file_download", args=[fresh.pk, brief.pk])).status_code == 200


def test_order_list_shows_only_the_clients_own_orders(demo):
    a = order_in(demo, "quoted", topic="Alpha topic of client A")
    order_in(demo, "quoted", client="client_b", topic="Beta topic of client B")
    body = demo.client("client_b").get(reverse("services:order_list")).content.decode()
    assert "Beta topic" in body and "Alpha topic" not in body and a.number not in body


def test_other_office_staff_get_404_on_orders(demo):
    order = order_in(demo, "paid")
    assert demo.client("staff_east").get(reverse("services:order_detail", args=[order.pk])).status_code == 404


# --- downloads ---------------------------------------------------------------------------------


def test_download_link_is_an_attachment_for_its_client_only_and_expires(demo):
    order = order_in(demo, "delivered")
    link = DownloadLink.objects.get(file__order=order)
    url = reverse("services:download", args=[link.pk])
    response = demo.client("client_a").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    link.refresh_from_db()
    assert link.download_count == 1
    for other in ("client_b", "staff_infodev", "director"):
        assert demo.client(other).get(url).status_code == 404
    DownloadLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert demo.client("client_a").get(url).status_code == 404


def test_download_filename_is_encoded_and_cannot_inject_headers(demo):
    order = order_in(demo, "in_progress")
    item = actions.order_file_add(
        order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload('查新 "report".pdf'), kind="deliverable"
    )
    response = demo.client("staff_infodev").get(reverse("services:order_file_download", args=[order.pk, item.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" in disposition
    assert "\n" not in disposition and "\r" not in disposition


def test_client_cannot_fetch_undelivered_deliverables_directly(demo):
    order = order_in(demo, "in_progress")
    item = actions.order_file_add(order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind="deliverable")
    url = reverse("services:order_file_download", args=[order.pk, item.pk])
    assert demo.client("client_a").get(url).status_code == 404
    assert demo.client("head_infodev").get(url).status_code == 200


# --- uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("page.html", b"<html><script>alert(1)</script>", "not accepted"),
        ("image.svg", b"<svg onload=alert(1)>", "not accepted"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match"),
        ("fake.png", b"%PDF-1.4", "does not match"),
        ("empty.pdf", b"", "empty"),
        ("notes.txt", b"\x00\x01binary", "plain UTF-8"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(demo, name, content, message):
    order = order_in(demo, "requested")
    client = demo.client("client_a")
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("services:order_file_upload", args=[order.pk]), {"file": upload}, follow=True)
    if content:
        assert message in response.content.decode(), response.content.decode()[:500]
    assert not order.files.exists()


def test_too_large_upload_is_refused(demo, settings):
    settings.SERVICES_MAX_UPLOAD_BYTES = 1024
    order = order_in(demo, "requested")
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    response = demo.client("client_a").post(
        reverse("services:order_file_upload", args=[order.pk]), {"file": upload}, follow=True
    )
    assert "too large" in response.content.decode()
    assert not order.files.exists()


def test_upload_with_a_path_is_stored_under_a_server_name_inside_media(demo):
    order = order_in(demo, "requested")
    for name in ("../../etc/passwd.pdf", "..\\..\\win.ini.pdf", "/abs/x.png"):
        content = PNG if name.endswith(".png") else b"%PDF-1.4 x"
        response = demo.client("client_a").post(
            reverse("services:order_file_upload", args=[order.pk]), {"file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 302
    root = Path(settings.MEDIA_ROOT).resolve()
    for item in order.files.all():
        path = Path(item.file.path).resolve()
        assert root in path.parents
        assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png)", path.name)
        assert "/" not in item.original_name and "\\" not in item.original_name and ".." not in item.original_name


def test_path_in_a_name_given_to_the_validator_is_refused(demo):
    from services.uploads import UploadRejected, clean_name

    # Django's parser already drops folders from uploaded names; the validator refuses them too.
    for name in ("../x.pdf", "a/b.pdf", "a\\b.pdf", "..", "x\x00.pdf", "invoice\u202egpj.pdf", "x" * 151 + ".pdf"):
        with pytest.raises(UploadRejected):
            clean_name(name)


# --- the whole journey through the views ------------------------------------------------------------


def test_order_pay_assign_deliver_rate_through_the_views(demo, django_capture_on_commit_callbacks):
    client, head, staff = demo.client("client_a"), demo.client("head_infodev"), demo.client("staff_infodev")
    offering = Offering.objects.get(code="novelty-search")
    response = client.post(
        reverse("services:order_create", args=[offering.code]),
        {"topic": "Graphene", "keywords": "graphene", "delivery_channel": "download",
         "attachments": [pdf_upload("brief.pdf")]},
    )  # fmt: skip
    order = ServiceOrder.objects.filter(client__user=demo.client_a).latest("pk")
    assert response.status_code == 302 and order.files.count() == 1
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    head.post(reverse("services:order_quote", args=[order.pk]), {"amount": "800.00", "due_date": due})
    client.post(reverse("services:order_accept", args=[order.pk]))
    response = client.post(reverse("services:order_pay", args=[order.pk]), {"amount": "0.01"})  # ignored
    payment = Payment.objects.get(purpose_type="services.order", purpose_id=str(order.pk))
    assert response["Location"] == reverse("payments:payment_checkout", args=[payment.pk])
    assert payment.amount_minor == 80_000
    from tests.services.factories import pay

    pay(payment)
    head.post(reverse("services:order_assign", args=[order.pk]), {"assignee": demo.staff_infodev.pk})
    staff.post(reverse("services:order_start", args=[order.pk]))
    staff.post(
        reverse("services:order_report", args=[order.pk]),
        {"findings": "None found", "conclusion": "Novel", "reviewer": demo.head_infodev.pk},
    )
    report_file = order.files.get(kind=OrderFile.Kind.REPORT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("services:order_deliver", args=[order.pk]), {"channel": "download", "files": [report_file.pk]}
        )
        staff.post(reverse("services:order_deliver", args=[order.pk]), {"channel": "email", "files": [report_file.pk]})
    assert any(m.attachments and m.to == [demo.client_a.email] for m in mail.outbox)
    page = client.get(reverse("services:order_detail", args=[order.pk])).content.decode()
    link = DownloadLink.objects.get(file=report_file)
    assert reverse("services:download", args=[link.pk]) in page
    client.post(reverse("services:order_confirm", args=[order.pk]), {"rating": 5, "comment": "Excellent"})
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.COMPLETED and order.rating == 5


def test_detail_shows_buttons_by_role(demo):
    order = order_in(demo, "quoted")
    page = demo.client("client_a").get(reverse("services:order_detail", args=[order.pk])).content.decode()
    assert 'id="accept-button"' in page
    page = demo.client("staff_infodev").get(reverse("services:order_detail", args=[order.pk])).content.decode()
    assert 'id="accept-button"' not in page


# --- registration --------------------------------------------------------------------------------


def test_register_confirm_and_order(demo, django_capture_on_commit_callbacks):
    anon = demo.client(None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = anon.post(
            reverse("services:client_register"),
            {"username": "newclient", "email": "new@example.com", "password": "a-long-enough-passphrase-42",
             "kind": "person", "display_name": "New Client", "postal_address": "2 Road"},
        )  # fmt: skip
    assert response.status_code == 200
    account = ClientAccount.objects.get(user__username="newclient")
    assert not account.email_confirmed
    link = re.search(r"http\S+/register/confirm/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert anon.get("/" + path).status_code == 200
    account.refresh_from_db()
    assert not account.email_confirmed  # GET changes nothing
    anon.post("/" + path)
    account.refresh_from_db()
    assert account.email_confirmed
    anon.force_login(account.user)
    page = anon.get(reverse("services:order_create", args=["novelty-search"]))
    assert page.status_code == 200


def test_confirmation_token_is_signed_and_bound_to_the_address(demo):
    token = actions.client_confirmation_token(demo.client_b)
    demo.client_b.email = "changed@example.com"
    demo.client_b.save()
    response = demo.client(None).post(reverse("services:client_confirm", args=[token]))
    assert response.status_code == 400
    assert demo.client(None).post(reverse("services:client_confirm", args=[token[:-2] + "xx"])).status_code == 400


def test_register_refuses_taken_names_and_weak_passwords(demo):
    before = ClientAccount.objects.count()
    response = demo.client(None).post(
        reverse("services:client_register"),
        {"username": "client_a", "email": "other@example.com", "password": "short", "kind": "person",
         "display_name": "X"},
    )  # fmt: skip
    assert response.status_code == 200 and ClientAccount.objects.count() == before


# --- catalog and queue ---------------------------------------------------------------------------


def test_catalog_is_public_and_managed_by_heads(demo):
    page = demo.client(None).get(reverse("services:offering_list")).content.decode()
    assert "Novelty search" in page and "Press clipping" in page
    head = demo.client("head_infodev")
    response = head.post(
        reverse("services:offering_create"),
        {"code": "patent-watch", "kind": "tracking", "name": "Patent watch", "description": "Weekly patents",
         "department": demo.head_infodev.staff_profile.department_id, "pricing": "subscription", "price": "120.00",
         "currency": "CNY", "period_days": 7, "turnaround_days": 2, "delivery_channels": ["email"],
         "is_active": "on", "sort_order": 5},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Offering.objects.get(code="patent-watch").price_minor == 12_000
    # head_custsvc may not edit an information development offering
    other = Offering.objects.get(code="novelty-search")
    assert demo.client("head_custsvc").get(reverse("services:offering_edit", args=[other.pk])).status_code == 403


def test_queue_and_csv_export(demo):
    order_in(demo, "requested", topic="=HYPERLINK(evil)")
    order_in(demo, "completed")
    page = demo.client("head_infodev").get(reverse("services:queue"))
    assert page.status_code == 200 and b"services-chart-data" in page.content
    assert page.context["departments"][0]["rating"] == 5
    response = demo.client("head_infodev").get(reverse("services:queue_export"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(evil)" in text
    assert demo.client("staff_east").get(reverse("services:queue_export")).status_code == 403


def test_demo_seeds_catalog_and_client_a_orders_without_notifications(demo):
    from office.models import Notification

    assert Offering.objects.count() >= 9
    statuses = set(ServiceOrder.objects.filter(client__user=demo.client_a).values_list("status", flat=True))
    assert statuses == {"quoted", "requested"}
    assert not ServiceOrder.objects.filter(client__user=demo.client_b).exists()
    assert not Notification.objects.filter(verb__startswith="services.").exists()
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # idempotent
    assert ServiceOrder.objects.filter(client__user=demo.client_a).count() == 2
