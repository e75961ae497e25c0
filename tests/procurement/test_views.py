"""The pages as people click through them: cart to request, htmx approvals, paying an order
through the payments app's simulated provider, receiving, CSV import, reports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from office.models import Budget
from payments.models import Payment
from procurement import actions
from procurement.models import PurchaseOrder, PurchaseRequest, Vendor, VendorItem
from tests.procurement.conftest import budget_of, item, make_request

pytestmark = pytest.mark.django_db


def test_staff_requests_items_from_two_vendors_head_and_director_approve_orders_paid(
    demo, django_capture_on_commit_callbacks
):
    staff = demo.client("staff_infodev")
    budget = budget_of(demo.staff_infodev)
    start = (budget.encumbered_minor, budget.spent_minor)
    for sku, quantity in (("DS-3001", 1), ("BH-1001", 2)):
        response = staff.post("/procurement/cart/add/", {"item": item(sku).pk, "quantity": quantity})
        assert response.status_code == 302
    response = staff.post("/procurement/cart/checkout/", {"budget": budget.pk, "justification": "Topic services"})
    pr = PurchaseRequest.objects.filter(requester=demo.staff_infodev).latest("pk")
    assert response.url == f"/procurement/requests/{pr.pk}/"
    staff.post(f"/procurement/requests/{pr.pk}/submit/")
    head = demo.client("head_infodev")
    page = head.get("/procurement/approvals/")
    assert pr.reference in page.content.decode()
    response = head.post(f"/procurement/requests/{pr.pk}/approve/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Approved." in response.content.decode()
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.HEAD_APPROVED
    again = head.post(f"/procurement/requests/{pr.pk}/approve/", HTTP_HX_REQUEST="true")
    # Refused: the message goes to the page's messages area; the row stays as it was.
    assert again.status_code == 200 and again["HX-Retarget"] == "#messages" and "director" in again.content.decode()
    director = demo.client("director")
    director.post(f"/procurement/requests/{pr.pk}/approve/")
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.APPROVED
    budget.refresh_from_db()
    assert budget.encumbered_minor == start[0] + 1_209_000
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/procurement/requests/{pr.pk}/order/")
    orders = list(PurchaseOrder.objects.filter(request=pr).order_by("pk"))
    assert len(orders) == 2
    for order in orders:
        assert staff.post(f"/procurement/orders/{order.pk}/pay/").status_code == 403
        response = director.post(f"/procurement/orders/{order.pk}/pay/")
        payment = Payment.objects.get(purpose_type="procurement.purchase_order", purpose_id=str(order.pk))
        assert response.url == f"/payments/{payment.pk}/checkout/"
        assert payment.amount_minor == order.total_minor and payment.payee_name
        assert director.get(response.url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            director.post(
                f"/payments/simulated/{payment.pk}/pay/",
                {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"},
            )
        order.refresh_from_db()
        assert order.status == PurchaseOrder.Status.PAID
    budget.refresh_from_db()
    assert (budget.encumbered_minor, budget.spent_minor) == (start[0], start[1] + 1_209_000)
    order = orders[0]
    line = order.lines.first()
    response = staff.post(f"/procurement/orders/{order.pk}/receive/", {f"line-{line.pk}": str(line.quantity)})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED
    detail = staff.get(f"/procurement/orders/{order.pk}/")
    assert detail.status_code == 200 and "Three-way match" in detail.content.decode()
    pdf = staff.get(f"/procurement/orders/{order.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    report = director.get("/procurement/reports/spending/")
    assert report.status_code == 200 and "chart-data" in report.content.decode()
    csv_text = director.get("/procurement/reports/spending.csv").content.decode("utf-8-sig")
    assert order.number in csv_text


def test_other_office_gets_404_on_our_request_and_empty_lists(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    east = demo.client("staff_east")
    assert east.get(f"/procurement/requests/{pr.pk}/").status_code == 404
    assert east.post(f"/procurement/requests/{pr.pk}/approve/").status_code == 404
    assert pr.reference not in east.get("/procurement/requests/").content.decode()
    assert "BookHub" not in east.get("/procurement/catalog/").content.decode()
    assert demo.client("client_a").get("/procurement/requests/").status_code == 403


CSV_OK = (
    "sku,title,title_zh,kind,format,isbn,term_months,price,currency,available\n"
    "X-1,Data mining,数据挖掘,book,print,0-306-40615-2,,88.50,CNY,yes\n"
    "X-2,Scanner,扫描仪,equipment,print,,,1200,CNY,no\n"
)


def test_csv_import_creates_items_and_normalises_isbn(demo):
    vendor = Vendor.objects.get(code="bookhub")
    head = demo.client("head_infodev")
    response = head.post(
        f"/procurement/vendors/{vendor.pk}/import/", {"file": SimpleUploadedFile("c.csv", CSV_OK.encode())}
    )
    assert response.status_code == 302
    x1 = VendorItem.objects.get(vendor=vendor, sku="X-1")
    assert x1.price_minor == 8_850 and x1.isbn == "9780306406157"


@pytest.mark.parametrize(
    "bad",
    [
        "sku,title\nA,B\n",  # no price column
        "sku,title,price\nA,Book,-5\n",
        "sku,title,price\nA,Book,99999999999\n",
        "sku,title,price\nA,Book,abc\n",
        "sku,title,price,isbn\nA,Book,5,123\n",
        "sku,title,price\nA,Book,5\nA,Again,6\n",
        "sku,title,price,format\nA,DB,5,usage_right\n",
    ],
)
def test_bad_csv_changes_nothing(demo, bad):
    vendor = Vendor.objects.get(code="bookhub")
    count = VendorItem.objects.count()
    response = demo.client("head_infodev").post(
        f"/procurement/vendors/{vendor.pk}/import/",
        {"file": SimpleUploadedFile("c.csv", ("sku,title,price\nOK,Fine,1\n" + bad).encode())},
        follow=True,
    )
    assert "Nothing was imported" in response.content.decode() or "lacks" in response.content.decode()
    assert VendorItem.objects.count() == count


def test_catalog_search_filters_and_price_comparison(demo):
    staff = demo.client("staff_infodev")
    page = staff.get("/procurement/catalog/", {"q": "Library", "price_max": "59"}).content.decode()
    assert "BH-1002" not in page  # sku is not shown; check the price instead
    assert "¥58.00" in page and "¥61.00" not in page
    compare = staff.get("/procurement/catalog/compare/", {"isbn": "9787040512345"}).content.decode()
    assert "cheapest" in compare and "¥42.00" in compare and "¥45.00" in compare


def test_bad_quantity_in_cart_is_refused_with_message(demo):
    staff = demo.client("staff_infodev")
    response = staff.post("/procurement/cart/add/", {"item": item("BH-1001").pk, "quantity": "-4"}, follow=True)
    assert "between 1 and 10,000" in response.content.decode()


def test_budget_never_below_zero_on_the_detail_page_refusal(demo):
    budget = budget_of(demo.staff_infodev)
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    Budget.objects.filter(pk=budget.pk).update(allocated_minor=budget.encumbered_minor + budget.spent_minor)
    response = demo.client("head_infodev").post(f"/procurement/requests/{pr.pk}/approve/", follow=True)
    assert "not enough money" in response.content.decode()
    pr.refresh_from_db()
    assert pr.status == PurchaseRequest.Status.SUBMITTED


def test_spending_csv_writes_each_amount_in_its_currency_and_guards_formulas(demo):
    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    order = actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)[0]
    # A yen amount has no decimals; a vendor name from an import may look like a formula.
    PurchaseOrder.objects.filter(pk=order.pk).update(currency="JPY", spent_minor=12_345, paid_at=timezone.now())
    Vendor.objects.filter(pk=order.vendor_id).update(name="=HYPERLINK(evil)")
    response = demo.client("director").get(f"/procurement/reports/spending.csv?year={timezone.localdate().year}")
    assert response["Content-Disposition"] == f'attachment; filename="spending-{timezone.localdate().year}.csv"'
    row = next(line for line in response.content.decode("utf-8-sig").splitlines() if line.startswith(order.number))
    assert row.endswith(",JPY,12345") and ",'=HYPERLINK(evil)," in row
