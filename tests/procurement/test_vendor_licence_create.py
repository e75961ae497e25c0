"""Recording a vendor and a new licence through their actions (vendor_save, licence_create) and
the pages that call them: who may, what is checked, what is audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from office.exceptions import DomainError
from office.models import AuditEvent, Organization
from procurement import actions
from procurement.models import Licence, Vendor

pytestmark = pytest.mark.django_db


def _vendor(demo):
    return Vendor.objects.visible_to(demo.head_infodev).first()


def _licence_data(vendor, **overrides):
    data = {
        "vendor": str(vendor.pk),
        "title": "Chinese patents 中国专利",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "concurrent_users": "3",
        "permitted_sites": "Main office",
        "ip_ranges": "10.0.0.0/16\n10.0.0.0/16",
        "terms": "",
    }
    data.update(overrides)
    return data


def test_head_records_a_licence_through_the_page_and_it_is_audited(demo):
    vendor = _vendor(demo)
    response = demo.client("head_infodev").post("/procurement/licences/new/", _licence_data(vendor))
    licence = Licence.objects.get(title="Chinese patents 中国专利")
    assert response.status_code == 302 and response["Location"] == f"/procurement/licences/{licence.pk}/"
    assert licence.organization_id == demo.head_infodev.staff_profile.organization_id
    assert (licence.vendor, licence.concurrent_users, licence.ip_ranges) == (vendor, 3, "10.0.0.0/16")
    event = AuditEvent.objects.get(verb="procurement.licence.created", target_id=str(licence.pk))
    assert event.actor == demo.head_infodev


def test_bad_licence_input_is_shown_on_the_form_and_nothing_is_recorded(demo):
    vendor = _vendor(demo)
    response = demo.client("head_infodev").post(
        "/procurement/licences/new/", _licence_data(vendor, ends_on="2025-01-01")
    )
    assert response.status_code == 200 and "must end after it starts" in response.content.decode()
    assert not Licence.objects.filter(title="Chinese patents 中国专利").exists()


def test_licence_create_checks_who_the_vendor_and_the_terms(demo):
    vendor = _vendor(demo)
    rights = {
        "starts_on": datetime.date(2026, 1, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "concurrent_users": 1,
    }
    with pytest.raises(PermissionDenied):
        actions.licence_create(actor=demo.staff_infodev, vendor_id=vendor.pk, title="X", **rights)
    other_office_vendor = Vendor.objects.create(
        organization=Organization.objects.get(code="east"), name="East books", code="EASTBOOKS"
    )
    with pytest.raises(DomainError):
        actions.licence_create(actor=demo.head_infodev, vendor_id=other_office_vendor.pk, title="X", **rights)
    with pytest.raises(DomainError):
        actions.licence_create(
            actor=demo.head_infodev, vendor_id=vendor.pk, title="X", **{**rights, "concurrent_users": 0}
        )
    with pytest.raises(DomainError):
        actions.licence_create(actor=demo.head_infodev, vendor_id=vendor.pk, title="X", **rights, ip_ranges="intranet")
    assert not Licence.objects.filter(title="X").exists()
    assert not AuditEvent.objects.filter(verb="procurement.licence.created").exists()


def test_vendor_save_creates_in_the_office_refuses_a_taken_code_and_audits(demo):
    existing = _vendor(demo)
    client = demo.client("head_infodev")
    response = client.post(
        "/procurement/vendors/new/",
        {"name": "Taken", "code": existing.code, "integration": "manual", "lead_time_days": "7"},
    )
    assert response.status_code == 200 and "Another vendor of your office uses this code." in response.content.decode()
    assert not Vendor.objects.filter(name="Taken").exists()

    vendor = Vendor(name="New books", code="NEWBOOKS")
    with pytest.raises(PermissionDenied):
        actions.vendor_save(vendor=vendor, actor=demo.staff_infodev)
    saved = actions.vendor_save(vendor=vendor, actor=demo.head_infodev, changed=["name", "code"])
    assert saved.organization_id == demo.head_infodev.staff_profile.organization_id
    event = AuditEvent.objects.get(verb="procurement.vendor.created", target_id=str(saved.pk))
    assert event.data == {"fields": ["code", "name"]}
