"""Information services end to end in real Chromium (issue 7, "Done when").

The issue names `client_a` as the client who registers, but `client_a` exists in the demo data
already. So a NEW client registers through the public registration page, confirms the e-mail
through the link in the confirmation e-mail (django.core.mail.outbox: the live server runs in
this process with the locmem backend) and does the whole journey; `client_a` is the second
client on the training waiting list and `client_b` is the other client who must see none of
the new client's work.

Order: the new client orders a novelty search with the requirements form (and an attachment),
staff quote, the client accepts and pays (simulated provider, signed webhook, as
test_payment_journey.py), the head of the providing department assigns it, the assignee
starts, uploads a deliverable, issues the formal report PDF and delivers by download link and
by e-mail (the e-mail carries the PDF), the client downloads the report through the link and
its invoice PDF, and confirms receipt with a rating.

Subscription: the client subscribes to follow-up tracking, pays the period, staff add an item;
then the beat task function (`subscription_digest_task`, run directly) builds the digest with
the clock moved past the end of the period (time-machine), and the client reads the digest in
the browser. Training: the head of customer service creates a session with one place, the new
client takes it, client_a joins the waiting list, the new client cancels and client_a is
promoted. Finally client_b gets 404 on the order, the download link, the invoice, the files and the digest.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from office.models import ClientAccount, Department
from payments.models import Payment
from services.models import (
    Delivery,
    Digest,
    DownloadLink,
    OrderFile,
    ServiceOrder,
    Subscription,
    TrainingRegistration,
    TrainingSession,
)
from services.tasks import subscription_digest_task
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_CLIENT = "lin_research"
NEW_EMAIL = "lin.qiao@materials-lab.example"
CARD = "4242 4242 4242 4242"
BRIEF = b"%PDF-1.4\n% brief of the client\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RESULT = b"%PDF-1.4\n% search result list\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _path(page: Any) -> str:
    return urlsplit(page.url).path


def _pay_by_card(page: Any, payment: Payment) -> None:
    """On the simulated checkout: pay with a card that succeeds; wait for the webhook's verdict."""
    assert _path(page) == reverse("payments:payment_checkout", args=[payment.pk])
    page.fill("#id_card_number", CARD)
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    with page.expect_navigation():
        page.click("#submit-payment")
    if payment.purpose_type == "services.order":
        # Issue 20: the client lands on its order's thank-you view, not on the payment record.
        assert _path(page) == reverse("services:order_detail", args=[int(payment.purpose_id)])
        expect(page.locator("#thanks")).to_be_visible()
    else:
        assert _path(page) == reverse("payments:payment_detail", args=[payment.pk])
    expect(page.locator("#payment-status [data-status]")).to_have_attribute("data-status", "succeeded", timeout=20_000)


def _order_page(page: Any, base: str, order: ServiceOrder) -> None:
    page.goto(base + reverse("services:order_detail", args=[order.pk]))
    expect(page.locator("h1")).to_contain_text(order.number)


def _expect_status(page: Any, label: str) -> None:
    expect(page.locator("main")).to_contain_text(label)


def _register_and_confirm(page: Any, base: str) -> ClientAccount:
    # From the public catalog to the registration page.
    page.goto(base + reverse("services:offering_detail", kwargs={"code": "novelty-search"}))
    _assert_styled(page)
    with page.expect_navigation():
        page.click(f"main a[href='{reverse('services:client_register')}']")
    page.fill("#id_username", NEW_CLIENT)
    page.fill("#id_email", NEW_EMAIL)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.select_option("#id_kind", "organisation")
    page.fill("#id_display_name", "Lin Qiao 林巧")
    page.fill("#id_organisation_name", "Pearl River Materials Lab 珠江材料实验室")
    page.fill("#id_phone", "+86 20 3333 0101")
    page.fill("#id_postal_address", "8 Science Avenue, Guangzhou")
    page.fill("#id_invoice_title", "珠江材料实验室")
    page.fill("#id_tax_id", "91440101MA5LABXX01")
    mail.outbox.clear()
    with page.expect_navigation():
        page.click("#register-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Almost done")
    account = ClientAccount.objects.get(user__username=NEW_CLIENT)
    assert not account.email_confirmed and account.kind == "organisation"

    # The confirmation e-mail: its link, opened in the browser, then the button (POST).
    messages = [m for m in mail.outbox if NEW_EMAIL in m.to]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    link = re.search(r"https?://\S+/services/register/confirm/\S+/", messages[0].body)
    assert link, messages[0].body
    page.goto(base + urlsplit(link.group(0)).path)
    with page.expect_navigation():
        page.click("#confirm-button")
    expect(page.locator("main .alert-success")).to_contain_text("your e-mail address is confirmed")
    account.refresh_from_db()
    assert account.email_confirmed
    return account


