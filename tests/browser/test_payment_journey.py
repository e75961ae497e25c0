"""A payer's journey in real Chromium with the simulated provider: the payment request seeded by
the payments demo hook, a declined card, a 3-D Secure card with its authentication step, the
payment marked paid by the signed simulated webhook, and the PDF receipt.

The pages must log no console error, get no response >= 400 (except the refusal the journey
asks for on purpose) and make no request to anything but 127.0.0.1 (see test_journeys.py).
With pytest-env's CELERY_TASK_ALWAYS_EAGER the simulated provider delivers its signed events
inline, after the request's commit; the page is still waited on through its own status box
(htmx polls it while the payment is open), never by sleeping.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from payments.models import Payment, PaymentRequest, WebhookEvent
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DECLINED_CARD = "4000 0000 0000 0341"
THREE_D_SECURE_CARD = "4000 0025 0000 3155"
PAYER_CHINESE_NAME = "方伟"  # client_a is "Dr. Fang Wei 方伟" (seed_demo)


def _fill_card(page: Any, number: str) -> None:
    page.fill("#id_card_number", number)
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")


def test_client_pays_a_request_declined_then_3ds_and_downloads_the_receipt(
    page: Any, live_server: Any, demo: Any, tmp_path: Any
) -> None:
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    assert urlsplit(base).hostname == "127.0.0.1"
    # The payments demo hook seeded an open request for client_a (and a paid one).
    request = PaymentRequest.objects.get(payer=demo.client_a, status=PaymentRequest.Status.OPEN)

    _log_in(page, base, "client_a")
    with page.expect_navigation():
        page.click("#nav-my-payments")
    assert urlsplit(page.url).path == reverse("payments:payment_list_mine")
    _assert_styled(page)
    open_request = page.locator("#open-requests li", has_text=request.description)
    expect(open_request).to_have_count(1)

    # Pay: the request becomes a payment and the simulated provider's checkout page opens.
    with page.expect_navigation():
        open_request.locator("button[type=submit]").click()
    payment = Payment.objects.get(purpose_type="payments.request", purpose_id=str(request.pk))
    assert urlsplit(page.url).path == reverse("payments:payment_checkout", args=[payment.pk])
    expect(page.locator("#checkout-amount")).to_have_text("¥350.00")
    _assert_styled(page)

    # 1. A declining test card: the payer stays on the card form with a clear error (issue 20).
    _fill_card(page, DECLINED_CARD)
    with page.expect_navigation():
        page.click("#submit-payment")
    detail_path = reverse("payments:payment_detail", args=[payment.pk])
    assert urlsplit(page.url).path == reverse("payments:simulated_pay", args=[payment.pk])
    expect(page.locator("#card-form")).to_contain_text("Your card was declined.")
    expect(page.locator("#card-form")).to_contain_text("Try another card.")

    # 2. Try again (same payment, same intent) with the 3-D Secure card, on the same form.
    expect(page.locator("#card-form")).to_be_visible()
    _fill_card(page, THREE_D_SECURE_CARD)
    with page.expect_navigation():
        page.click("#submit-payment")
    assert urlsplit(page.url).path == reverse("payments:simulated_authenticate", args=[payment.pk])
    expect(page.locator("main")).to_contain_text("¥350.00")
    with page.expect_navigation():
        page.click("#auth-pass")
    assert urlsplit(page.url).path == detail_path

    # 3. Paid, as the signed webhook says: wait on the page's own status box.
    expect(page.locator("#payment-status [data-status]")).to_have_attribute("data-status", "succeeded", timeout=20_000)
    receipt_link = page.locator("#receipt-link")
    expect(receipt_link).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.amount_minor == 35_000
    assert payment.receipt_number and re.fullmatch(r"R\d{4}-\d{6}", payment.receipt_number)
    expect(receipt_link).to_contain_text(payment.receipt_number)
    assert WebhookEvent.objects.filter(
        payment=payment, provider="simulated", type="payment_intent.succeeded", outcome="applied"
    ).exists(), "the success must come from the signed simulated webhook"
    request.refresh_from_db()
    assert request.status == PaymentRequest.Status.PAID

    # 4. The PDF receipt, fetched with the browser's session.
    href = receipt_link.get_attribute("href")
    assert href == reverse("payments:payment_receipt", args=[payment.pk])
    response = page.request.get(base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF-")
    pdf_path = tmp_path / "receipt.pdf"
    pdf_path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, timeout=30
    ).stdout.decode()
    assert payment.receipt_number in text
    assert PAYER_CHINESE_NAME in text, f"payer's Chinese name missing from the receipt text: {text!r}"

    # My payments lists it as paid, with the receipt.
    with page.expect_navigation():
        page.click("#nav-my-payments")
    row = page.locator("#my-payments tbody tr", has_text=request.description)
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "succeeded")
    expect(row).to_contain_text(payment.receipt_number)
    _log_out(page, base)

    # 5. Another client cannot open this payment: a 404, not a 403.
    _log_in(page, base, "client_b")
    url = base + detail_path
    response = page.goto(url)
    assert response is not None and response.status == 404
    recorder.expect_refusal(url, 404)
    receipt_url = base + href
    response = page.goto(receipt_url)
    assert response is not None and response.status == 404
    recorder.expect_refusal(receipt_url, 404)

    page.goto(base + reverse("office:home"))
    _log_out(page, base)
    recorder.assert_clean()
