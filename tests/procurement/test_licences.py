"""Editing a licence's usage rights: who may, what is checked, what is recorded."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from office.exceptions import DomainError
from office.models import AuditEvent
from procurement import actions
from procurement.models import Licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(demo):
    return Licence.objects.get(organization__is_home=True, title__startswith="Patent abstracts")


def form_data(licence, **overrides):
    data = {
        "starts_on": licence.starts_on.isoformat(),
        "ends_on": licence.ends_on.isoformat(),
        "concurrent_users": str(licence.concurrent_users),
        "permitted_sites": licence.permitted_sites,
        "ip_ranges": licence.ip_ranges,
        "terms": licence.terms,
    }
    data.update(overrides)
    return data


def snapshot(licence):
    licence.refresh_from_db()
    return (
        licence.starts_on,
        licence.ends_on,
        licence.concurrent_users,
        licence.permitted_sites,
        licence.ip_ranges,
        licence.terms,
        licence.status,
    )


def test_head_edits_usage_rights_and_the_change_is_audited(demo, licence):
    url = f"/procurement/licences/{licence.pk}/edit/"
    client = demo.client("head_infodev")
    page = client.get(url)
    assert page.status_code == 200
    assert licence.ends_on.isoformat() in page.content.decode()  # the date input shows the current term
    new_end = licence.ends_on + datetime.timedelta(days=365)
    response = client.post(
        url,
        form_data(
            licence,
            ends_on=new_end.isoformat(),
            concurrent_users="12",
            permitted_sites="Main office; East branch 东区分馆",
            ip_ranges="10.0.0.0/16\n192.168.1.77/24\n\n2001:db8::/32\n10.0.0.0/16\n203.0.113.5",
            terms="Walk-in users allowed. 允许到馆读者使用。",
        ),
    )
    assert response.status_code == 302 and response["Location"] == f"/procurement/licences/{licence.pk}/"
    licence.refresh_from_db()
    assert licence.ends_on == new_end and licence.concurrent_users == 12
    # Canonical ranges, one per line, repeats dropped, a bare address is its own /32.
    assert licence.ip_ranges == "10.0.0.0/16\n192.168.1.0/24\n2001:db8::/32\n203.0.113.5/32"
    assert licence.permitted_sites == "Main office; East branch 东区分馆"
    event = AuditEvent.objects.get(verb="procurement.licence.edited", target_id=str(licence.pk))
    assert event.actor == demo.head_infodev
    changes = event.data["changes"]
    assert set(changes) == {"ends_on", "concurrent_users", "permitted_sites", "ip_ranges", "terms"}
    assert changes["concurrent_users"] == ["5", "12"]
    detail = client.get(f"/procurement/licences/{licence.pk}/").content.decode()
    assert "东区分馆" in detail and "203.0.113.5/32" in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ip_ranges", "10.0.0.0/16\n10.0.0.300/24", "10.0.0.300/24 is not an IP range"),
        ("ip_ranges", "intranet", "intranet is not an IP range"),
        ("concurrent_users", "0", "between 1 and"),
        ("concurrent_users", "1000000", "between 1 and"),
        ("concurrent_users", "-3", "greater than or equal to"),
        ("ends_on", "2000-01-01", "must end after it starts"),
        ("starts_on", "not a date", "valid date"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_changes(demo, licence, field, value, message):
    before = snapshot(licence)
    response = demo.client("director").post(
        f"/procurement/licences/{licence.pk}/edit/", form_data(licence, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(licence) == before
    assert not AuditEvent.objects.filter(verb="procurement.licence.edited").exists()


def test_only_licence_managers_of_the_office_edit(demo, licence):
    url = f"/procurement/licences/{licence.pk}/edit/"
    before = snapshot(licence)
    assert demo.client("staff_infodev").post(url, form_data(licence, concurrent_users="99")).status_code == 403
    assert demo.client("director_east").post(url, form_data(licence, concurrent_users="99")).status_code == 404
    assert snapshot(licence) == before
    with pytest.raises(PermissionDenied):
        actions.licence_update(licence_id=licence.pk, actor=demo.staff_infodev, changes={"concurrent_users": 99})
    # The edit button shows only to those who may use it.
    assert "licence-edit" in demo.client("head_infodev").get(f"/procurement/licences/{licence.pk}/").content.decode()
    assert (
        "licence-edit" not in demo.client("staff_infodev").get(f"/procurement/licences/{licence.pk}/").content.decode()
    )


def test_saving_without_changes_records_nothing(demo, licence):
    response = demo.client("head_infodev").post(f"/procurement/licences/{licence.pk}/edit/", form_data(licence))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb="procurement.licence.edited").exists()


def test_new_end_date_sets_the_state_and_asks_for_a_fresh_reminder(demo, licence):
    today = timezone.localdate()
    Licence.objects.filter(pk=licence.pk).update(
        status=Licence.Status.EXPIRED, ends_on=today - datetime.timedelta(days=2), reminder_sent_at=timezone.now()
    )
    licence.refresh_from_db()
    actions.licence_update(
        licence_id=licence.pk, actor=demo.director, changes={"ends_on": today + datetime.timedelta(days=10)}
    )
    licence.refresh_from_db()
    assert licence.status == Licence.Status.ACTIVE and licence.reminder_sent_at is None
    # The daily sweep reminds again before the new end.
    assert actions.licences_sweep()["reminded"] == 1
    actions.licence_update(
        licence_id=licence.pk, actor=demo.director, changes={"ends_on": today - datetime.timedelta(days=1)}
    )
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED


def test_renewed_licence_is_history_and_a_renewal_starts_after_its_predecessor(demo, licence):
    renewal = actions.licence_renew(
        licence_id=licence.pk, actor=demo.director, ends_on=licence.ends_on + datetime.timedelta(days=365)
    )
    licence.refresh_from_db()
    before = snapshot(licence)
    with pytest.raises(DomainError):
        actions.licence_update(licence_id=licence.pk, actor=demo.director, changes={"concurrent_users": 50})
    response = demo.client("director").post(
        f"/procurement/licences/{licence.pk}/edit/", form_data(licence, concurrent_users="50")
    )
    assert response.status_code == 302 and response["Location"] == f"/procurement/licences/{licence.pk}/"
    assert snapshot(licence) == before
    with pytest.raises(DomainError, match="must start after"):
        actions.licence_update(licence_id=renewal.pk, actor=demo.director, changes={"starts_on": licence.ends_on})
    actions.licence_update(licence_id=renewal.pk, actor=demo.director, changes={"concurrent_users": 50})
    renewal.refresh_from_db()
    assert renewal.concurrent_users == 50
