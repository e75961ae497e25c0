"""The union catalog's whole flow in real Chromium, for two offices (issue #4, "Done when"):

contribute → review → shared → copied → charged → statement paid.

1. Sun Li (staff_infodev, home office) catalogs a new record in the MARC editor, records the
   home office's own copies (a holding, free) and submits the record.
2. Chen Jing (head_infodev, the union-catalog quality team) takes it from the review queue;
   the automatic checks flag its ISBN, so she returns it with a note.
3. Sun Li reads the note, corrects the ISBN (a new version) and submits again.
4. Chen Jing sees the checks pass and the change since the previous version, and approves:
   the record is shared and the home office is credited by the fee schedule.
5. Ma Lin (staff_east, east office) finds it by a Chinese keyword search, copies it into the
   east catalog with one action while editing the call number; the copy fee is charged.
6. The month ends (the clock moves to the first of next month). Xu Gang (director_east) issues
   the east office's statement for the finished month from the fees page: it shows the charge,
   downloads as a PDF, is paid through the payments app (simulated provider, signed webhook)
   and shows as paid.

Every page must log no console error, get no response >= 400 and request nothing but
127.0.0.1 (the Recorder of test_journeys.py).
"""

from __future__ import annotations

import datetime
import re
import subprocess
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from stdnum import ean

from cataloging.models import BibRecord, FeeSchedule, Holding, LedgerEntry, Statement
from office.models import Organization
from office.money import format_money
from payments.models import Payment, WebhookEvent
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "联合编目之旅：信息组织实务"
SEARCH_WORDS = "编目之旅"  # a Chinese phrase inside the title: found through the bigram index
CALL_NUMBER = "G254.3/M12 东"
HOME_CALL_NUMBER = "G254.3/S86"
CARD_OK = "4242 4242 4242 4242"


def _isbn(first12: str) -> str:
    return first12 + ean.calc_check_digit(first12)


GOOD_ISBN = _isbn("978711987654")
BAD_ISBN = GOOD_ISBN[:-1] + str((int(GOOD_ISBN[-1]) + 1) % 10)  # wrong check digit


def _marc_text(isbn: str) -> str:
    return "\n".join(
        [
            "LDR 00000nam a2200000 i 4500",
            "008 250101s2025    cc            000 0 chi d",
            f"020 ## $a{isbn}",
            "084 ## $aG254.3$2clc",
            "100 0# $a孙丽",
            f"245 10 $a{TITLE} /$c孙丽著",
            "264 #1 $a北京 :$b国家图书馆出版社,$c2025",
            "300 ## $a210 页 ;$c24 cm",
            "650 #7 $a文献编目",
        ]
    )


def _nav(page: Any, link_id: str) -> None:
    """Open the Union catalog menu of the navigation and follow one of its links."""
    page.click("#nav-cataloging")
    with page.expect_navigation():
        page.click(f"#{link_id}")


def _flash(page: Any, kind: str, text: str) -> None:
    expect(page.locator(f"#messages .alert-{kind}", has_text=text)).to_be_visible()


def _pdf_text(pdf: bytes, tmp_path: Any) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=30
    ).stdout.decode()


