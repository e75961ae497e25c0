"""The units that own them edit the cataloging fee schedule and provider-representative
accounts in the intranet (issue 16), instead of the admin."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cataloging.actions.fees import fee_schedule_add, fee_schedule_withdraw
from cataloging.models import FeeSchedule
from office.exceptions import DomainError
from procurement.consortia.actions.representatives import representative_invite, representative_set_active
from procurement.consortia.models import ProviderRepresentative
from procurement.models import Vendor
from tests import factories
from tests.factories import People, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: Any) -> People:
    return People()


def test_review_heads_and_finance_set_a_new_fee_schedule(people: People) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = logged_in(people.head_infodev).post(
        reverse("cataloging:fee_schedules"),
        {"name": "2027", "valid_from": tomorrow.isoformat(), "copy_fee": "3.50", "contribution_credit": "2"},
    )
    assert response.status_code == 302
    schedule = FeeSchedule.objects.get(valid_from=tomorrow)
    assert (schedule.copy_fee_minor, schedule.contribution_credit_minor) == (350, 200)
    with pytest.raises(DomainError):  # past statements keep their fees
        fee_schedule_add(actor=people.director, name="x", valid_from=timezone.localdate() - datetime.timedelta(days=1),
                         currency="CNY", copy_fee_minor=1, contribution_credit_minor=1)  # fmt: skip
    for username in ("staff_infodev", "head_custsvc", "director_east"):
        with pytest.raises(PermissionDenied):
            fee_schedule_add(actor=people[username], name="x", valid_from=tomorrow, currency="CNY",
                             copy_fee_minor=1, contribution_credit_minor=1)  # fmt: skip
    fee_schedule_withdraw(actor=people.business_assistant, schedule_id=schedule.pk)
    assert not FeeSchedule.objects.filter(valid_from=tomorrow).exists()


def test_the_vendors_office_invites_and_deactivates_a_representative(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    vendor = Vendor.objects.create(organization=factories.home_office(), code="dbcorp", name="DB Corp")
    with django_capture_on_commit_callbacks(execute=True):
        rep = representative_invite(
            actor=people.head_infodev, vendor_id=vendor.pk, email="sales@db.example", username="dbcorp_sales"
        )
    assert rep.is_active and not hasattr(rep.user, "staff_profile")
    assert mail.outbox[-1].to == ["sales@db.example"] and "/accounts/password/reset/" in mail.outbox[-1].body
    with pytest.raises(PermissionDenied):
        representative_set_active(actor=people.staff_east, representative_id=rep.pk, active=False)
    representative_set_active(actor=people.director, representative_id=rep.pk, active=False)
    assert not ProviderRepresentative.objects.get(pk=rep.pk).is_active
    page = logged_in(people.staff_infodev).get(reverse("procurement:vendor_representatives", kwargs={"pk": vendor.pk}))
    assert page.status_code == 200 and "dbcorp_sales" in page.content.decode()
