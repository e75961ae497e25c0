"""A client's own contact and invoice details: edited on one page, validated, audited; the
e-mail address is not editable there; nobody else's details are reachable."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from office.exceptions import DomainError
from office.models import AuditEvent, ClientAccount
from services import actions

pytestmark = pytest.mark.django_db

URL = reverse("services:client_profile")

VALID = {
    "kind": "organisation",
    "display_name": "Dr. Fang Wei 方伟",
    "organisation_name": "South China Materials Institute 华南材料研究所",
    "phone": "+86 20 8888-1234",
    "fax": "+86 (20) 8888 1235",
    "postal_address": "100 Xianlie Road, Guangzhou 510070",
    "invoice_title": "华南材料研究所",
    "tax_id": "91440101ma5abcde1x",
}


def test_client_edits_its_details_and_the_change_is_audited(demo):
    client = demo.client("client_a")
    page = client.get(URL).content.decode()
    assert demo.client_a.email in page and 'name="email"' not in page
    response = client.post(URL, VALID)
    assert response.status_code == 302 and response.url == URL
    account = ClientAccount.objects.get(user=demo.client_a)
    assert account.fax == "+86 (20) 8888 1235" and account.invoice_title == "华南材料研究所"
    assert account.tax_id == "91440101MA5ABCDE1X"  # normalised to upper case
    event = AuditEvent.objects.get(verb="services.client.profile_changed")
    assert "tax_id" in event.data["fields"] and "email" not in event.data["fields"]
    assert "Your details were saved." in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call me maybe", "Enter a valid phone number"),
        ("fax", "123", "Enter a valid fax number"),
        ("tax_id", "12-34", "A tax ID has 15 to 20 letters and digits."),
        ("display_name", "   ", "This field is required."),
        ("organisation_name", "", "Enter the organisation&#x27;s name."),
        ("invoice_title", "", "Enter the invoice title that goes with the tax ID."),
    ],
)
def test_bad_details_are_refused_with_a_message_and_nothing_changes(demo, field, value, message):
    before = ClientAccount.objects.get(user=demo.client_a)
    response = demo.client("client_a").post(URL, {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    after = ClientAccount.objects.get(user=demo.client_a)
    assert (after.phone, after.fax, after.tax_id, after.display_name, after.updated_at) == (
        before.phone,
        before.fax,
        before.tax_id,
        before.display_name,
        before.updated_at,
    )
    assert not AuditEvent.objects.filter(verb="services.client.profile_changed").exists()


def test_a_posted_email_or_user_is_ignored(demo):
    client = demo.client("client_b")
    email_before = demo.client_b.email
    client.post(URL, {**VALID, "kind": "person", "email": "evil@example.com", "user": demo.client_a.pk})
    demo.client_b.refresh_from_db()
    assert demo.client_b.email == email_before
    b = ClientAccount.objects.get(user=demo.client_b)
    a = ClientAccount.objects.get(user=demo.client_a)
    assert b.display_name == VALID["display_name"] and a.user_id == demo.client_a.pk
    assert a.tax_id != VALID["tax_id"].upper()  # client_a's details untouched


def test_action_refuses_non_clients_and_unknown_fields(demo):
    with pytest.raises(PermissionDenied):
        actions.client_profile_update(actor=demo.staff_infodev, phone="12345")
    with pytest.raises(DomainError):
        actions.client_profile_update(actor=demo.client_a, email_confirmed=True)
    account = actions.client_profile_update(actor=demo.client_a, phone="020 1234 5678")
    assert account.phone == "020 1234 5678"
    # Nothing changed: nothing written, nothing audited.
    actions.client_profile_update(actor=demo.client_a, phone="020 1234 5678")
    assert AuditEvent.objects.filter(verb="services.client.profile_changed").count() == 1


def test_staff_get_403_and_anonymous_the_login(demo):
    assert demo.client("staff_custsvc").get(URL).status_code == 403
    assert demo.client(None).get(URL).status_code == 302