@pytest.mark.timeout(900)  # a long journey: five logins and a payment, on a shared 2-core machine
def test_two_offices_contribute_review_copy_and_settle_the_statement(
    page: Any, live_server: Any, demo: Any, tmp_path: Any
) -> None:
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    base = live_server.url
    assert urlsplit(base).hostname == "127.0.0.1"
    home, east = Organization.objects.get(code="home"), Organization.objects.get(code="east")
    schedule = FeeSchedule.objects.filter(valid_from__lte=timezone.localdate()).first()
    assert schedule is not None
    fee = format_money(schedule.copy_fee_minor, schedule.currency)

    # --- 1. The home office catalogs a record and contributes it --------------------------------
    _log_in(page, base, "staff_infodev")
    _nav(page, "nav-catalog-new")
    assert urlsplit(page.url).path == reverse("cataloging:record_create")
    _assert_styled(page)
    page.fill("#id_marc_text", _marc_text(BAD_ISBN))
    page.fill("#id_note", "新编")
    with page.expect_navigation():
        page.click("#record-form button[type=submit]")
    # Issue 20: an invalid ISBN is an error on the field, not dropped; the cataloger may keep it.
    expect(page.locator("#record-form .invalid-feedback, #record-form .text-danger").first).to_contain_text("ISBN")
    page.check("#id_keep_invalid_isbn")
    with page.expect_navigation():
        page.click("#record-form button[type=submit]")
    record = BibRecord.objects.get(title=TITLE)
    assert (record.organization, record.status, record.version) == (home, BibRecord.Status.DRAFT, 1)
    assert urlsplit(page.url).path == reverse("cataloging:record_detail", args=[record.pk])
    _flash(page, "success", "The record was saved as a draft.")
    expect(page.locator("main h1")).to_have_text(TITLE)
    # The home office holds the book: it records its own copies at once (no fee for its own record).
    with page.expect_navigation():
        page.locator("#record-actions a", has_text="Add our holding").click()
    expect(page.locator("main .alert-info")).to_have_count(0)  # no fee notice
    page.fill("#id_call_number", HOME_CALL_NUMBER)
    page.fill("#id_location", "书库 2")
    with page.expect_navigation():
        page.click("#copy-form button[type=submit]")
    _flash(page, "success", "Your holding was added.")
    expect(page.locator("#holdings tbody tr", has_text=home.name)).to_contain_text(HOME_CALL_NUMBER)
    assert not LedgerEntry.objects.filter(record=record).exists()
    with page.expect_navigation():
        page.locator("#record-actions button", has_text="Submit to the union catalog").click()
    _flash(page, "success", "Submitted to the union catalog for review.")
    record.refresh_from_db()
    assert record.status == BibRecord.Status.SUBMITTED and record.submitted_by == demo.staff_infodev
    _log_out(page, base)

    # --- 2. The reviewer sees the automatic checks and returns it -------------------------------
    _log_in(page, base, "head_infodev")
    _nav(page, "nav-catalog-review")
    queued = page.locator("#review-queue tbody tr", has_text=TITLE)
    expect(queued).to_contain_text(home.name)
    with page.expect_navigation():
        queued.locator("a", has_text=TITLE).click()
    assert urlsplit(page.url).path == reverse("cataloging:review_detail", args=[record.pk])
    _assert_styled(page)
    isbn_check = page.locator("#checks li[data-level=error]", has_text=BAD_ISBN)
    expect(isbn_check).to_have_count(1)
    with page.expect_navigation():
        page.locator("#decision button", has_text="Take this record for review").click()
    _flash(page, "success", "You are reviewing this record.")
    page.fill("#decision #id_note", "ISBN 校验位有误，请核对。")
    with page.expect_navigation():
        page.locator("#decision button", has_text="Return for changes").click()
    assert urlsplit(page.url).path == reverse("cataloging:review_queue")
    _flash(page, "success", "Returned to the contributing office for changes.")
    record.refresh_from_db()
    assert record.status == BibRecord.Status.RETURNED and record.reviewed_by == demo.head_infodev
    _log_out(page, base)

    # --- 3. The contributor corrects the record and submits again --------------------------------
    _log_in(page, base, "staff_infodev")
    _nav(page, "nav-catalog-mine")
    with page.expect_navigation():
        page.locator("main a", has_text=TITLE).click()
    expect(page.locator("#review-note")).to_contain_text("ISBN 校验位有误")
    with page.expect_navigation():
        page.locator("#record-actions a", has_text="Edit").click()
    page.fill("#id_marc_text", _marc_text(GOOD_ISBN))
    page.fill("#id_note", "改正 ISBN")
    with page.expect_navigation():
        page.click("#record-form button[type=submit]")
    _flash(page, "success", "Saved as a new version.")
    with page.expect_navigation():
        page.locator("#record-actions button", has_text="Submit to the union catalog").click()
    record.refresh_from_db()
    assert (record.status, record.version, record.isbn) == (BibRecord.Status.SUBMITTED, 2, GOOD_ISBN)
    _log_out(page, base)

    # --- 4. The reviewer approves: shared, and the contribution credited --------------------------
    _log_in(page, base, "head_infodev")
    _nav(page, "nav-catalog-review")
    with page.expect_navigation():
        page.locator("#review-queue a", has_text=TITLE).click()
    expect(page.locator("#checks li")).to_have_count(1)
    expect(page.locator("#checks li")).to_have_text("All checks passed.")
    changes = page.get_by_role("table", name="Changes since the previous version")
    expect(changes).to_contain_text(BAD_ISBN)  # the field-level diff against version 1
    expect(changes).to_contain_text(GOOD_ISBN)
    with page.expect_navigation():
        page.locator("#decision button", has_text="Take this record for review").click()
    page.fill("#decision #id_note", "核对无误。")
    with page.expect_navigation():
        page.locator("#decision button", has_text="Approve and share").click()
    _flash(page, "success", "Approved: the record is now shared with every office.")
    expect(page.locator("#review-queue")).not_to_contain_text(TITLE)
    record.refresh_from_db()
    assert record.status == BibRecord.Status.APPROVED and record.shared_at is not None
    credit = LedgerEntry.objects.get(record=record, kind=LedgerEntry.Kind.CONTRIBUTION_CREDIT)
    assert (credit.organization, credit.amount_minor) == (home, -schedule.contribution_credit_minor)
    # The home office's fees page shows the credit.
    _nav(page, "nav-catalog-fees")
    credit_row = page.locator("#ledger tbody tr", has_text=TITLE)
    expect(credit_row).to_contain_text("Contribution credit")
    expect(credit_row).to_contain_text(format_money(credit.amount_minor, credit.currency))
    _log_out(page, base)

    # --- 5. The east office finds the shared record and copies it ---------------------------------
    _log_in(page, base, "staff_east")
    _nav(page, "nav-catalog-search")
    page.fill("#catalog-search input[name=q]", SEARCH_WORDS)
    with page.expect_navigation():
        page.click("#catalog-search button[type=submit]")
    hit = page.locator(f"#results li[data-record='{record.pk}']")
    expect(hit).to_contain_text(TITLE)
    with page.expect_navigation():
        hit.locator("a", has_text=TITLE).click()
    assert urlsplit(page.url).path == reverse("cataloging:record_detail", args=[record.pk])
    expect(page.locator("#holdings tbody tr")).to_have_count(1)
    expect(page.locator("#holdings tbody tr", has_text=home.name)).to_contain_text(HOME_CALL_NUMBER)
    with page.expect_navigation():
        page.locator("#record-actions a", has_text="Copy into my catalog").click()
    expect(page.locator("main .alert-info")).to_contain_text(fee)
    expect(page.locator("#id_call_number")).to_have_value("G254.3")  # proposed from the record's CLC
    page.fill("#id_call_number", CALL_NUMBER)
    page.fill("#id_location", "East reading room")
    with page.expect_navigation():
        page.click("#copy-form button[type=submit]")
    _flash(page, "success", "Copied into your catalog; a holding was added.")
    holding_row = page.locator("#holdings tbody tr", has_text=east.name)
    expect(holding_row).to_contain_text(CALL_NUMBER)
    expect(page.locator("#record-actions")).not_to_contain_text("Copy into my catalog")
    holding = Holding.objects.get(record=record, organization=east)
    assert (holding.call_number, holding.location, holding.created_by) == (
        CALL_NUMBER,
        "East reading room",
        demo.staff_east,
    )
    charge = LedgerEntry.objects.get(record=record, kind=LedgerEntry.Kind.COPY_FEE)
    assert (charge.organization, charge.amount_minor, charge.statement) == (east, schedule.copy_fee_minor, None)
    _nav(page, "nav-catalog-fees")
    charge_row = page.locator("#ledger tbody tr", has_text=TITLE)
    expect(charge_row).to_contain_text("Copy cataloging fee")
    expect(charge_row).to_contain_text(fee)
    _log_out(page, base)

    # --- 6. Next month: the east office's statement, its PDF, and paying it ------------------------
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    with time_machine.travel(datetime.datetime.combine(next_month, datetime.time(9), tzinfo=zone), tick=True):
        _log_in(page, base, "director_east")
        _nav(page, "nav-catalog-fees")
        # The form proposes the month just finished: the one in which the copy was made.
        expect(page.locator("#close-form #id_month")).to_have_value(today.strftime("%Y-%m"))
        with page.expect_navigation():
            page.click("#close-form button[type=submit]")
        _flash(page, "success", "Statement issued.")
        statement = Statement.objects.get(organization=east, period_start=today.replace(day=1))
        assert urlsplit(page.url).path == reverse("cataloging:statement_detail", args=[statement.pk])
        _assert_styled(page)
        charge.refresh_from_db()
        assert charge.statement == statement and statement.net_minor > 0
        assert statement.charges_minor >= schedule.copy_fee_minor
        expect(page.locator("#statement-status")).to_have_attribute("data-status", "issued")
        charge_line = page.locator("#statement-entries tbody tr", has_text=TITLE)
        expect(charge_line).to_contain_text("Copy cataloging fee")
        expect(charge_line).to_contain_text(fee)
        balance = format_money(statement.net_minor, statement.currency)
        expect(page.locator("#statement-totals")).to_contain_text(balance)

        # The PDF, fetched with the browser's session.
        href = page.get_attribute("#statement-pdf", "href")
        assert href == reverse("cataloging:statement_pdf", args=[statement.pk])
        response = page.request.get(base + href)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pdf = response.body()
        assert pdf.startswith(b"%PDF-")
        text = _pdf_text(pdf, tmp_path)
        assert east.name in text and today.strftime("%Y-%m") in text
        assert balance in text and fee in text
        assert "联合编目之旅" in text, f"the copied record's Chinese title is missing from the PDF: {text!r}"

        # Pay online through the payments app.
        pay_button = page.locator("#statement-pay")
        expect(pay_button).to_contain_text(balance)
        with page.expect_navigation():
            pay_button.click()
        payment = Payment.objects.get(purpose_type="cataloging.statement", purpose_id=str(statement.pk))
        assert urlsplit(page.url).path == reverse("payments:payment_checkout", args=[payment.pk])
        expect(page.locator("#checkout-amount")).to_have_text(balance)
        page.fill("#id_card_number", CARD_OK)
        page.fill("#id_expiry", "12/34")
        page.fill("#id_cvc", "123")
        with page.expect_navigation():
            page.click("#submit-payment")
        assert urlsplit(page.url).path == reverse("payments:payment_detail", args=[payment.pk])
        expect(page.locator("#payment-status [data-status]")).to_have_attribute(
            "data-status", "succeeded", timeout=30_000
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED
        assert (payment.amount_minor, payment.payer_organization, payment.payee_organization) == (
            statement.net_minor,
            east,
            home,
        )
        assert WebhookEvent.objects.filter(
            payment=payment, provider="simulated", type="payment_intent.succeeded", outcome="applied"
        ).exists(), "the success must come from the signed simulated webhook"

        # Back on the statement: paid, with the receipt; no pay button any more.
        with page.expect_navigation():
            page.locator("main a", has_text="Back to what this pays for").click()
        assert urlsplit(page.url).path == reverse("cataloging:statement_detail", args=[statement.pk])
        expect(page.locator("#statement-status")).to_have_attribute("data-status", "paid")
        expect(page.locator("#statement-payment")).to_contain_text(payment.receipt_number)
        assert re.fullmatch(r"R\d{4}-\d{6}", payment.receipt_number)
        expect(page.locator("#statement-pay")).to_have_count(0)
        statement.refresh_from_db()
        assert statement.status == Statement.Status.PAID and statement.paid_at is not None
        _nav(page, "nav-catalog-fees")
        expect(page.locator("#statements li", has_text=today.strftime("%Y-%m"))).to_contain_text("Paid")
        _log_out(page, base)

    recorder.assert_clean()
