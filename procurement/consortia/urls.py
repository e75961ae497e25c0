"""Consortium URLs, added to procurement/urls.py (namespace "procurement")."""

from django.urls import path

from procurement.consortia.views import consortium, contracts, election, membership, negotiation

urlpatterns = [
    path("consortia/", consortium.consortium_list, name="consortium_list"),
    path("consortia/new/", consortium.consortium_create, name="consortium_create"),
    path("consortia/dashboard/", consortium.consortium_dashboard, name="consortium_dashboard"),
    path("consortia/<int:pk>/", consortium.consortium_detail, name="consortium_detail"),
    path("consortia/<int:pk>/apply/", membership.consortium_apply, name="consortium_apply"),
    path("consortia/<int:pk>/invite/", membership.consortium_invite, name="consortium_invite"),
    path("consortia/<int:pk>/cancel/", consortium.consortium_cancel, name="consortium_cancel"),
    path("consortia/<int:pk>/renew/", consortium.consortium_renew, name="consortium_renew"),
    path("consortia/<int:pk>/election/open/", election.election_open, name="election_open"),
    path("consortia/<int:pk>/election/nominate/", election.election_nominate, name="election_nominate"),
    path("consortia/<int:pk>/election/vote/", election.election_vote, name="election_vote"),
    path("consortia/<int:pk>/election/close/", election.election_close, name="election_close"),
    path("consortia/<int:pk>/negotiation/", negotiation.negotiation_room, name="negotiation_room"),
    path("consortia/<int:pk>/negotiation/offers/", negotiation.offer_post, name="offer_post"),
    path("consortia/<int:pk>/negotiation/offers/<int:offer>/accept/", negotiation.offer_accept, name="offer_accept"),
    path("consortia/<int:pk>/negotiation/deadline/", negotiation.negotiation_deadline, name="negotiation_deadline"),
    path("consortia/<int:pk>/contracts/issue/", contracts.contracts_issue, name="contracts_issue"),
    path("consortia/memberships/<int:pk>/answer/", membership.membership_answer, name="membership_answer"),
    path("consortia/memberships/<int:pk>/decide/", membership.membership_decide, name="membership_decide"),
    path("consortia/memberships/<int:pk>/leave/", membership.membership_leave, name="membership_leave"),
    path(
        "consortia/memberships/<int:pk>/representative/",
        membership.membership_representative,
        name="membership_representative",
    ),
    path("consortia/memberships/<int:pk>/commit/", membership.membership_commit, name="membership_commit"),
    path("consortia/contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("consortia/contracts/<int:pk>/pdf/", contracts.contract_pdf, name="contract_pdf"),
    path("consortia/contracts/<int:pk>/sign/", contracts.contract_sign, name="contract_sign"),
    path("consortia/contracts/<int:pk>/pay/", contracts.contract_pay, name="contract_pay"),
]
