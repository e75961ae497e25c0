"""Issue 6 end to end, as the offices click through it with the Django test client: three
offices form a consortium, elect a negotiator, go through two rounds of offers (the provider's
own account posts), commit, sign, each pay the provider with the simulated provider, and end
with an active licence at the volume price. Plus the visibility rules."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from payments.models import Payment
from procurement.consortia.models import Consortium, Contract, Membership, ProviderRepresentative
from procurement.models import Licence
from tests.procurement.consortia_helpers import office, vendor

pytestmark = pytest.mark.django_db
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}


@pytest.fixture
def provider_client(demo, django_user_model):
    user = django_user_model.objects.create_user(username="provider_test", password="x", first_name="Pat")
    ProviderRepresentative.objects.create(user=user, vendor=vendor())
    client = Client()
    client.force_login(user)
    return client


def _ok(response, to: str | None = None):
    assert response.status_code == 302, response.status_code
    if to:
        assert response.url == to
    return response


def _messages(client, url):
    return client.get(url).content.decode()


def _pay(client, contract, capture):
    response = _ok(client.post(f"/procurement/consortia/contracts/{contract.pk}/pay/"))
    payment = Payment.objects.get(purpose_type="procurement.consortium_contract", purpose_id=str(contract.pk))
    assert response.url == f"/payments/{payment.pk}/checkout/"
    assert client.get(response.url).status_code == 200
    with capture(execute=True):
        _ok(client.post(f"/payments/simulated/{payment.pk}/pay/", CARD))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    return payment


def test_three_offices_form_elect_negotiate_commit_sign_pay_and_hold_licences(
    demo, provider_client, django_capture_on_commit_callbacks
):
    home, east, riverside = demo.client("director"), demo.client("director_east"), demo.client("staff_riverside")

    # 1. The home office founds the consortium for its simulated API vendor.
    _ok(
        home.post(
            "/procurement/consortia/new/",
            {
                "vendor": vendor().pk,
                "name": "Patent consortium",
                "resource": "Patent abstracts online",
                "list_price": "10,000.00",
                "currency": "CNY",
                "fte": "50",
            },
        )
    )
    consortium = Consortium.objects.get(name="Patent consortium")
    detail = f"/procurement/consortia/{consortium.pk}/"
    room = f"/procurement/consortia/{consortium.pk}/negotiation/"

    # East applies and is admitted; Riverside is invited (naming its representative) and joins.
    assert east.get(detail).status_code == 200  # the directory card
    assert east.get(room).status_code == 404  # not a member yet: nothing of the negotiation
    _ok(east.post(f"/procurement/consortia/{consortium.pk}/apply/", {"fte": "40"}))
    east_membership = Membership.objects.get(consortium=consortium, organization__code="east")
    _ok(home.post(f"/procurement/consortia/memberships/{east_membership.pk}/decide/", {"accept": "1"}))
    _ok(
        home.post(
            f"/procurement/consortia/{consortium.pk}/invite/",
            {"organization": office("riverside").pk, "representative_email": "staff@riverside.example"},
        )
    )
    river_membership = Membership.objects.get(consortium=consortium, organization__code="riverside")
    _ok(
        riverside.post(
            f"/procurement/consortia/memberships/{river_membership.pk}/answer/", {"accept": "1", "fte": "200"}
        )
    )
    assert consortium.memberships.filter(status=Membership.Status.JOINED).count() == 3

    # 2. Election: East's director is nominated and elected; each office votes once.
    deadline = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    _ok(home.post(f"/procurement/consortia/{consortium.pk}/election/open/", {"deadline": deadline}))
    _ok(home.post(f"/procurement/consortia/{consortium.pk}/election/nominate/", {"candidate": demo.director_east.pk}))
    nomination = consortium.election.nominations.get()
    for client in (home, east, riverside):
        _ok(client.post(f"/procurement/consortia/{consortium.pk}/election/vote/", {"nomination": nomination.pk}))
    _ok(riverside.post(f"/procurement/consortia/{consortium.pk}/election/close/"))
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.NEGOTIATING and consortium.negotiator == demo.director_east
    assert "election-result" in home.get(detail).content.decode()

    # 3. Two rounds: the provider offers, the negotiator counters, the provider improves, accepted.
    offer = {
        "basis": "members",
        "term_months": "12",
        "concurrent_users": "5",
        "sites": "Main site",
        "message": "",
    }
    _ok(
        provider_client.post(
            f"/procurement/consortia/{consortium.pk}/negotiation/offers/", {**offer, "tiers": "1: 10000\n3: 9000"}
        )
    )
    _ok(
        east.post(
            f"/procurement/consortia/{consortium.pk}/negotiation/offers/",
            {**offer, "tiers": "1: 9500\n3: 7000", "ill_allowed": "on", "archival_rights": "on"},
        )
    )
    _ok(
        provider_client.post(
            f"/procurement/consortia/{consortium.pk}/negotiation/offers/",
            {**offer, "tiers": "1: 9800\n2: 9000\n3: 8000", "ill_allowed": "on", "renewal_cap_percent": "5"},
        )
    )
    offers = list(consortium.offers.order_by("number"))
    assert [o.side for o in offers] == ["provider", "consortium", "provider"]
    page = riverside.get(room).content.decode()  # every member sees the full history
    assert all(f'id="offer-{n}"' in page for n in (1, 2, 3))
    last = offers[-1]
    assert home.post(f"/procurement/consortia/{consortium.pk}/negotiation/offers/{last.pk}/accept/").status_code == 403
    _ok(east.post(f"/procurement/consortia/{consortium.pk}/negotiation/offers/{last.pk}/accept/"))
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.AGREED and consortium.accepted_offer == last

    # 4. Commit, contracts at the three-member tier, sign (member and provider), pay.
    for client, code in ((home, "home"), (east, "east"), (riverside, "riverside")):
        membership = Membership.objects.get(consortium=consortium, organization__code=code)
        _ok(client.post(f"/procurement/consortia/memberships/{membership.pk}/commit/", {"committed": "1"}))
    _ok(east.post(f"/procurement/consortia/{consortium.pk}/contracts/issue/"))
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.CONTRACTING and consortium.final_price_minor == 800_000
    signers = {"home": (home, "Wang Min"), "east": (east, "Xu Gang"), "riverside": (riverside, "He Ping")}
    for code, (client, name) in signers.items():
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        url = f"/procurement/consortia/contracts/{contract.pk}/"
        pdf = client.get(url + "pdf/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert client.get(url).status_code == 200
        sign = {"signed_name": name, "sha256": contract.pdf_sha256}
        _ok(client.post(url + "sign/", {**sign, "side": "member"}))
        _ok(
            provider_client.post(
                url + "sign/", {"signed_name": "Pat Provider", "sha256": contract.pdf_sha256, "side": "provider"}
            )
        )
        contract.refresh_from_db()
        assert contract.status == Contract.Status.SIGNED
        assert contract.member_signed_sha256 == contract.pdf_sha256 == contract.provider_signed_sha256
    # The provider never pays nor sees a member's payment.
    contract = Contract.objects.get(consortium=consortium, organization__code="home")
    assert provider_client.post(f"/procurement/consortia/contracts/{contract.pk}/pay/").status_code == 403
    payments = {}
    for code, (client, _name) in signers.items():
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        payments[code] = _pay(client, contract, django_capture_on_commit_callbacks)
        assert payments[code].payer_organization.code == code
        assert payments[code].payee_name == vendor().payee and payments[code].amount_minor == 800_000

    # 5. Every member holds an active licence at the volume price; the consortium is active.
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.ACTIVE
    for code, (client, _name) in signers.items():
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        licence = contract.licence
        assert licence.status == Licence.Status.ACTIVE and licence.organization.code == code
        assert licence.concurrent_users == 5 and contract.price_minor == 800_000
        assert "Patent abstracts online" in client.get("/procurement/licences/").content.decode()
        # A member never sees another member's contract or payment.
        for other, payment in payments.items():
            if other != code:
                other_contract = Contract.objects.get(consortium=consortium, organization__code=other)
                assert client.get(f"/procurement/consortia/contracts/{other_contract.pk}/").status_code == 404
                if code != "home":  # the home office's finance staff operate the payment platform
                    assert client.get(f"/payments/{payment.pk}/").status_code == 404
    dashboard = home.get("/procurement/consortia/dashboard/").content.decode()
    assert "Patent consortium" in dashboard and "consortium-chart-data" in dashboard


def test_paying_twice_reuses_the_payment_and_charges_once(demo, django_capture_on_commit_callbacks):
    from procurement.consortia import actions
    from tests.procurement.consortia_helpers import agreed, commit_all

    consortium = agreed(demo)
    commit_all(demo, consortium)
    actions.contracts_issue(consortium_id=consortium.pk, actor=demo.director_east)
    contract = Contract.objects.get(consortium=consortium, organization__code="riverside")
    for as_provider, actor in ((False, demo.staff_riverside), (True, demo.director_east)):
        actions.contract_sign(
            contract_id=contract.pk,
            actor=actor,
            signed_name="N",
            seen_sha256=contract.pdf_sha256,
            as_provider=as_provider,
        )
    client = demo.client("staff_riverside")
    first = client.post(f"/procurement/consortia/contracts/{contract.pk}/pay/")
    second = client.post(f"/procurement/consortia/contracts/{contract.pk}/pay/")
    assert first.url == second.url
    payment = Payment.objects.get(purpose_type="procurement.consortium_contract", purpose_id=str(contract.pk))
    client.get(first.url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/payments/simulated/{payment.pk}/pay/", CARD)
    # After success, "pay" again shows the paid payment and creates nothing.
    again = client.post(f"/procurement/consortia/contracts/{contract.pk}/pay/")
    assert again.status_code == 302
    assert (
        Payment.objects.filter(purpose_type="procurement.consortium_contract", purpose_id=str(contract.pk)).count() == 1
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PAID
    assert Licence.objects.filter(consortium_contract=contract).count() == 1


def test_non_members_see_nothing_inside_the_consortium(demo):
    from procurement.consortia.demo import DEMO_NAME

    consortium = Consortium.objects.get(name=DEMO_NAME)  # home, Riverside, North
    east = demo.client("staff_east")
    assert east.get(f"/procurement/consortia/{consortium.pk}/negotiation/").status_code == 404
    card = east.get(f"/procurement/consortia/{consortium.pk}/").content.decode()
    assert 'id="members"' not in card and "offer-1" not in card and "Guo Hua" not in card  # North's rep
    assert demo.client("client_a").get(f"/procurement/consortia/{consortium.pk}/negotiation/").status_code == 404
    # An office that left sees nothing inside any more.
    north = Membership.objects.get(consortium=consortium, organization__code="north")
    Membership.objects.filter(pk=north.pk).update(status=Membership.Status.LEFT)
    assert demo.client("staff_north").get(f"/procurement/consortia/{consortium.pk}/negotiation/").status_code == 404
    # Once contracting starts, the consortium leaves the directory: outsiders get 404 everywhere.
    Consortium.objects.filter(pk=consortium.pk).update(status=Consortium.Status.CONTRACTING)
    assert east.get(f"/procurement/consortia/{consortium.pk}/").status_code == 404


def test_demo_provider_sees_only_its_own_negotiations(demo, django_user_model):
    from procurement.consortia.demo import DEMO_NAME, PROVIDER_USERNAME
    from procurement.models import Vendor

    consortium = Consortium.objects.get(name=DEMO_NAME)
    provider = Client()
    provider.force_login(django_user_model.objects.get(username=PROVIDER_USERNAME))
    assert provider.get(f"/procurement/consortia/{consortium.pk}/negotiation/").status_code == 200
    other = django_user_model.objects.create_user(username="other_provider", password="x")
    ProviderRepresentative.objects.create(
        user=other, vendor=Vendor.objects.get(code="bookhub", organization__is_home=True)
    )
    outsider = Client()
    outsider.force_login(other)
    assert outsider.get(f"/procurement/consortia/{consortium.pk}/negotiation/").status_code == 404
