"""Online purchasing end to end in real Chromium (issue #5, "Done when").

staff_infodev puts items from two vendors (BookHub, a manual vendor, and the simulated API
vendor) into the cart and submits one purchase request above the department's approval limit
(demo data: 2,000 CNY for information development). head_infodev approves it in the approvals
inbox (htmx) up to their limit, the director approves the part above it; the request is split
into one purchase order per vendor; the director pays both online through the payments app
(simulated provider, signed webhook); BookHub's progress is recorded by hand, the simulated
vendor's by the Celery tracking sweep; goods arrive in one partial then one full delivery; the
invoices are entered with their three-way match and the orders closed.

After every step the budget line's four figures (allocated, encumbered, spent, available) are
read from the budget page the acting user sees AND from the database. The pages must log no
console error, get no response >= 400 and make no request off 127.0.0.1 (see test_journeys.py).
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from office.models import Budget
from office.money import format_money
from payments.models import Payment, WebhookEvent
from procurement.models import PurchaseOrder, PurchaseRequest, TrackingEvent, Vendor, VendorItem
from procurement.tasks import orders_tracking_sweep_task
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CARD = "4242 4242 4242 4242"
# sku, quantity: two BookHub lines and one from the simulated API vendor.
CART = [("BH-2001", 1), ("BH-1002", 2), ("DS-1002", 20)]


class BudgetWatch:
    """The expected figures of one budget line, checked on its page and in the database."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.allocated = budget.allocated_minor
        self.encumbered = budget.encumbered_minor
        self.spent = budget.spent_minor

    @property
    def available(self) -> int:
        return self.allocated - self.encumbered - self.spent

    def check(self, page: Any, base: str, step: str) -> None:
        back = page.url
        with page.expect_navigation():
            page.goto(base + reverse("office:budget_detail", args=[self.budget.pk]))
        figures = [self.allocated, self.encumbered, self.spent, self.available]
        expect(page.locator("#budget-summary dd")).to_have_text(
            [format_money(value, self.budget.currency) for value in figures]
        )
        self.budget.refresh_from_db()
        db = [
            self.budget.allocated_minor,
            self.budget.encumbered_minor,
            self.budget.spent_minor,
            self.budget.available_minor,
        ]
        assert db == figures, f"{step}: database {db} != expected {figures}"
        page.goto(back)


def _nav(page: Any, name: str) -> None:
    """Follow a link of the Purchasing menu (opened just before)."""
    page.locator(f"a.dropdown-item[href='{reverse(name)}']").click()


def _open_order(page: Any, order: PurchaseOrder) -> None:
    link = page.locator("main a", has_text=order.number).first
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path == reverse("procurement:order_detail", args=[order.pk])


def _order_status(page: Any, status: str) -> None:
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", status)


