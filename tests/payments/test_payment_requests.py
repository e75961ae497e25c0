"""Who finance staff may ask to pay (issue 17 item 3): their own office's staff, and for the
home office (which remote clients pay, DESIGN §5) the remote clients as well; never another
office's staff or clients. Checked in the action, and the form offers nobody else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from payments import actions
from payments.forms import PaymentRequestForm
from payments.models import PaymentRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payer", ["client_a", "director", "staff_infodev", "staff_riverside"])
def test_member_office_cannot_bill_home_clients_or_other_offices_staff(demo, payer):
    with pytest.raises(PermissionDenied):
        actions.payment_request_create(
            actor=demo.director_east, payer=getattr(demo, payer), amount_minor=88_800, description="Probe"
        )
    assert not PaymentRequest.objects.filter(description="Probe").exists()


def test_home_office_cannot_bill_a_member_offices_staff(demo):
    with pytest.raises(PermissionDenied):
        actions.payment_request_create(
            actor=demo.business_assistant, payer=demo.staff_east, amount_minor=100, description="x"
        )


def test_an_inactive_payer_cannot_be_billed(demo):
    demo.client_b.is_active = False
    demo.client_b.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        actions.payment_request_create(actor=demo.director, payer=demo.client_b, amount_minor=100, description="x")


def test_each_office_bills_its_own(demo):
    east = actions.payment_request_create(
        actor=demo.director_east, payer=demo.staff_east, amount_minor=100, description="Photocopies"
    )
    home = actions.payment_request_create(actor=demo.director, payer=demo.client_a, amount_minor=100, description="x")
    assert (east.organization.code, home.organization.code) == ("east", "home")


def test_payer_choices_are_the_offices_own_people(demo):
    east = {user.get_username() for user in PaymentRequestForm(user=demo.director_east).fields["payer"].queryset}
    assert east == {"director_east", "staff_east"}
    home = {user.get_username() for user in PaymentRequestForm(user=demo.business_assistant).fields["payer"].queryset}
    assert {"client_a", "client_b", "director", "staff_infodev"} <= home
    assert not home & {"director_east", "staff_east", "staff_riverside", "staff_north"}


def test_page_refuses_another_offices_client(demo):
    response = demo.client("director_east").post(
        "/payments/requests/", {"payer": demo.client_a.pk, "description": "Probe", "amount": "888"}
    )
    assert response.status_code == 400
    assert "client_a" not in response.content.decode()
    assert not PaymentRequest.objects.filter(description="Probe").exists()
    assert "Probe" not in demo.client("client_a").get("/payments/mine/").content.decode()
