"""The resource-sharing directory outside the admin: the home office's leadership adds and
edits partner libraries (ISIL agency id, ISO 18626 address, security code shown once,
active or not) and reciprocity agreements between two member offices; audited; refused
input changes nothing; other people are refused. Pages in English and Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from office.exceptions import DomainError
from office.models import AuditEvent, Notification, Position
from sharing import actions, fees
from sharing.actions.directory import clean_agency_id, clean_iso_address
from sharing.models import Agency, Reciprocity
from tests import factories
from tests.factories import logged_in
from tests.sharing.factories import network

pytestmark = pytest.mark.django_db
Role = Position.Role


@pytest.fixture
def net():
    n = network()
    home = n.agencies["home"].organization
    n.users["director"] = factories.staff("ill_director", organization=home, role=Role.DIRECTOR)
    n.users["assistant"] = factories.staff("ill_assistant", organization=home, role=Role.BUSINESS_ASSISTANT)
    east = n.agencies["east"].organization
    n.users["east_director"] = factories.staff("ill_east_director", organization=east, role=Role.DIRECTOR)
    return n


def _chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def _partner_data(**over):
    data = {
        "agency_id": "cn-newlib",
        "name": "New Library",
        "name_zh": "新图书馆",
        "iso_address": "https://ill.newlib.example/iso18626",
        "email": "ill@newlib.example",
        "postal_address": "",
        "currency": "CNY",
        "loan_fee_minor": "12.50",
        "copy_fee_minor": "5",
        "page_fee_minor": "0.30",
        "urgent_fee_minor": "0",
        "is_active": "on",
        "secret": "",
    }
    data.update(over)
    return data


# --- who ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["home", "east", "east_head", "east_director", "client"])
def test_only_the_home_offices_leadership_edits_the_directory(net, who):
    user = net.users[who]
    with pytest.raises(PermissionDenied):
        actions.partner_create(actor=user, agency_id="CN-X1", name="X")
    with pytest.raises(PermissionDenied):
        actions.partner_secret_set(actor=user, agency_pk=net.agencies["partner"].pk)
    with pytest.raises(PermissionDenied):
        actions.reciprocity_create(
            actor=user,
            first_pk=net.agencies["east"].pk,
            second_pk=net.agencies["home"].pk,
            starts_on=timezone.localdate(),
        )
    client = logged_in(user)
    for url in (
        "/sharing/directory/partners/new/",
        f"/sharing/directory/partners/{net.agencies['partner'].pk}/",
        f"/sharing/directory/partners/{net.agencies['partner'].pk}/security-code/",
        "/sharing/directory/reciprocity/new/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, _partner_data()).status_code == 403
    assert not Agency.objects.filter(agency_id="CN-NEWLIB").exists()
    assert "partner-new" not in client.get("/sharing/directory/").content.decode()


def test_directory_shows_editing_links_to_the_leadership(net):
    page = logged_in(net.assistant).get("/sharing/directory/").content.decode()
    assert 'id="partner-new"' in page and 'id="reciprocity-new"' in page and "partner-edit" in page
    assert "none: messages refused" in page  # the factory's partner has no code


# --- partners ----------------------------------------------------------------------------------


def test_adding_a_partner_shows_its_generated_code_once_and_audits_without_it(net):
    client = logged_in(net.director)
    response = client.post("/sharing/directory/partners/new/", _partner_data())
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    partner = Agency.objects.get(agency_id="CN-NEWLIB")  # upper case
    assert partner.is_partner and partner.is_active and partner.loan_fee_minor == 1250 and partner.page_fee_minor == 30
    assert len(partner.iso_secret) >= 32 and partner.iso_secret_set_at is not None
    assert partner.iso_secret in response.content.decode()
    event = AuditEvent.objects.get(verb="sharing.agency.partner_created")
    assert partner.iso_secret not in str(event.data)
    # Afterwards: only when it was set.
    assert partner.iso_secret not in client.get(f"/sharing/directory/partners/{partner.pk}/").content.decode()
    assert partner.iso_secret not in client.get("/sharing/directory/").content.decode()


def test_a_typed_code_is_kept(net):
    partner, code = actions.partner_create(
        actor=net.director, agency_id="CN-TYPED", name="Typed", secret="their-proposed-code-123"
    )
    assert code == partner.iso_secret == "their-proposed-code-123"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agency_id", "NEWLIB", "ISIL"),
        ("agency_id", "CN_NEWLIB", "ISIL"),
        ("agency_id", "CN-ABCDEFGHIJKL", "ISIL"),  # identifier over 11 characters
        ("agency_id", "CN-HOME", "already in the directory"),
        ("agency_id", "cn-partner", "already in the directory"),
        ("iso_address", "ftp://ill.example/iso", "https://"),
        ("iso_address", "not an address", "https://"),
        ("iso_address", "http://ill.newlib.example/iso18626", "must use https"),
        ("iso_address", "https://user:pw@ill.newlib.example/iso18626", "password"),
        ("secret", "short", "16 to 128"),
        ("secret", "has spaces in the code here", "16 to 128"),
        ("loan_fee_minor", "-1", "zero or more"),
        ("name", "", "required"),
    ],
)
def test_bad_partner_input_comes_back_with_a_message_and_writes_nothing(net, field, value, message):
    before = (Agency.objects.count(), AuditEvent.objects.count())
    response = logged_in(net.director).post("/sharing/directory/partners/new/", _partner_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Agency.objects.count(), AuditEvent.objects.count()) == before


def test_bad_partner_input_is_translated(net):
    client = _chinese(logged_in(net.director))
    response = client.post("/sharing/directory/partners/new/", _partner_data(agency_id="NEWLIB"))
    page = response.content.decode()
    assert response.status_code == 200 and "机构代码" in page and "ISIL" in page
    assert "An agency id is ISIL-style" not in page


def test_loopback_http_is_allowed_for_tests_and_the_demo():
    assert clean_iso_address("http://127.0.0.1:8001/iso18626") == "http://127.0.0.1:8001/iso18626"
    assert clean_iso_address("http://localhost/iso") == "http://localhost/iso"
    assert clean_iso_address("") == ""
    assert clean_agency_id(" cn-x/1:a ") == "CN-X/1:A"
    with pytest.raises(DomainError):
        clean_agency_id("CN-" + "A" * 12)


def test_editing_a_partner_changes_what_it_may_do_and_keeps_its_id(net):
    partner = net.agencies["partner"]
    client = logged_in(net.director)
    data = _partner_data(name="Partner renamed", is_active="", iso_address="https://p.example/iso", agency_id="CN-ZZZ")
    response = client.post(f"/sharing/directory/partners/{partner.pk}/", data)
    assert response.status_code == 302 and response["Location"] == "/sharing/directory/"
    partner.refresh_from_db()
    assert (partner.agency_id, partner.name, partner.is_active) == ("CN-PARTNER", "Partner renamed", False)
    assert partner.iso_address == "https://p.example/iso"
    event = AuditEvent.objects.get(verb="sharing.agency.partner_changed")
    assert {"name", "is_active", "iso_address"} <= set(event.data["fields"])
    # An inactive partner is still listed for the leadership, with a badge, but not for others.
    assert "CN-PARTNER" in client.get("/sharing/directory/").content.decode()
    assert "CN-PARTNER" not in logged_in(net.east).get("/sharing/directory/").content.decode()


def test_editing_a_member_office_as_a_partner_is_404(net):
    url = f"/sharing/directory/partners/{net.agencies['east'].pk}/"
    assert logged_in(net.director).get(url).status_code == 404
    assert logged_in(net.director).post(url + "security-code/", {}).status_code == 404


def test_replacing_the_code_shows_the_new_one_once_and_the_old_one_stops_working(net):
    partner = net.agencies["partner"]
    first = actions.partner_secret_set(actor=net.director, agency_pk=partner.pk)
    response = logged_in(net.assistant).post(f"/sharing/directory/partners/{partner.pk}/security-code/", {})
    partner.refresh_from_db()
    assert response.status_code == 200 and partner.iso_secret in response.content.decode()
    assert partner.iso_secret != first
    verbs = list(AuditEvent.objects.filter(verb__startswith="sharing.agency.secret").values_list("verb", flat=True))
    assert sorted(verbs) == ["sharing.agency.secret_rotated", "sharing.agency.secret_set"]
    assert not AuditEvent.objects.filter(data__icontains=partner.iso_secret).exists()
    bad = logged_in(net.director).post(
        f"/sharing/directory/partners/{partner.pk}/security-code/", {"secret": "too short"}
    )
    assert bad.status_code == 200 and "16 to 128" in bad.content.decode()
    stays = partner.iso_secret
    partner.refresh_from_db()
    assert partner.iso_secret == stays


# --- reciprocity ---------------------------------------------------------------------------------


def test_reciprocity_agreement_makes_lending_free_while_in_force_and_notifies_both_leaderships(net):
    east, river = net.agencies["east"], net.agencies["riverside"]
    today = timezone.localdate()
    response = logged_in(net.director).post(
        "/sharing/directory/reciprocity/new/",
        {"first": river.pk, "second": east.pk, "starts_on": today.isoformat(), "ends_on": "", "note": "Pilot"},
    )
    assert response.status_code == 302
    agreement = Reciprocity.objects.get()
    assert (agreement.first, agreement.second) == tuple(sorted((east, river), key=lambda a: a.pk))
    assert fees.reciprocal(east.pk, river.pk)
    assert AuditEvent.objects.filter(verb="sharing.reciprocity.created").count() == 1
    assert Notification.objects.filter(recipient=net.east_director, verb="sharing.reciprocity.changed").exists()
    # Ended yesterday: no longer free.
    yesterday = today - dt.timedelta(days=1)
    actions.reciprocity_update(
        actor=net.director, reciprocity_pk=agreement.pk, starts_on=yesterday - dt.timedelta(days=9), ends_on=yesterday
    )
    assert not fees.reciprocal(east.pk, river.pk)
    form = logged_in(net.director).get(f"/sharing/directory/reciprocity/{agreement.pk}/").content.decode()
    assert f'value="{yesterday.isoformat()}"' in form  # the date field shows the agreement's date
    page = logged_in(net.east).get("/sharing/directory/").content.decode()
    row = page[page.index('id="directory-reciprocity"') :]
    assert "not in force" in row and "Pilot" in row, row[:2000]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda n, d: {"first": n.agencies["east"].pk, "second": n.agencies["east"].pk}, "Choose another office"),
        (lambda n, d: {"ends_on": (d - dt.timedelta(days=1)).isoformat()}, "cannot end before it starts"),
        (lambda n, d: {"second": n.agencies["partner"].pk}, "Select a valid choice"),
        (lambda n, d: {"starts_on": ""}, "required"),
    ],
)
def test_bad_agreement_comes_back_with_a_message_and_writes_nothing(net, data, message):
    today = timezone.localdate()
    body = {
        "first": net.agencies["east"].pk,
        "second": net.agencies["north"].pk,
        "starts_on": today.isoformat(),
        "ends_on": "",
        "note": "",
    }
    body.update(data(net, today))
    response = logged_in(net.director).post("/sharing/directory/reciprocity/new/", body)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Reciprocity.objects.exists() and not AuditEvent.objects.filter(verb__startswith="sharing.rec").exists()


def test_a_second_agreement_for_the_same_pair_is_refused(net):
    east, north = net.agencies["east"], net.agencies["north"]
    kwargs = {"actor": net.director, "starts_on": timezone.localdate()}
    actions.reciprocity_create(first_pk=east.pk, second_pk=north.pk, **kwargs)
    with pytest.raises(DomainError, match="already have an agreement"):
        actions.reciprocity_create(first_pk=north.pk, second_pk=east.pk, **kwargs)
    with pytest.raises(DomainError, match="two active member offices"):
        actions.reciprocity_create(first_pk=east.pk, second_pk=net.agencies["partner"].pk, **kwargs)
    assert Reciprocity.objects.count() == 1


def test_directory_pages_in_chinese(net):
    partner = net.agencies["partner"]
    agreement = actions.reciprocity_create(
        actor=net.director,
        first_pk=net.agencies["east"].pk,
        second_pk=net.agencies["north"].pk,
        starts_on=timezone.localdate(),
    )
    client = _chinese(logged_in(net.director))
    for url, words in (
        ("/sharing/directory/", ["资源共享", "合作图书馆", "互惠协议"]),
        ("/sharing/directory/partners/new/", ["添加合作图书馆", "安全码"]),
        (f"/sharing/directory/partners/{partner.pk}/", ["合作图书馆", "更换安全码"]),
        (f"/sharing/directory/partners/{partner.pk}/security-code/", ["更换安全码"]),
        (f"/sharing/directory/reciprocity/{agreement.pk}/", ["互惠协议", "免费"]),
        ("/sharing/directory/reciprocity/new/", ["互惠协议"]),
    ):
        page = client.get(url).content.decode()
        for word in words:
            assert word in page, (url, word)
        for english in ("Add a partner library", "Security code", "Reciprocity agreement", "Save"):
            assert english not in page, (url, english)