@pytest.mark.timeout(900)  # a long journey: eight logins and two payments, on a shared 2-core machine
def test_request_approve_order_pay_track_receive_invoice_close(page: Any, live_server: Any, demo: Any) -> None:
    page.set_default_timeout(15_000)
    recorder = Recorder(page)
    base = live_server.url
    assert urlsplit(base).hostname == "127.0.0.1"
    staff = demo.staff_infodev
    department = staff.staff_profile.department
    budget = Budget.objects.get(department=department, fiscal_year=timezone.localdate().year)
    watch = BudgetWatch(budget)
    items = {sku: VendorItem.objects.get(sku=sku, vendor__organization__is_home=True) for sku, _q in CART}
    totals: dict[str, int] = {}
    for sku, quantity in CART:
        code = items[sku].vendor.code
        totals[code] = totals.get(code, 0) + items[sku].price_minor * quantity
    total = sum(totals.values())
    limit = department.approval_limit_minor
    # The demo limit makes the journey need both approvals: the whole request is above the
    # head's limit while each vendor's part of it is within.
    assert total > limit and max(totals.values()) <= limit, (total, totals, limit)

    # --- 1. The staff member fills the cart from two vendors' catalogs and submits. -------------
    _log_in(page, base, "staff_infodev")
    watch.check(page, base, "start")
    page.click("#nav-procurement")
    with page.expect_navigation():
        _nav(page, "procurement:catalog_search")
    _assert_styled(page)
    for sku, quantity in CART:
        item = items[sku]
        page.fill("#id_q", item.title)
        with page.expect_navigation():
            page.click("main form[method=get] button")
        row = page.locator("main table tbody tr", has_text=item.title).filter(has_text=str(item.vendor))
        expect(row).to_have_count(1)
        row.locator("input[name=quantity]").fill(str(quantity))
        with page.expect_navigation():
            row.locator("button", has_text="Add to cart").click()
        expect(page.locator(".alert-success", has_text="Added to your cart.")).to_be_visible()
    page.click("#nav-procurement")
    with page.expect_navigation():
        _nav(page, "procurement:cart")
    expect(page.locator("main table tbody tr")).to_have_count(3)
    expect(page.locator("main table tfoot")).to_contain_text(format_money(total, budget.currency))
    page.select_option("#id_budget", str(budget.pk))
    page.fill("#id_justification", "Journal, textbooks for new staff and the training course")
    with page.expect_navigation():
        page.locator("main form button", has_text="Save as draft").click()  # issue 20: or "Save and submit"
    pr = PurchaseRequest.objects.get(requester=staff, justification__startswith="Journal, textbooks")
    assert urlsplit(page.url).path == reverse("procurement:request_detail", args=[pr.pk])
    assert pr.status == PurchaseRequest.Status.DRAFT and pr.total_minor == total
    assert set(pr.lines.values_list("vendor__code", flat=True)) == {"bookhub", "sim-api"}
    expect(page.locator("main")).to_contain_text("above the head's limit: the director approves too")
    with page.expect_navigation():
        page.locator("main button", has_text="Submit for approval").click()
    expect(page.locator(".alert-success", has_text="Request submitted.")).to_be_visible()
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.SUBMITTED
    watch.check(page, base, "submitted")  # submitting reserves nothing yet
    _log_out(page, base)

    # --- 2. The head approves up to the limit: the whole total is encumbered, the director is next.
    _log_in(page, base, "head_infodev")
    page.click("#nav-procurement")
    with page.expect_navigation():
        _nav(page, "procurement:approvals")
    row = page.locator(f"#approval-{pr.pk}")
    expect(row).to_contain_text("above the head's limit")
    # A refused htmx action (no comment) shows in the messages area; the row stays.
    row.locator("button", has_text="Reject").click()
    expect(page.locator("#messages .alert-danger", has_text="Write a comment for the requester.")).to_be_visible()
    expect(row.locator("button", has_text="Approve")).to_be_visible()
    row.locator("input[name=comment]").fill("Within our plan")
    row.locator("button", has_text="Approve").click()  # htmx swaps the row in place
    expect(page.locator("#messages .alert-success", has_text="Approved.")).to_be_visible()
    expect(page.locator("#messages .alert-danger")).to_have_count(0)
    expect(page.locator(f"#approval-{pr.pk}")).to_contain_text("Waiting for the director")
    expect(page.locator(f"#approval-{pr.pk} button", has_text="Approve")).to_have_count(0)
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.HEAD_APPROVED and pr.head_approved_by == demo.head_infodev
    assert pr.encumbered_minor == total
    watch.encumbered += total
    watch.check(page, base, "head approved")
    _log_out(page, base)

    # --- 3. The director approves the part above the head's limit. -----------------------------
    _log_in(page, base, "director")
    page.click("#nav-procurement")
    with page.expect_navigation():
        _nav(page, "procurement:approvals")
    row = page.locator(f"#approval-{pr.pk}")
    row.locator("button", has_text="Approve").click()
    expect(page.locator("#messages .alert-success", has_text="Approved.")).to_be_visible()
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.APPROVED and pr.approved_by == demo.director
    watch.check(page, base, "director approved")  # the encumbrance stays as the head made it
    _log_out(page, base)

    # --- 4. The requester places the orders: one per vendor, each carrying its share. ----------
    _log_in(page, base, "staff_infodev")
    page.goto(base + reverse("procurement:request_detail", args=[pr.pk]))
    with page.expect_navigation():
        page.locator("main button", has_text="Place the orders (one per vendor)").click()
    orders = {o.vendor.code: o for o in PurchaseOrder.objects.filter(request=pr).select_related("vendor")}
    assert set(orders) == {"bookhub", "sim-api"}
    for code, order in orders.items():
        assert order.total_minor == order.encumbered_minor == totals[code]
        assert re.fullmatch(r"PO-\d{4}-\d{4}", order.number)
        expect(page.locator("main li", has_text=order.number)).to_contain_text(
            format_money(totals[code], budget.currency)
        )
    watch.check(page, base, "ordered")  # splitting moves no money
    _log_out(page, base)
    for order in orders.values():  # sent after commit: PDF by e-mail, or the vendor's API
        order.refresh_from_db()
        assert order.sent_at is not None, order.send_error
    assert orders["sim-api"].vendor_reference == f"SIM-{orders['sim-api'].number}"

    # --- 5. The director pays each order online; payment turns its encumbrance into spending. ---
    _log_in(page, base, "director")
    for code in ("bookhub", "sim-api"):
        order = orders[code]
        page.goto(base + reverse("procurement:request_detail", args=[pr.pk]))
        _open_order(page, order)
        _order_status(page, PurchaseOrder.Status.PLACED)
        with page.expect_navigation():
            page.locator("main button", has_text="Pay online").click()
        payment = Payment.objects.get(purpose_type="procurement.purchase_order", purpose_id=str(order.pk))
        assert urlsplit(page.url).path == reverse("payments:payment_checkout", args=[payment.pk])
        expect(page.locator("#checkout-amount")).to_have_text(format_money(order.total_minor, order.currency))
        page.fill("#id_card_number", CARD)
        page.fill("#id_expiry", "12/34")
        page.fill("#id_cvc", "123")
        with page.expect_navigation():
            page.click("#submit-payment")
        expect(page.locator("#payment-status [data-status]")).to_have_attribute(
            "data-status", "succeeded", timeout=20_000
        )
        assert WebhookEvent.objects.filter(
            payment=payment, type="payment_intent.succeeded", outcome="applied"
        ).exists(), "the success must come from the signed simulated webhook"
        with page.expect_navigation():
            page.locator("a", has_text="Back to what this pays for").click()
        _order_status(page, PurchaseOrder.Status.PAID)
        expect(page.locator("#order-spent")).to_have_text(format_money(order.total_minor, order.currency))
        expect(page.locator("#order-encumbered")).to_have_text(format_money(0, order.currency))
        order.refresh_from_db()
        assert (order.status, order.payment_id, order.spent_minor, order.encumbered_minor) == (
            PurchaseOrder.Status.PAID,
            payment.pk,
            order.total_minor,
            0,
        )
        watch.encumbered -= order.total_minor
        watch.spent += order.total_minor
        watch.check(page, base, f"{code} paid")

    # --- 6. Tracking: BookHub's news recorded by hand, the simulated vendor's by the sweep. ----
    page.goto(base + reverse("procurement:order_detail", args=[orders["bookhub"].pk]))
    page.select_option("#id_status", "shipped")
    page.fill("#id_message", "Courier SF1234567 picked up the parcel")
    with page.expect_navigation():
        page.locator("main form button", has_text="Record").click()
    _order_status(page, PurchaseOrder.Status.SHIPPED)
    expect(page.locator("#timeline")).to_contain_text("Courier SF1234567 picked up the parcel")
    # The simulated vendor's clock: its parcel left four minutes after the order was sent.
    sim = orders["sim-api"]
    PurchaseOrder.objects.filter(pk=sim.pk).update(sent_at=timezone.now() - datetime.timedelta(minutes=4))
    assert sim.vendor.integration == Vendor.Integration.SIMULATED
    orders_tracking_sweep_task.delay().get()
    polled = TrackingEvent.objects.filter(order=sim, source=TrackingEvent.Source.POLL)
    assert sorted(polled.values_list("status", flat=True)) == ["confirmed", "shipped"]
    orders_tracking_sweep_task.delay().get()  # the next sweep: the same news lands only once
    assert polled.count() == 2
    page.goto(base + reverse("procurement:order_detail", args=[sim.pk]))
    _order_status(page, PurchaseOrder.Status.SHIPPED)
    expect(page.locator("#timeline")).to_contain_text("Parcel handed to the courier (simulated)")
    expect(page.locator("#timeline li", has_text="Vendor API (polled)")).to_have_count(2)
    watch.check(page, base, "tracked")
    _log_out(page, base)

    # --- 7. Receiving: one partial delivery, then the rest. ------------------------------------
    _log_in(page, base, "staff_infodev")
    bookhub = orders["bookhub"]
    journal = bookhub.lines.get(sku="BH-2001")
    books = bookhub.lines.get(sku="BH-1002")
    page.goto(base + reverse("procurement:order_detail", args=[bookhub.pk]))
    with page.expect_navigation():
        page.locator("main a", has_text="Record receipt or return").click()
    page.fill(f"input[name=line-{journal.pk}]", "0")
    page.fill(f"input[name=line-{books.pk}]", "2")
    page.fill("#note", "Books arrived; the journal follows")
    with page.expect_navigation():
        page.locator("main form button", has_text="Record").click()
    _order_status(page, PurchaseOrder.Status.PARTIALLY_RECEIVED)
    expect(page.locator("#match")).to_contain_text(format_money(books.line_total_minor, bookhub.currency))
    books.refresh_from_db()
    journal.refresh_from_db()
    assert (books.received_quantity, journal.received_quantity) == (2, 0)
    watch.check(page, base, "partially received")
    with page.expect_navigation():
        page.locator("main a", has_text="Record receipt or return").click()
    expect(page.locator(f"input[name=line-{journal.pk}]")).to_have_value("1")  # what is outstanding
    expect(page.locator(f"input[name=line-{books.pk}]")).to_have_value("0")
    with page.expect_navigation():
        page.locator("main form button", has_text="Record").click()
    _order_status(page, PurchaseOrder.Status.RECEIVED)
    page.goto(base + reverse("procurement:order_detail", args=[sim.pk]))
    with page.expect_navigation():
        page.locator("main a", has_text="Record receipt or return").click()
    with page.expect_navigation():
        page.locator("main form button", has_text="Record").click()
    _order_status(page, PurchaseOrder.Status.RECEIVED)
    for order in orders.values():
        order.refresh_from_db()
        assert order.status == PurchaseOrder.Status.RECEIVED and order.received_at is not None
        assert all(line.received_quantity == line.quantity for line in order.lines.all())
    watch.check(page, base, "received")
    _log_out(page, base)

    # --- 8. Invoices with the three-way match, then close. -------------------------------------
    _log_in(page, base, "director")
    for number, order in (("INV-BH-77", orders["bookhub"]), ("INV-DS-12", orders["sim-api"])):
        page.goto(base + reverse("procurement:order_detail", args=[order.pk]))
        amount = format_money(order.total_minor, order.currency)
        page.fill("#id_number", number)
        page.fill("#id_issued_on", timezone.localdate().isoformat())
        page.fill("#id_amount", f"{order.total_minor / 100:.2f}")
        with page.expect_navigation():
            page.locator("main button", has_text="Save invoice").click()
        _order_status(page, PurchaseOrder.Status.INVOICED)
        match = page.locator("#match")
        for label in ("Ordered", "Received", "Invoiced", "Paid"):
            expect(match.locator("tr", has_text=label)).to_contain_text(amount)
        expect(match.locator(".text-danger")).to_have_count(0)  # no differences
        watch.check(page, base, f"{number} invoiced")
        with page.expect_navigation():
            page.locator("main button", has_text="Close order").click()
        _order_status(page, PurchaseOrder.Status.CLOSED)
        order.refresh_from_db()
        assert order.status == PurchaseOrder.Status.CLOSED and order.invoice.number == number
        assert order.invoice.amount_minor == order.total_minor
        watch.check(page, base, f"{order.number} closed")
    # In the end the money is spent, nothing of this request stays encumbered.
    pr.refresh_from_db()
    assert pr.encumbered_minor == 0 and pr.status == PurchaseRequest.Status.ORDERED
    budget.refresh_from_db()
    assert budget.spent_minor == watch.spent and watch.spent - total >= 0
    _log_out(page, base)
    recorder.assert_clean()