def _order_novelty_search(page: Any, base: str, tmp_path: Any) -> ServiceOrder:
    page.goto(base + reverse("services:offering_detail", kwargs={"code": "novelty-search"}))
    with page.expect_navigation():
        page.click("#order-button")
    page.fill("#id_topic", "Solid-state electrolyte for sodium-ion cells 钠离子固态电解质")
    page.fill("#id_keywords", "NASICON; sodium; solid electrolyte")
    page.fill("#id_scope", "Patents and journals 2015-2026, Chinese and English, for a provincial award.")
    page.fill("#id_deadline", (timezone.localdate() + timedelta(days=20)).isoformat())
    page.select_option("#id_delivery_channel", "download")
    brief = tmp_path / "brief.pdf"
    brief.write_bytes(BRIEF)
    page.set_input_files("#id_attachments", str(brief))
    with page.expect_navigation():
        page.click("#order-form button[type=submit]")
    order = ServiceOrder.objects.get(client__user__username=NEW_CLIENT, offering__code="novelty-search")
    assert _path(page) == reverse("services:order_detail", args=[order.pk])
    expect(page.locator("main .alert-success")).to_contain_text(order.number)
    assert order.status == ServiceOrder.Status.REQUESTED
    assert order.files.get().original_name == "brief.pdf" and order.delivery_channel == "download"
    return order


@pytest.mark.timeout(900)  # a long journey: fifteen logins and two payments, on a shared 2-core machine
def _choose_channel(page: Any, channel: str) -> None:
    """Click a channel tab and wait until htmx has swapped in its block (the old block is
    marked first: ticking boxes of the block being replaced would be lost)."""
    page.eval_on_selector("#deliver-block", "el => el.setAttribute('data-replaced', '1')")
    page.click(f"#deliver-channels a[href*='channel={channel}']")
    page.wait_for_selector("#deliver-block:not([data-replaced])")


