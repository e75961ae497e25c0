"""Permission-matrix entries for resource sharing (sharing/urls.py, namespace "sharing").

Format: see tests/permissions/test_url_matrix.py. The demo gives every office an agency
(CN-HOME for staff, head and director; CN-EAST for other_office). Requests used here are the
home office's own borrowing (other_office: 404); the client's is client_a's document-delivery
request. Clients have no desk (403); staff of member offices share the directory, desks,
statistics and their own statements. Behaviour is tested in tests/sharing/.
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, expect, logged_in

STAFF_PAGE = logged_in(200, client=403)
POST_ONLY = logged_in(405)


def _home_conditional(demo: Any) -> dict[str, Any]:
    """Home borrows from riverside, which proposed a condition (the demo's request for 中国通史)."""
    from sharing.models import SharingRequest

    r = SharingRequest.objects.get(borrower__agency_id="CN-HOME", status="conditional", client__isnull=True)
    return {"pk": r.pk}


def _home_conditional_verb(verb: str) -> Any:
    return lambda demo: {**_home_conditional(demo), "verb": verb}


def _client_request(demo: Any) -> dict[str, Any]:
    from sharing.models import SharingRequest

    return {"pk": SharingRequest.objects.get(client__user=demo.client_a).pk}


def _link(demo: Any) -> dict[str, Any]:
    """A copy east delivered to home; the link is for staff_infodev, who asked for it."""
    from sharing import actions
    from sharing.models import DownloadLink
    from tests.sharing.factories import pdf_upload

    r = actions.request_create(
        actor=demo.staff_infodev,
        service_type="copy",
        title="Journal of documentation",
        issn="0022-0418",
        pages="1-5",
        copyright_declared=True,
    )
    r.refresh_from_db()
    lender = {"CN-EAST": demo.staff_east, "CN-RIVER": demo.staff_riverside, "CN-NORTH": demo.staff_north}
    actions.request_deliver(request_id=r.pk, actor=lender[r.lender.agency_id], upload=pdf_upload())
    return {"token": DownloadLink.objects.get(file__request=r, user=demo.staff_infodev).token}


def _settlement(paid: bool) -> Any:
    def factory(demo: Any) -> dict[str, Any]:
        import datetime

        from django.utils import timezone

        from sharing.models import Agency, Settlement

        home, river = Agency.objects.get(agency_id="CN-HOME"), Agency.objects.get(agency_id="CN-RIVER")
        first, second = sorted((home, river), key=lambda a: a.pk)
        statement = Settlement.objects.create(
            period_start=datetime.date(2020, 1, 1),
            first=first,
            second=second,
            first_owes_minor=1000 if first == home else 0,
            second_owes_minor=1000 if second == home else 0,
            debtor=home,
            creditor=river,
            amount_minor=1000,
            status="paid" if paid else "issued",
            paid_at=timezone.now() if paid else None,
        )
        return {"pk": statement.pk}

    return factory


def _next(path: str) -> Any:
    return lambda demo: {"next": path}


def _partner(demo: Any) -> dict[str, Any]:
    from sharing.models import Agency

    return {"pk": Agency.objects.get(agency_id="CN-PARTNER").pk}


def _agreement(demo: Any) -> dict[str, Any]:
    """The demo's reciprocity agreement (east ↔ north)."""
    from sharing.models import Reciprocity

    pair = ["CN-EAST", "CN-NORTH"]
    return {"pk": Reciprocity.objects.get(first__agency_id__in=pair, second__agency_id__in=pair).pk}


# The directory's partners and agreements: the home office's leadership (the director here).
DIRECTORY_EDIT = expect(anon=LOGIN, client=403, staff=403, head=403, director=200, other_office=403)

HOME_OBJECT = expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404)

EXPECTATIONS = [
    Entry("sharing:borrowing_desk", get=STAFF_PAGE),
    Entry("sharing:lending_desk", get=STAFF_PAGE),
    Entry("sharing:request_new", get=STAFF_PAGE, post=STAFF_PAGE, note="an empty form comes back with its errors"),
    Entry(
        "sharing:request_detail",
        kwargs=_home_conditional,
        get=expect(anon=LOGIN, client=404, staff=200, head=200, director=200, other_office=404),
    ),
    Entry(
        "sharing:request_act",
        kwargs=_home_conditional_verb("accept"),
        get=POST_ONLY,
        post=expect(
            anon=LOGIN,
            client=404,
            staff=Redirect("sharing:borrowing_desk"),
            head=Redirect("sharing:borrowing_desk"),
            director=Redirect("sharing:borrowing_desk"),
            other_office=404,
        ),
        data=_next("/sharing/borrowing/"),
        note="the borrower's staff accept the lender's condition",
    ),
    Entry(
        "sharing:client_request_pay",
        kwargs=_client_request,
        get=POST_ONLY,
        post=expect(anon=LOGIN, client=302, staff=403, head=403, director=403, other_office=404),
        note="the client goes to the checkout (its payment's page); home staff see the request but do not pay it",
    ),
    Entry(
        "sharing:client_request_list",
        get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
    ),
    Entry(
        "sharing:client_request_new",
        get=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
        post=expect(anon=LOGIN, client=200, staff=403, head=403, director=403, other_office=403),
    ),
    Entry(
        "sharing:download",
        kwargs=_link,
        get=expect(anon=LOGIN, client=404, staff=200, head=404, director=404, other_office=404),
        get_writes="a download counts one use of the link and is audited",
    ),
    Entry("sharing:directory", get=STAFF_PAGE),
    Entry(
        "sharing:partner_new",
        get=DIRECTORY_EDIT,
        post=DIRECTORY_EDIT,
        note="an empty form comes back with its errors",
    ),
    Entry("sharing:partner_edit", kwargs=_partner, get=DIRECTORY_EDIT, post=DIRECTORY_EDIT),
    Entry(
        "sharing:partner_secret",
        kwargs=_partner,
        get=DIRECTORY_EDIT,
        post=DIRECTORY_EDIT,
        note="an empty POST generates a new code and shows it once (200)",
    ),
    Entry("sharing:reciprocity_new", get=DIRECTORY_EDIT, post=DIRECTORY_EDIT),
    Entry("sharing:reciprocity_edit", kwargs=_agreement, get=DIRECTORY_EDIT, post=DIRECTORY_EDIT),
    Entry(
        "sharing:policy_edit",
        get=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
        post=expect(anon=LOGIN, client=403, staff=403, head=200, director=200, other_office=403),
    ),
    Entry("sharing:pull_slips", get=STAFF_PAGE),
    Entry("sharing:settlement_list", get=STAFF_PAGE),
    Entry("sharing:settlement_detail", kwargs=_settlement(False), get=HOME_OBJECT),
    Entry("sharing:settlement_pdf", kwargs=_settlement(False), get=HOME_OBJECT),
    Entry(
        "sharing:settlement_pay",
        kwargs=_settlement(True),
        get=POST_ONLY,
        post=expect(
            anon=LOGIN,
            client=403,
            staff=Redirect("sharing:settlement_list"),
            head=Redirect("sharing:settlement_list"),
            director=Redirect("sharing:settlement_list"),
            other_office=404,
        ),
        data=_next("/sharing/statements/"),
        note="a paid statement: back with a message (paying is tested in tests/sharing)",
    ),
    Entry("sharing:statistics", get=STAFF_PAGE),
]
