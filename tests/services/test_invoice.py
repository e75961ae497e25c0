"""The invoice PDF of a paid order: its client and the staff on it; nobody else; never unpaid."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from office.models import ClientAccount
from services import actions
from services.reports import invoice_number
from tests.services.factories import order_in

pytestmark = pytest.mark.django_db


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=30
    ).stdout.decode()


def test_client_and_staff_download_the_invoice_of_a_paid_order(demo, tmp_path):
    ClientAccount.objects.filter(user=demo.client_a).update(invoice_title="华南材料研究所", tax_id="91440101MA5ABCDE1X")
    order = order_in(demo, "paid", amount=123_400)
    url = reverse("services:order_invoice", args=[order.pk])
    response = demo.client("client_a").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice_number(order)}.pdf"' in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert invoice_number(order) in text and order.number in text
    assert "华南材料研究所" in text and "91440101MA5ABCDE1X" in text
    assert "¥1,234.00" in text and order.payment.receipt_number in text
    for who in ("staff_infodev", "head_infodev", "director"):
        assert demo.client(who).get(url).status_code == 200, who
    page = demo.client("client_a").get(reverse("services:order_detail", args=[order.pk])).content.decode()
    assert url in page


def test_nobody_else_gets_it_and_unpaid_orders_have_none(demo):
    order = order_in(demo, "paid")
    url = reverse("services:order_invoice", args=[order.pk])
    assert demo.client("client_b").get(url).status_code == 404
    assert demo.client("staff_east").get(url).status_code == 404
    accepted = order_in(demo, "accepted")
    unpaid = reverse("services:order_invoice", args=[accepted.pk])
    assert demo.client("client_a").get(unpaid).status_code == 404
    assert (
        unpaid not in demo.client("client_a").get(reverse("services:order_detail", args=[accepted.pk])).content.decode()
    )


def test_a_refunded_order_s_invoice_says_so(demo, tmp_path, django_capture_on_commit_callbacks):
    order = order_in(demo, "paid", amount=50_000)
    with django_capture_on_commit_callbacks(execute=True):
        actions.order_cancel(order_id=order.pk, actor=demo.client_a, reason="Not needed")
    response = demo.client("client_a").get(reverse("services:order_invoice", args=[order.pk]))
    assert response.status_code == 200
    assert "Refunded: ¥500.00" in _text(response.content, tmp_path)


def test_the_invoice_keeps_the_buyer_as_it_stood_at_payment(demo, tmp_path):
    ClientAccount.objects.filter(user=demo.client_a).update(invoice_title="华南材料研究所", tax_id="91440101MA5ABCDE1X")
    order = order_in(demo, "paid")
    assert order.invoice_buyer["title"] == "华南材料研究所"
    # The client edits its invoice details afterwards: the issued invoice does not change.
    ClientAccount.objects.filter(user=demo.client_a).update(
        invoice_title="Another Company Ltd", tax_id="91110000XYZ12345A"
    )
    url = reverse("services:order_invoice", args=[order.pk])
    text = _text(demo.client("client_a").get(url).content, tmp_path)
    assert "华南材料研究所" in text and "91440101MA5ABCDE1X" in text
    assert "Another Company" not in text and "91110000XYZ12345A" not in text
