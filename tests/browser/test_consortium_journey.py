"""Issue 6 in real Chromium: three offices form a consortium, elect a negotiator, go through two
rounds of offers with the provider's own account, commit, sign, each pay the provider with the
simulated payment provider, and every member ends with an active licence at the volume price.
An office that is not a member gets a 404 for the negotiation room.

Each person works in their own browser context (own cookies), logged in through the login page:
the home office's head of information development (founder), East's director (applies), Riverside's
acquisitions librarian (invited by e-mail address), the provider's representative (the demo
account `provider_datastream`, who follows the link from the e-mail announcing the negotiation)
and North's librarian (not a member). Pages must stay clean as in test_journeys.py: no console
error, no response >= 400 except the refusals asked for, no request off 127.0.0.1.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from payments.models import Payment
from procurement.consortia.demo import PROVIDER_USERNAME
from procurement.consortia.models import Consortium, Contract, Membership
from procurement.models import Licence, Vendor
from tests.browser.test_journeys import Recorder, _assert_styled, _log_in, _log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NAME = "Standards consortium 标准全文集团采购"
RESOURCE = "Standards full text online 标准全文在线"
CARD = "4242 4242 4242 4242"
# Members' representatives and the names they type to sign.
SIGNERS = {
    "home": ("head_infodev", "Chen Jing"),
    "east": ("director_east", "Xu Gang"),
    "riverside": ("staff_riverside", "He Ping"),
}
VOLUME_PRICE_MINOR = 800_000  # the provider's second offer at three members: ¥8,000.00
VOLUME_PRICE = "¥8,000.00"
LIST_PRICE = "¥12,000.00"


class Person:
    """One user in their own browser context, with a Recorder on their page."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.username = username
        self.base = base
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.recorder = Recorder(self.page)

    def log_in(self) -> Person:
        _log_in(self.page, self.base, self.username)
        return self

    def click(self, selector: str, **kwargs: Any) -> None:
        """Click something that loads a new page and wait for it."""
        with self.page.expect_navigation():
            self.page.locator(selector, **kwargs).first.click()

    def submit(self, locator: Any) -> None:
        with self.page.expect_navigation():
            locator.click()

    def open_consortium(self) -> None:
        """Purchasing ▸ Consortia ▸ the consortium, through the navigation."""
        self.page.goto(self.base + reverse("office:home"))
        self.page.click("#nav-procurement")
        self.click("a.dropdown-item", has_text="Consortia")
        assert urlsplit(self.page.url).path == reverse("procurement:consortium_list")
        self.click("main table a", has_text=NAME)

    def success(self, text: str) -> None:
        expect(self.page.locator("main .alert-success", has_text=text)).to_be_visible()

    def close(self) -> None:
        self.recorder.assert_clean()
        self.context.close()


def _membership(consortium: Consortium, code: str) -> Membership:
    return Membership.objects.get(consortium=consortium, organization__code=code)


def _fill_offer(page: Any, tiers: str, *, users: str, ill: bool, archival: bool, cap: str, message: str) -> None:
    page.select_option("#id_basis", "members")
    page.fill("#id_tiers", tiers)
    page.fill("#id_term_months", "12")
    page.fill("#id_concurrent_users", users)
    page.fill("#id_sites", "Each member's main site 各成员馆本部")
    page.set_checked("#id_ill_allowed", ill)
    page.set_checked("#id_archival_rights", archival)
    page.fill("#id_renewal_cap_percent", cap)
    page.fill("#id_message", message)


