"""Resource sharing in real Chromium (issue 13, "Done when", without the ISO 18626 parts):

1. Ma Lin (staff_east) asks for 电子商务概论 from its union-catalog page; home and riverside
   hold it and east prefers home, so home is asked first.
2. Home does not answer: the sweep (run here, as beat would) sends the request to riverside.
3. Riverside (staff_riverside) proposes a condition, a ¥25.00 fee; east accepts; riverside ships.
4. East receives the book, asks for a renewal (riverside grants it), sends it back; riverside
   checks it in: complete, charged ¥25.00.
5. A copy of ten pages: home lapses again, riverside delivers the scan as a PDF; east fetches
   it through its expiring link.
6. The month is closed (the beat job, run here); east's director pays the netted statement
   through the payments app; both offices' statistics show the balance.

Every page must log no console error, get no response >= 400 and request nothing but 127.0.0.1.

The second journey: the home office's director keeps the directory — adds a partner library
(a wrong agency id first), sees its generated security code once, the partner's ISO 18626
request is refused without it and taken with it, replaces it with the partner's own code,
makes the partner inactive, adds a reciprocity agreement (the same office twice first); then
the directory's pages at 1,366 and 390 px in English and Chinese, screenshots in
var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cataloging.models import BibRecord
from office.money import format_money
from payments.models import Payment
from sharing import actions
from sharing.iso18626 import messages as iso
from sharing.models import Agency, Reciprocity, Settlement, SharingRequest
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CARD_OK = "4242 4242 4242 4242"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _flash(page: Any, kind: str, text: str) -> None:
    expect(page.locator(f"#messages .alert-{kind}", has_text=text)).to_be_visible()


def _act(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _status(page: Any, status: str) -> None:
    expect(page.locator("#request-status")).to_have_attribute("data-status", status)


def _lapse(request: SharingRequest) -> None:
    """What the beat sweep does once the lender's deadline has passed."""
    request.refresh_from_db()
    assert actions.request_lapse(request.pk, now=request.deadline + dt.timedelta(seconds=1))


def _open_request(page: Any, base: str, request: SharingRequest) -> None:
    page.goto(base + reverse("sharing:request_detail", args=[request.pk]))
    _assert_styled(page)


