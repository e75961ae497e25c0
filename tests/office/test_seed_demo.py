import pytest
from django.core.management import call_command

from office.access import Role, user_roles
from office.models import Budget, Department, Organization, StaffProfile

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_every_role(demo):
    counts = (
        Organization.objects.count(),
        Department.objects.count(),
        StaffProfile.objects.count(),
        Budget.objects.count(),
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts == (
        Organization.objects.count(),
        Department.objects.count(),
        StaffProfile.objects.count(),
        Budget.objects.count(),
    )
    assert Organization.objects.filter(is_home=True).count() == 1
    assert Organization.objects.filter(is_home=False).count() >= 3
    assert Role.DIRECTOR in user_roles(demo.director)
    assert Role.HEAD in user_roles(demo.head_infodev)
    assert user_roles(demo.staff_infodev) == {Role.STAFF}
    assert user_roles(demo.client_a) == {Role.CLIENT}
    assert demo.staff_east.staff_profile.organization.code == "east"
    assert set(demo.head_techsvc.groups.values_list("name", flat=True)) == {"staff", "head"}


def test_demo_users_log_in_with_demo_password(demo, client, settings):
    for username in ("director", "head_infodev", "client_a", "staff_east"):
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        client.logout()