@pytest.mark.timeout(900)  # a long journey: five people, three payments, on a shared 2-core machine
def test_three_offices_buy_together_and_each_holds_a_licence_at_the_volume_price(
    browser: Any, live_server: Any, demo: Any
) -> None:
    base = live_server.url
    assert urlsplit(base).hostname == "127.0.0.1"
    people: list[Person] = []

    def person(username: str) -> Person:
        people.append(Person(browser, base, username))
        return people[-1]

    vendor = Vendor.objects.get(code="sim-api", organization__is_home=True)
    home = person("head_infodev").log_in()
    east = person("director_east").log_in()
    riverside = person("staff_riverside").log_in()

    # 1. Forming. The home office founds the consortium for its simulated API vendor.
    home.page.click("#nav-procurement")
    home.click("a.dropdown-item", has_text="Consortia")
    _assert_styled(home.page)
    home.click("main a", has_text="Found a consortium")
    home.page.select_option("#id_vendor", label=str(vendor))
    home.page.fill("#id_name", NAME)
    home.page.fill("#id_resource", RESOURCE)
    home.page.fill("#id_description", "One year of standards in full text, bought together.")
    home.page.fill("#id_list_price", "12,000.00")
    home.page.fill("#id_fte", "120")
    home.submit(home.page.locator("main form button", has_text="Found"))
    consortium = Consortium.objects.get(name=NAME)
    detail_path = reverse("procurement:consortium_detail", args=[consortium.pk])
    room_path = reverse("procurement:negotiation_room", args=[consortium.pk])
    assert urlsplit(home.page.url).path == detail_path
    home.success("Consortium founded")
    expect(home.page.locator("#consortium-status")).to_have_text("Forming")

    # Riverside is invited, naming its representative by e-mail address.
    home.page.locator("summary", has_text="Invite an office").click()
    home.page.select_option("#id_organization", label="Riverside University Library Office")
    home.page.fill("#id_representative_email", "staff@riverside.example")
    home.submit(home.page.locator("main form button", has_text="Invite"))
    home.success("Invitation sent.")

    # East finds it in the directory and applies; its director represents it.
    east.open_consortium()
    expect(east.page.locator("main")).to_contain_text("Only member offices see the members")
    east.page.fill("#id_fte", "40")
    east.submit(east.page.locator("main form button", has_text="Apply to join"))
    east.success("Application sent")
    assert _membership(consortium, "east").status == Membership.Status.APPLIED

    # The founder admits East.
    home.page.reload()
    east_row = home.page.locator("#members tr", has_text="East")
    expect(east_row).to_contain_text("Applied")
    home.submit(east_row.locator("button", has_text="Admit"))
    home.success("Office admitted.")

    # Riverside accepts the invitation from its notification.
    riverside.page.goto(base + reverse("office:notification_list"))
    riverside.click("main a", has_text=NAME)
    assert urlsplit(riverside.page.url).path == detail_path
    riverside.page.fill("#id_fte", "200")
    riverside.submit(riverside.page.locator("main form button", has_text="Join"))
    riverside.success("Welcome to the consortium.")
    expect(riverside.page.locator("#members tbody tr", has_text="Member")).to_have_count(3)
    assert consortium.memberships.filter(status=Membership.Status.JOINED).count() == 3

    # 2. Election. The founder closes forming and opens the election.
    home.page.reload()
    deadline = timezone.localtime() + datetime.timedelta(days=2)
    home.page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    home.submit(home.page.locator("main form button", has_text="open the election"))
    home.success("The election is open.")
    expect(home.page.locator("#consortium-status")).to_have_text("Electing a negotiator")

    # Two nominations: the founder steps forward first, Riverside nominates East's director.
    home.page.locator("summary", has_text="Nominate a candidate").click()
    home.page.select_option("#id_candidate", value=str(demo.head_infodev.pk))
    home.submit(home.page.locator("main form button", has_text="Nominate"))
    home.success("Candidate nominated.")
    riverside.page.reload()
    riverside.page.locator("summary", has_text="Nominate a candidate").click()
    riverside.page.select_option("#id_candidate", value=str(demo.director_east.pk))
    riverside.page.fill("#id_statement", "Knows the provider well.")
    riverside.submit(riverside.page.locator("main form button", has_text="Nominate"))
    expect(riverside.page.locator("#nominations li")).to_have_count(2)

    # Each office's representative votes once: home for its own head, East and Riverside for Xu Gang.
    for voter, candidate in ((home, "Chen Jing"), (east, "Xu Gang"), (riverside, "Xu Gang")):
        voter.page.goto(base + detail_path)
        voter.submit(voter.page.locator("#nominations li", has_text=candidate).locator("button", has_text="Vote"))
        voter.success("Your office's vote is recorded.")
        expect(voter.page.locator("#nominations li", has_text=candidate).locator("button")).to_have_text("Our vote")
    # Every member office has voted, so the election may be tallied before its deadline.
    east.submit(east.page.locator("main form button", has_text="Close and tally"))
    east.success("The election is closed")
    result = east.page.locator("#election-result")
    expect(result.locator("tr.table-success")).to_contain_text("Xu Gang")
    expect(result.locator("tr", has_text="Xu Gang")).to_contain_text("2")
    expect(result.locator("tr", has_text="Chen Jing")).to_contain_text("1")
    expect(east.page.locator("#consortium-status")).to_have_text("Negotiating")
    consortium.refresh_from_db()
    assert consortium.negotiator == demo.director_east and consortium.status == Consortium.Status.NEGOTIATING
    assert consortium.election.result and not consortium.election.tie_broken

    # 3. Negotiation. The provider's representative follows the link in the e-mail announcing
    # the negotiation and logs in there.
    invitation = [m for m in mail.outbox if PROVIDER_USERNAME in str(m.to) or "sales@sim-vendor.example" in m.to]
    assert invitation, "the provider must be told that the negotiation is open"
    assert room_path in invitation[-1].body
    provider = person(PROVIDER_USERNAME)
    provider.page.goto(base + room_path)
    assert urlsplit(provider.page.url).path == reverse("login")
    provider.page.fill("#id_username", PROVIDER_USERNAME)
    provider.page.fill("#id_password", settings.DEMO_PASSWORD)
    provider.submit(provider.page.locator("main form button[type=submit]"))
    assert urlsplit(provider.page.url).path == room_path
    _assert_styled(provider.page)
    expect(provider.page.locator("main")).to_contain_text("No offers yet.")

    # Round 1: the provider's offer.
    _fill_offer(
        provider.page,
        "1: 12000.00\n2: 10500.00\n3: 9000.00",
        users="5",
        ill=False,
        archival=False,
        cap="",
        message="Our consortium price list.",
    )
    provider.submit(provider.page.locator("main form button", has_text="Post"))
    provider.success("Offer posted.")
    expect(provider.page.locator("#offer-1")).to_contain_text("Provider's offer")

    # The negotiator counters: lower prices, more users, interlibrary loan and a renewal cap.
    east.page.goto(base + detail_path)
    east.click("main a", has_text="Negotiation room")
    expect(east.page.locator("#offer-1")).to_contain_text("¥9,000.00")
    expect(east.page.locator("#offer-1 button", has_text="Accept")).to_have_count(1)
    _fill_offer(
        east.page,
        "1: 11000.00\n3: 7500.00",
        users="10",
        ill=True,
        archival=True,
        cap="5",
        message="We ask for ILL, archival rights and a 5% renewal cap.",
    )
    east.submit(east.page.locator("main form button", has_text="Post"))
    east.success("Offer posted.")
    expect(east.page.locator("#offer-2")).to_contain_text("Consortium's counter-offer")

    # Round 2: the provider meets them part way.
    provider.page.reload()
    expect(provider.page.locator("#offer-2")).to_contain_text("¥7,500.00")
    _fill_offer(
        provider.page,
        "1: 11500.00\n2: 9500.00\n3: 8000.00",
        users="8",
        ill=True,
        archival=False,
        cap="5",
        message="ILL and the cap are fine; archival rights stay separate.",
    )
    provider.submit(provider.page.locator("main form button", has_text="Post"))
    provider.success("Offer posted.")
    # The provider cannot accept its own offer.
    expect(provider.page.locator("main button", has_text="Accept")).to_have_count(0)

    # Every member sees the whole history; only the elected negotiator may accept.
    for member in (home, riverside):
        member.page.goto(base + room_path)
        for number in (1, 2, 3):
            expect(member.page.locator(f"#offer-{number}")).to_be_visible()
        expect(member.page.locator("main button", has_text="Accept")).to_have_count(0)
    east.page.reload()
    expect(east.page.locator("#offer-1 button", has_text="Accept")).to_have_count(0)  # superseded
    east.submit(east.page.locator("#offer-3 button", has_text="Accept this offer"))
    east.success("Offer accepted.")
    assert urlsplit(east.page.url).path == detail_path
    expect(east.page.locator("#consortium-status")).to_have_text("Agreed: members commit")
    consortium.refresh_from_db()
    assert consortium.accepted_offer.number == 3 and consortium.status == Consortium.Status.AGREED

    # 4. Each member commits at the agreed terms.
    for member in (home, east, riverside):
        member.page.goto(base + detail_path)
        member.submit(member.page.locator("main form button", has_text="Commit our office"))
        member.success("committed at the agreed terms")
    expect(riverside.page.locator("main")).to_contain_text("Committed now: 3.")
    expect(riverside.page.locator("main")).to_contain_text(VOLUME_PRICE)
    assert consortium.memberships.filter(committed_at__isnull=False).count() == 3

    # The negotiator fixes the tier and issues one contract per member.
    east.page.reload()
    east.submit(east.page.locator("main form button", has_text="issue the contracts"))
    east.success("a contract issued to each committed member")
    expect(east.page.locator("#consortium-status")).to_have_text("Contracting and paying")
    consortium.refresh_from_db()
    assert consortium.final_quantity == 3 and consortium.final_price_minor == VOLUME_PRICE_MINOR

    # 5. Each member signs its own contract with its typed name...
    members = {"home": home, "east": east, "riverside": riverside}
    for code, member in members.items():
        member.page.goto(base + detail_path)
        member.click("main a", has_text="Our contract")
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        assert urlsplit(member.page.url).path == reverse("procurement:contract_detail", args=[contract.pk])
        expect(member.page.locator("main")).to_contain_text(VOLUME_PRICE)
        expect(member.page.locator("main")).to_contain_text(contract.pdf_sha256)
        pdf = member.page.request.get(base + reverse("procurement:contract_pdf", args=[contract.pk]))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
        member.page.fill("#id_signed_name", SIGNERS[code][1])
        member.submit(member.page.locator("main form button", has_text="Sign for our office"))
        member.success("Contract signed.")
        expect(member.page.locator("main")).to_contain_text(SIGNERS[code][1])
        expect(member.page.locator("#contract-status")).to_have_text("Waiting for signatures")

    # ...and the provider signs each of them, from the consortium page.
    provider.page.goto(base + room_path)
    provider.click("main h1 a", has_text=NAME)
    contracts = provider.page.locator("#contracts tbody tr")
    expect(contracts).to_have_count(3)
    for code in members:
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        provider.page.goto(base + detail_path)
        provider.click("#contracts a", has_text=contract.number)
        provider.page.fill("#id_signed_name", "DataStream Sales")
        provider.submit(provider.page.locator("main form button", has_text="Sign for the provider"))
        provider.success("Contract signed.")
        expect(provider.page.locator("#contract-status")).to_have_text("Signed: waiting for payment")
        # The provider never gets to pay, nor to see a member's payment.
        expect(provider.page.locator("main button", has_text="Pay")).to_have_count(0)
        contract.refresh_from_db()
        assert contract.status == Contract.Status.SIGNED
        assert contract.member_signed_sha256 == contract.provider_signed_sha256 == contract.pdf_sha256

    # 6. Each member pays the provider through the payments app (simulated provider).
    for code, member in members.items():
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        contract_path = reverse("procurement:contract_detail", args=[contract.pk])
        member.page.goto(base + contract_path)
        member.submit(member.page.locator("main form button", has_text=f"Pay {VOLUME_PRICE} to the provider"))
        payment = Payment.objects.get(purpose_type="procurement.consortium_contract", purpose_id=str(contract.pk))
        assert urlsplit(member.page.url).path == reverse("payments:payment_checkout", args=[payment.pk])
        expect(member.page.locator("#checkout-amount")).to_have_text(VOLUME_PRICE)
        member.page.fill("#id_card_number", CARD)
        member.page.fill("#id_expiry", "12/34")
        member.page.fill("#id_cvc", "123")
        member.submit(member.page.locator("#submit-payment"))
        assert urlsplit(member.page.url).path == reverse("payments:payment_detail", args=[payment.pk])
        status = member.page.locator("#payment-status [data-status]")
        expect(status).to_have_attribute("data-status", "succeeded", timeout=20_000)
        member.click("main a", has_text="Back to what this pays for")
        assert urlsplit(member.page.url).path == contract_path
        expect(member.page.locator("#contract-status")).to_have_text("Paid")
        payment.refresh_from_db()
        assert payment.status == Payment.Status.SUCCEEDED and payment.amount_minor == VOLUME_PRICE_MINOR
        assert payment.payer_organization.code == code and payment.payee_name == consortium.vendor.payee

    # 7. Every member holds an active licence at the volume price, in its procurement licences.
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.ACTIVE
    for code, member in members.items():
        contract = Contract.objects.get(consortium=consortium, organization__code=code)
        licence = contract.licence
        assert licence is not None and licence.status == Licence.Status.ACTIVE
        assert licence.organization.code == code and contract.price_minor == VOLUME_PRICE_MINOR
        assert licence.concurrent_users == 8 and licence.ends_on == contract.ends_on
        member.page.goto(base + reverse("office:home"))
        member.page.click("#nav-procurement")
        member.click("a.dropdown-item", has_text="Licences")
        row = member.page.locator("main table tbody tr", has_text=RESOURCE)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Active")
        member.submit(row.locator("a", has_text=RESOURCE))
        expect(member.page.locator("main")).to_contain_text(VOLUME_PRICE)
        expect(member.page.locator("main")).to_contain_text(contract.number)
    assert Licence.objects.filter(consortium_contract__consortium=consortium).count() == 3

    # The dashboard shows the saving against the list price.
    home.page.goto(base + reverse("procurement:consortium_dashboard"))
    expect(home.page.locator("main")).to_contain_text(NAME)
    expect(home.page.locator("main")).to_contain_text(LIST_PRICE)

    # 8. An office that is not a member gets nothing: 404 for the negotiation room and the consortium.
    north = person("staff_north").log_in()
    for path in (room_path, detail_path):
        response = north.page.goto(base + path)
        assert response is not None and response.status == 404
        north.recorder.expect_refusal(base + path, 404)
    north.page.goto(base + reverse("office:home"))

    for someone in people:
        if someone.username != PROVIDER_USERNAME:
            _log_out(someone.page, base)
        someone.close()