def test_new_client_orders_pays_gets_a_report_subscribes_and_trains(
    page: Any, live_server: Any, demo: Any, tmp_path: Any
) -> None:
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    assert urlsplit(base).hostname == "127.0.0.1"

    # 1. Registration and e-mail confirmation.
    account = _register_and_confirm(page, base)
    _log_in(page, base, NEW_CLIENT)

    # 2. The novelty search order, with the requirements form.
    order = _order_novelty_search(page, base, tmp_path)
    _log_out(page, base)

    # 3. Staff of the providing department quote.
    _log_in(page, base, "staff_infodev")
    _order_page(page, base, order)
    page.fill("#id_amount", "880.00")
    page.fill("#id_due_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.fill("#quote-form #id_note", "Includes a check of CNIPA and Derwent.")
    with page.expect_navigation():
        page.click("#quote-form button[type=submit]")
    expect(page.locator("#quote")).to_contain_text("¥880.00")
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.QUOTED and order.quoted_amount_minor == 88_000
    _log_out(page, base)

    # 4. The client accepts the quote and pays it.
    _log_in(page, base, NEW_CLIENT)
    _order_page(page, base, order)
    expect(page.locator("#quote")).to_contain_text("¥880.00")
    with page.expect_navigation():
        page.click("#accept-button")
    with page.expect_navigation():
        page.click("#pay-button")
    payment = Payment.objects.get(purpose_type="services.order", purpose_id=str(order.pk))
    assert payment.amount_minor == 88_000  # the quote from our database
    expect(page.locator("#checkout-amount")).to_have_text("¥880.00")
    _pay_by_card(page, payment)
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.PAID and order.payment_id == payment.pk
    _log_out(page, base)

    # 5. The head of the providing department assigns it.
    _log_in(page, base, "head_infodev")
    _order_page(page, base, order)
    page.select_option("#assign-form select[name=assignee]", str(demo.staff_infodev.pk))
    with page.expect_navigation():
        page.click("#assign-form button[type=submit]")
    expect(page.locator("main .alert-success")).to_contain_text("The order was assigned.")
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.ASSIGNED and order.assignee == demo.staff_infodev
    _log_out(page, base)

    # 6. The assignee starts, uploads a deliverable, issues the report and delivers it twice.
    _log_in(page, base, "staff_infodev")
    _order_page(page, base, order)
    with page.expect_navigation():
        page.click("#start-button")
    result = tmp_path / "result-list.pdf"
    result.write_bytes(RESULT)
    page.set_input_files("#deliverables input[type=file]", str(result))
    with page.expect_navigation():
        page.click("#deliverables form[enctype] button[type=submit]")
    expect(page.locator("#deliverables")).to_contain_text("result-list.pdf")
    page.click("#deliverables details summary")
    page.fill("#id_findings", "12 related patents and 30 papers; none discloses the claimed composition.")
    page.fill("#id_conclusion", "The claimed electrolyte composition is novel in China and abroad. 具有新颖性。")
    page.select_option("#id_reviewer", str(demo.head_infodev.pk))
    with page.expect_navigation():
        page.click("#deliverables details button[type=submit]")
    expect(page.locator("main .alert-success")).to_contain_text("The report was issued.")
    report_file = order.files.get(kind=OrderFile.Kind.REPORT)
    deliverable = order.files.get(kind=OrderFile.Kind.DELIVERABLE)
    # By download link: report and result list.
    _choose_channel(page, "download")  # issue 20: only this channel's fields
    expect(page.locator("#deliver-block [data-channel=download]")).to_be_visible()
    page.check(f"#deliver-form input[name=files][value='{report_file.pk}']")
    page.check(f"#deliver-form input[name=files][value='{deliverable.pk}']")
    with page.expect_navigation():
        page.click("#deliver-form button[type=submit]")
    expect(page.locator("main .alert-success")).to_contain_text("The delivery was recorded.")
    # By e-mail: the report, as an attachment.
    mail.outbox.clear()
    _choose_channel(page, "email")
    expect(page.locator("#deliver-block [data-channel=email]")).to_be_visible()
    page.check(f"#deliver-form input[name=files][value='{report_file.pk}']")
    with page.expect_navigation():
        page.click("#deliver-form button[type=submit]")
    expect(page.locator("main .alert-success")).to_contain_text("The delivery was recorded.")
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.DELIVERED
    assert list(Delivery.objects.filter(order=order).values_list("channel", flat=True)) == ["download", "email"]
    sent = [m for m in mail.outbox if m.to == [NEW_EMAIL] and m.attachments]
    assert len(sent) == 1, [(m.to, m.subject) for m in mail.outbox]
    (name, content, mimetype), *_rest = sent[0].attachments
    assert name == report_file.original_name and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert Delivery.objects.get(order=order, channel="email").emailed_at is not None
    _log_out(page, base)

    # 7. The client downloads the report through its link, confirms receipt and rates it.
    _log_in(page, base, NEW_CLIENT)
    _order_page(page, base, order)
    link = DownloadLink.objects.get(file=report_file, user=account.user)
    downloads = page.locator("#downloads")
    expect(downloads).to_contain_text(report_file.original_name)
    with page.expect_download() as info:
        downloads.locator(f"a[href='{reverse('services:download', args=[link.pk])}']").click()
    downloaded = tmp_path / "downloaded.pdf"
    info.value.save_as(downloaded)
    assert downloaded.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename == report_file.original_name
    link.refresh_from_db()
    assert link.download_count == 1
    # The invoice of the paid order, from the order page.
    with page.expect_download() as invoice:
        page.click("#invoice-link")
    invoice_path = tmp_path / "invoice.pdf"
    invoice.value.save_as(invoice_path)
    assert invoice_path.read_bytes().startswith(b"%PDF")
    assert invoice.value.suggested_filename == f"INV-{order.number.removeprefix('SO')}.pdf"
    page.check("#confirm-form input[name=rating][value='5']")
    page.fill("#confirm-form textarea[name=comment]", "Thorough and on time. 很满意。")
    with page.expect_navigation():
        page.click("#confirm-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Rated 5/5")
    order.refresh_from_db()
    assert order.status == ServiceOrder.Status.COMPLETED and order.rating == 5

    # 8. A topic-tracking subscription: subscribe and pay the first period.
    page.goto(base + reverse("services:offering_detail", kwargs={"code": "tracking"}))
    with page.expect_navigation():
        page.click("#subscribe-button")
    page.fill("#id_topic", "Sodium-ion solid electrolytes")
    page.fill("#id_search_terms", "sodium electrolyte")
    with page.expect_navigation():
        page.click("#subscription-form button[type=submit]")
    subscription = Subscription.objects.get(client=account)
    assert _path(page) == reverse("services:subscription_detail", args=[subscription.pk])
    with page.expect_navigation():
        page.click("#pay-button")
    period = subscription.periods.get()
    period_payment = Payment.objects.get(purpose_type="services.subscription_period", purpose_id=str(period.pk))
    _pay_by_card(page, period_payment)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE and subscription.paid_until == period.ends_on
    _log_out(page, base)

    # Staff add a clipping for the digest.
    _log_in(page, base, "staff_infodev")
    page.goto(base + reverse("services:subscription_detail", args=[subscription.pk]))
    page.fill("#id_title", "CATL announces a sodium-ion cell with a solid electrolyte")
    page.fill("#id_url", "https://news.example/catl-sodium")
    with page.expect_navigation():
        page.click("form[action$='/items/'] button[type=submit]")
    assert subscription.items.count() == 1
    _log_out(page, base)

    # The period ends: the beat task (run directly) builds, stores and e-mails the digest once.
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=subscription.period_days + 1), tick=True):
        assert subscription_digest_task() == 1
        assert subscription_digest_task() == 0  # idempotent per period
    digest = Digest.objects.get(subscription=subscription)
    assert digest.item_count == 1 and "CATL announces" in digest.body and digest.emailed_at
    assert [m.to for m in mail.outbox if "Your digest" in m.subject] == [[NEW_EMAIL]]

    _log_in(page, base, NEW_CLIENT)
    page.goto(base + reverse("services:subscription_detail", args=[subscription.pk]))
    with page.expect_navigation():
        page.click(f"#digests a[href='{reverse('services:digest_detail', args=[digest.pk])}']")
    expect(page.locator("main pre")).to_contain_text("CATL announces a sodium-ion cell")
    _log_out(page, base)

    # 9. Training: a session with one place, registration, waiting list, promotion.
    _log_in(page, base, "head_custsvc")
    page.goto(base + reverse("services:training_list"))
    with page.expect_navigation():
        page.click(f"a[href='{reverse('services:training_create')}']")
    starts = timezone.localtime() + timedelta(days=5)
    starts = starts.replace(hour=9, minute=30, second=0, microsecond=0)
    page.fill("#id_title", "Searching Chinese patents with CNIPA")
    page.fill("#id_description", "Hands-on; bring a laptop.")
    page.select_option("#id_department", str(Department.objects.get(organization__is_home=True, code="custsvc").pk))
    page.select_option("#id_trainer", str(demo.staff_custsvc.pk))
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_location", "Training room 302")
    page.fill("#id_capacity", "1")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    session = TrainingSession.objects.get(title="Searching Chinese patents with CNIPA")
    assert _path(page) == reverse("services:training_detail", args=[session.pk]) and session.capacity == 1
    _log_out(page, base)

    session_url = base + reverse("services:training_detail", args=[session.pk])
    _log_in(page, base, NEW_CLIENT)
    page.goto(session_url)
    expect(page.locator("#register-button")).to_have_text("Register")
    with page.expect_navigation():
        page.click("#register-button")
    expect(page.locator("#my-registration")).to_contain_text("Registered")
    _log_out(page, base)

    _log_in(page, base, "client_a")
    page.goto(session_url)
    expect(page.locator("#places")).to_contain_text("0 of 1 free")
    expect(page.locator("#register-button")).to_have_text("Join the waiting list")
    with page.expect_navigation():
        page.click("#register-button")
    expect(page.locator("#my-registration")).to_contain_text("On the waiting list")
    _log_out(page, base)

    _log_in(page, base, NEW_CLIENT)
    page.goto(session_url)
    with page.expect_navigation():
        page.click("form[action$='/cancel/'] button[type=submit]")
    expect(page.locator("#register-button")).to_be_visible()  # may register again (waiting list now)
    _log_out(page, base)
    assert TrainingRegistration.objects.get(session=session, user=demo.client_a).status == "registered"
    assert TrainingRegistration.objects.get(session=session, user=account.user).status == "cancelled"

    _log_in(page, base, "client_a")
    page.goto(session_url)
    expect(page.locator("#my-registration")).to_contain_text("Registered")
    expect(page.locator("#places")).to_contain_text("0 of 1 free")
    _log_out(page, base)

    # 10. client_b sees none of it: 404 on the order, the link, the file and the digest.
    _log_in(page, base, "client_b")
    brief = order.files.get(kind=OrderFile.Kind.REQUIREMENT)
    for path in (
        reverse("services:order_detail", args=[order.pk]),
        reverse("services:download", args=[link.pk]),
        reverse("services:order_invoice", args=[order.pk]),
        reverse("services:order_file_download", args=[order.pk, brief.pk]),
        reverse("services:order_file_download", args=[order.pk, report_file.pk]),
        reverse("services:subscription_detail", args=[subscription.pk]),
        reverse("services:digest_detail", args=[digest.pk]),
    ):
        response = page.goto(base + path)
        assert response is not None and response.status == 404, path
        recorder.expect_refusal(base + path, 404)
    page.goto(base + reverse("services:order_list"))
    expect(page.locator("main")).not_to_contain_text(order.number)
    page.goto(base + reverse("office:home"))
    _log_out(page, base)
    recorder.assert_clean()