@pytest.mark.timeout(900)
def test_east_borrows_from_riverside_after_home_lapses_and_pays_the_statement(
    page: Any, live_server: Any, demo: Any
) -> None:
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    base = live_server.url
    record = BibRecord.objects.get(title="电子商务概论")

    # --- 1. East asks for the book from its catalog page ----------------------------------------
    _log_in(page, base, "staff_east")
    page.goto(base + reverse("cataloging:record_detail", args=[record.pk]))
    _act(page, "#record-ill")
    expect(page.locator("#request-record")).to_contain_text("电子商务概论")
    _act(page, "#request-submit")
    loan = SharingRequest.objects.get(borrower__agency_id="CN-EAST", record=record, service_type="loan")
    assert urlsplit(page.url).path == reverse("sharing:request_detail", args=[loan.pk])
    _status(page, "sent")
    expect(page.locator("#request-lender")).to_contain_text("CN-HOME")
    expect(page.locator("#request-rota tbody tr")).to_have_count(2)

    # --- 2. Home lapses: the sweep moves it to riverside -------------------------------------------
    _lapse(loan)
    page.reload()
    expect(page.locator("#request-lender")).to_contain_text("CN-RIVER")
    expect(page.locator("#request-timeline [data-kind=lapsed]")).to_have_count(1)
    _log_out(page, base)

    # --- 3. Riverside proposes a fee; east accepts; riverside ships ------------------------------
    _log_in(page, base, "staff_riverside")
    page.goto(base + reverse("sharing:lending_desk"))
    _assert_styled(page)
    with page.expect_navigation():
        page.locator("#desk-table a", has_text=loan.number).click()
    page.fill("#condition-fee", "25.00")
    page.fill("#lender-answer input[name=note]", "Registered post only")
    _act(page, "#act-condition")
    _status(page, "conditional")
    _log_out(page, base)

    _log_in(page, base, "staff_east")
    page.goto(base + reverse("sharing:borrowing_desk") + "?queue=decide")
    expect(page.locator("#desk-table")).to_contain_text(loan.number)
    _open_request(page, base, loan)
    expect(page.locator("#request-condition")).to_contain_text("25.00")
    _act(page, "#act-accept")
    _status(page, "will_supply")
    _log_out(page, base)

    _log_in(page, base, "staff_riverside")
    _open_request(page, base, loan)
    page.fill("#ship-tracking", "SF1000200030")
    _act(page, "#act-ship")
    _status(page, "shipped")
    _log_out(page, base)

    # --- 4. Received, renewed, returned, checked in ---------------------------------------------
    _log_in(page, base, "staff_east")
    page.goto(base + reverse("sharing:borrowing_desk") + "?queue=coming")
    row = page.locator(f"#request-row-{loan.pk}")
    row.locator("button", has_text="Received").click()  # htmx: the row is replaced
    expect(page.locator(f"#request-row-{loan.pk} [data-status]")).to_have_attribute("data-status", "received")
    _open_request(page, base, loan)
    due = page.locator("#request-due").inner_text()
    _act(page, "#act-renew")
    expect(page.locator("#request-pending")).to_be_visible()
    _log_out(page, base)

    _log_in(page, base, "staff_riverside")
    _open_request(page, base, loan)
    _act(page, "#act-answer-yes")
    loan.refresh_from_db()
    assert loan.renewals == 1 and loan.pending == ""
    _log_out(page, base)

    _log_in(page, base, "staff_east")
    _open_request(page, base, loan)
    assert page.locator("#request-due").inner_text() != due
    page.fill("#request-actions input[name=tracking_number]", "SF-BACK-1")
    _act(page, "#act-return")
    _status(page, "returned")
    _log_out(page, base)

    _log_in(page, base, "staff_riverside")
    _open_request(page, base, loan)
    _act(page, "#act-check_in")
    _status(page, "complete")
    loan.refresh_from_db()
    assert loan.charge_minor == 2500
    _log_out(page, base)

    # --- 5. A copy, delivered as a PDF through an expiring link ----------------------------------
    _log_in(page, base, "staff_east")
    page.goto(base + reverse("sharing:request_new") + f"?record={record.pk}")
    page.check("#id_service_type_1")  # copy
    page.fill("#id_pages", "1-10")
    page.fill("#id_article_title", "第三章 网上支付")
    page.check("#id_copyright_declared")
    _act(page, "#request-submit")
    copy = SharingRequest.objects.get(borrower__agency_id="CN-EAST", service_type="copy", record=record)
    assert copy.copyright_declared and copy.page_count == 10
    _lapse(copy)
    _log_out(page, base)

    _log_in(page, base, "staff_riverside")
    _open_request(page, base, copy)
    page.set_input_files("#deliver-file", files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    _act(page, "#act-deliver")
    _status(page, "delivered")
    _log_out(page, base)

    _log_in(page, base, "staff_east")
    _open_request(page, base, copy)
    href = page.get_attribute("#request-links a.download-link", "href")
    response = page.request.get(base + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    page.reload()
    expect(page.locator("#request-links")).to_contain_text("1")
    _act(page, "#act-received")
    _status(page, "complete")
    _log_out(page, base)

    # --- 6. The month is closed; east's director pays the netted statement ----------------------
    actions.settlement_close_month(period_start=timezone.localdate().replace(day=1))
    statement = Settlement.objects.get(debtor__agency_id="CN-EAST", creditor__agency_id="CN-RIVER")
    copy.refresh_from_db()
    assert statement.amount_minor == loan.charge_minor + copy.charge_minor
    amount = format_money(statement.amount_minor, statement.currency)

    _log_in(page, base, "director_east")
    page.goto(base + reverse("sharing:settlement_list"))
    _assert_styled(page)
    with page.expect_navigation():
        page.locator("#settlements a").filter(has_text=statement.period_start.strftime("%Y-%m")).first.click()
    if urlsplit(page.url).path != reverse("sharing:settlement_detail", args=[statement.pk]):
        page.goto(base + reverse("sharing:settlement_detail", args=[statement.pk]))
    expect(page.locator("#settlement-net")).to_contain_text(amount)
    pdf = page.request.get(base + reverse("sharing:settlement_pdf", args=[statement.pk]))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    _act(page, "#settlement-pay")
    payment = Payment.objects.get(purpose_type="sharing.settlement", purpose_id=str(statement.pk))
    assert urlsplit(page.url).path == reverse("payments:payment_checkout", args=[payment.pk])
    expect(page.locator("#checkout-amount")).to_have_text(amount)
    page.fill("#id_card_number", CARD_OK)
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    _act(page, "#submit-payment")
    expect(page.locator("#payment-status [data-status]")).to_have_attribute("data-status", "succeeded", timeout=30_000)
    statement.refresh_from_db()
    assert statement.status == Settlement.Status.PAID
    page.goto(base + reverse("sharing:settlement_detail", args=[statement.pk]))
    expect(page.locator("#settlement-status")).to_have_attribute("data-status", "paid")
    page.goto(base + reverse("sharing:statistics"))
    expect(page.locator("#stat-borrowed")).not_to_have_text(format_money(0, "CNY"))
    expect(page.locator("#office-balances tr[data-agency=CN-EAST]")).to_be_visible()
    _log_out(page, base)

    _log_in(page, base, "staff_riverside")
    page.goto(base + reverse("sharing:statistics"))
    expect(page.locator("#stat-lent")).not_to_have_text(format_money(0, "CNY"))
    expect(page.locator("#stat-filled")).to_be_visible()
    # A phone-sized window: the desks and a request page do not overflow sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    for url in (
        reverse("sharing:lending_desk") + "?queue=closed",
        reverse("sharing:request_detail", args=[loan.pk]),
        reverse("sharing:directory"),
        reverse("sharing:statistics"),
    ):
        page.goto(base + url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{url} overflows at 390 px ({width} px)"
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_out(page, base)

    recorder.assert_clean()


# --- the directory: the home office's leadership keeps partners and agreements -------------------

DIRECTORY_SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Elements reaching past the window's right edge, leaving out what scrolls inside a
# .table-responsive (it is clipped there, the page does not widen).
WIDER = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
    .filter(e => !e.parentElement.closest('.table-responsive'))
    .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + [...e.classList].join('.'))"""


def _no_overflow(page: Any) -> None:
    """`scrollWidth <= innerWidth`: nothing on the page is wider than the window."""
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > sizes[1]:
        wider = page.evaluate(WIDER)
        raise AssertionError(f"{page.url} overflows: {sizes[0]} px wide at {sizes[1]} px: {wider}")


def _tour_directory(browser: Any, base: str, pages: list[tuple[str, str]]) -> None:
    """Every page at 1,366 and 390 px, in English and Chinese: styled, nothing wider than the
    window (the top navigation aside, as in the UX journey), a full-page screenshot."""
    for width, (w, h) in {"desktop": (1366, 900), "phone": (390, 844)}.items():
        for language in ("en", "zh-hans"):
            context = browser.new_context(viewport={"width": w, "height": h}, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(20_000)
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            _log_in(page, base, "director")
            host = urlsplit(base).hostname
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
            )
            for name, path in pages:
                page.goto(base + path)
                _assert_styled(page)
                DIRECTORY_SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(DIRECTORY_SHOTS / f"sharing-directory-{language}-{width}-{name}.png"), full_page=True
                )
                _no_overflow(page)
                main = page.locator("main").inner_text()
                if language == "zh-hans":
                    for english in ("Add a partner library", "Security code", "Reciprocity agreement", "Save"):
                        assert english not in main, f"{english!r} on the Chinese page {path}"
            assert not errors, errors
            context.close()


@pytest.mark.timeout(900)
def test_home_leadership_adds_a_partner_sets_its_code_and_makes_an_agreement(
    page: Any, browser: Any, live_server: Any, demo: Any
) -> None:
    page.set_default_timeout(20_000)
    recorder = Recorder(page)
    base = live_server.url

    _log_in(page, base, "director")
    page.goto(base + reverse("sharing:directory"))
    _assert_styled(page)
    _act(page, "#partner-new")
    # A wrong agency id comes back with the message, nothing saved.
    page.fill("#id_agency_id", "PARTNER2")
    page.fill("#id_name", "Second Partner Library")
    page.fill("#id_iso_address", "https://ill.partner2.example/iso18626")
    for name in ("loan_fee_minor", "copy_fee_minor", "page_fee_minor", "urgent_fee_minor"):
        page.fill(f"#id_{name}", "0")
    _act(page, "#partner-submit")
    expect(page.locator("#partner-form")).to_contain_text("ISIL")
    assert not Agency.objects.filter(agency_id__icontains="PARTNER2").exists()
    page.fill("#id_agency_id", "CN-PARTNER2")
    page.fill("#id_loan_fee_minor", "20.00")
    _act(page, "#partner-submit")
    code = page.locator("#partner-secret-code").inner_text().strip()
    partner = Agency.objects.get(agency_id="CN-PARTNER2")
    assert code == partner.iso_secret and len(code) >= 32 and partner.loan_fee_minor == 2000

    # The partner's request with that code is taken; without it, refused (ERROR, nothing written).
    message = iso.build_request(
        iso.OutgoingRequest(
            supplying="CN-HOME", requesting="CN-PARTNER2", request_id="P2-1", service_type="Loan", title="Anything"
        )
    )
    endpoint = base + reverse("sharing:iso18626")
    refused = page.request.post(endpoint, data=message, headers={"Content-Type": "application/xml"})
    assert refused.status == 200 and b"ERROR" in refused.body()
    accepted = page.request.post(
        endpoint, data=message, headers={"Content-Type": "application/xml", "X-ISO18626-Security-Code": code}
    )
    assert accepted.status == 200 and iso.parse(accepted.body()).message_status == "OK"
    assert SharingRequest.objects.filter(borrower=partner, peer_request_id="P2-1").exists()

    # Replace the code with the one the partner proposes; the old one stops working.
    _act(page, "#secret-done")
    with page.expect_navigation():
        page.locator("#directory-partners tr[data-agency=CN-PARTNER2] a.partner-edit").click()
    _act(page, "#partner-secret-link")
    page.fill("#id_secret", "partner2-proposed-code-0001")
    _act(page, "#secret-submit")
    expect(page.locator("#partner-secret-code")).to_have_text("partner2-proposed-code-0001")
    old = page.request.post(
        endpoint,
        data=message.replace(b"P2-1", b"P2-2"),
        headers={"Content-Type": "application/xml", "X-ISO18626-Security-Code": code},
    )
    assert iso.parse(old.body()).message_status == "ERROR"

    # Make the partner inactive from its page.
    page.goto(base + reverse("sharing:partner_edit", args=[partner.pk]))
    page.uncheck("#id_is_active")
    _act(page, "#partner-submit")
    _flash(page, "success", "CN-PARTNER2")
    expect(page.locator("#directory-partners tr[data-agency=CN-PARTNER2]")).to_contain_text("inactive")

    # A reciprocity agreement between east and riverside, from today.
    _act(page, "#reciprocity-new")
    east, river = Agency.objects.get(agency_id="CN-EAST"), Agency.objects.get(agency_id="CN-RIVER")
    page.select_option("#id_first", str(east.pk))
    page.select_option("#id_second", str(east.pk))
    page.fill("#id_starts_on", timezone.localdate().isoformat())
    _act(page, "#reciprocity-submit")
    expect(page.locator("#reciprocity-form")).to_contain_text("Choose another office")
    page.select_option("#id_second", str(river.pk))
    page.fill("#id_note", "Pilot year")
    _act(page, "#reciprocity-submit")
    pair = "-".join(a.agency_id for a in sorted((east, river), key=lambda a: a.pk))
    expect(page.locator(f"#directory-reciprocity tr[data-pair={pair}]")).to_contain_text("Pilot year")
    agreement = Reciprocity.objects.get(first=min(east.pk, river.pk), second=max(east.pk, river.pk))
    _log_out(page, base)
    recorder.assert_clean()

    _tour_directory(
        browser,
        base,
        [
            ("directory", reverse("sharing:directory")),
            ("partner-new", reverse("sharing:partner_new")),
            ("partner-edit", reverse("sharing:partner_edit", args=[partner.pk])),
            ("partner-code", reverse("sharing:partner_secret", args=[partner.pk])),
            ("reciprocity-new", reverse("sharing:reciprocity_new")),
            ("reciprocity-edit", reverse("sharing:reciprocity_edit", args=[agreement.pk])),
            ("policy", reverse("sharing:policy_edit")),
        ],
    )
