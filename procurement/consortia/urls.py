"""Consortium URLs, added to procurement/urls.py (namespace "procurement")."""

from django.urls import path

from procurement.consortia import views

urlpatterns = [
    path("consortia/", views.consortium_list, name="consortium_list"),
    path("consortia/new/", views.consortium_create, name="consortium_create"),
    path("consortia/dashboard/", views.consortium_dashboard, name="consortium_dashboard"),
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium_detail"),
    path("consortia/<int:pk>/apply/", views.consortium_apply, name="consortium_apply"),
    path("consortia/<int:pk>/invite/", views.consortium_invite, name="consortium_invite"),
    path("consortia/<int:pk>/cancel/", views.consortium_cancel, name="consortium_cancel"),
    path("consortia/<int:pk>/renew/", views.consortium_renew, name="consortium_renew"),
    path("consortia/<int:pk>/election/open/", views.election_open, name="election_open"),
    path("consortia/<int:pk>/election/nominate/", views.election_nominate, name="election_nominate"),
    path("consortia/<int:pk>/election/vote/", views.election_vote, name="election_vote"),
    path("consortia/<int:pk>/election/close/", views.election_close, name="election_close"),
    path("consortia/<int:pk>/negotiation/", views.negotiation_room, name="negotiation_room"),
    path("consortia/<int:pk>/negotiation/offers/", views.offer_post, name="offer_post"),
    path("consortia/<int:pk>/negotiation/offers/<int:offer>/accept/", views.offer_accept, name="offer_accept"),
    path("consortia/<int:pk>/negotiation/deadline/", views.negotiation_deadline, name="negotiation_deadline"),
    path("consortia/<int:pk>/contracts/issue/", views.contracts_issue, name="contracts_issue"),
    path("consortia/memberships/<int:pk>/answer/", views.membership_answer, name="membership_answer"),
    path("consortia/memberships/<int:pk>/decide/", views.membership_decide, name="membership_decide"),
    path("consortia/memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
    path(
        "consortia/memberships/<int:pk>/representative/",
        views.membership_representative,
        name="membership_representative",
    ),
    path("consortia/memberships/<int:pk>/commit/", views.membership_commit, name="membership_commit"),
    path("consortia/contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("consortia/contracts/<int:pk>/pdf/", views.contract_pdf, name="contract_pdf"),
    path("consortia/contracts/<int:pk>/sign/", views.contract_sign, name="contract_sign"),
    path("consortia/contracts/<int:pk>/pay/", views.contract_pay, name="contract_pay"),
]
