"""Permission-matrix entries for the union catalog (cataloging/urls.py, mounted at /catalog/).

Format: see the docstring of tests/permissions/test_url_matrix.py. Roles: staff, head and
director are the home office (staff and head in the information development department,
so they are the review team; the director is not), other_office is staff of the east office.
"""

from __future__ import annotations

from typing import Any

from tests.permissions.matrix import LOGIN, Entry, Redirect, everyone, expect, logged_in

HOME_ONLY = expect(anon=LOGIN, client=403, staff=200, head=200, director=200, other_office=404)
REVIEWERS = expect(anon=LOGIN, client=403, staff=200, head=200, director=403, other_office=403)
POST_ONLY = expect(anon=LOGIN, client=403, staff=405, head=405, director=405, other_office=405)


def _record(demo: Any, office: str, status: str, title: str) -> Any:
    from django.db.models import F
    from django.utils import timezone

    from cataloging.models import BibRecord
    from office.models import Organization
    from tests.cataloging.factories import make_record

    owner = {"home": demo.staff_nav, "east": demo.staff_east}[office]
    record = make_record(Organization.objects.get(code=office), actor=owner, title=title, isbn=None)
    BibRecord.objects.filter(pk=record.pk).update(
        status=status,
        submitted_by=owner if status != "draft" else None,
        submitted_at=timezone.now() if status != "draft" else None,
        shared_at=timezone.now() if status == "approved" else None,
        version=F("version"),
    )
    return record


def _home_draft(demo: Any) -> dict[str, int]:
    return {"pk": _record(demo, "home", "draft", "Matrix home draft 矩阵").pk}


def _east_submitted(demo: Any) -> dict[str, int]:
    return {"pk": _record(demo, "east", "submitted", "Matrix east submitted").pk}


def _east_in_review(demo: Any) -> dict[str, int]:
    return {"pk": _record(demo, "east", "in_review", "Matrix east in review").pk}


def _east_shared(demo: Any) -> dict[str, int]:
    return {"pk": _record(demo, "east", "approved", "Matrix east shared").pk}


def _home_holding(demo: Any) -> dict[str, int]:
    from cataloging.models import Holding
    from office.models import Organization

    record = _record(demo, "east", "approved", "Matrix held")
    holding = Holding.objects.create(
        record=record, organization=Organization.objects.get(code="home"), call_number="G250", note="internal"
    )
    return {"pk": holding.pk}


def _home_import_job(demo: Any) -> dict[str, int]:
    from django.core.files.base import ContentFile

    from cataloging.models import ImportJob
    from office.models import Organization

    job = ImportJob(
        organization=Organization.objects.get(code="home"),
        created_by=demo.staff_nav,
        original_name="matrix.mrc",
        status=ImportJob.Status.SUCCEEDED,
        report=[{"number": 1, "control_number": "x", "outcome": "created", "record_id": None, "message": ""}],
    )
    job.file.save("matrix.mrc", ContentFile(b"00000"), save=False)
    job.save()
    return {"pk": job.pk}


def _home_statement(demo: Any) -> dict[str, int]:
    import datetime

    from cataloging.models import Statement
    from office.models import Organization

    statement = Statement.objects.create(
        organization=Organization.objects.get(code="home"),
        period_start=datetime.date(2020, 1, 1),
        charges_minor=400,
        credits_minor=500,
        net_minor=-100,
    )
    return {"pk": statement.pk}


def _next(path: str) -> Any:
    return lambda demo: {"next": path}


AFTER_DECISION = expect(
    anon=LOGIN,
    client=403,
    staff=Redirect("cataloging:review_queue"),
    head=Redirect("cataloging:review_queue"),
    director=403,
    other_office=403,
)

EXPECTATIONS = [
    Entry("cataloging:record_search", get=logged_in(200, client=403)),
    Entry("cataloging:public_search", get=everyone(200), note="anonymous visitors search shared records"),
    Entry("cataloging:public_record_detail", kwargs=_east_shared, get=everyone(200)),
    Entry(
        "cataloging:public_classification_browse",
        query="clc=G",
        get=everyone(200),
        note="anonymous visitors browse shared records by class",
    ),
    Entry("cataloging:classification_browse", query="dewey=0", get=logged_in(200, client=403)),
    Entry("cataloging:my_catalog", get=logged_in(200, client=403)),
    Entry(
        "cataloging:record_create",
        get=logged_in(200, client=403),
        post=logged_in(200, client=403),  # empty form -> errors
    ),
    Entry("cataloging:record_detail", kwargs=_home_draft, get=HOME_ONLY, note="a draft is internal to its office"),
    Entry("cataloging:record_edit", kwargs=_home_draft, get=HOME_ONLY, post=HOME_ONLY),
    Entry("cataloging:record_versions", kwargs=_home_draft, get=HOME_ONLY),
    Entry(
        "cataloging:record_submit",
        kwargs=_home_draft,
        get=POST_ONLY,
        post=expect(
            anon=LOGIN,
            client=403,
            staff=Redirect("cataloging:my_catalog"),
            head=Redirect("cataloging:my_catalog"),
            director=Redirect("cataloging:my_catalog"),
            other_office=404,
        ),
        data=_next("/catalog/mine/"),
    ),
    Entry(
        "cataloging:record_review_start",
        kwargs=_east_submitted,
        get=POST_ONLY,
        post=AFTER_DECISION,
        data=_next("/catalog/review/"),
    ),
    Entry(
        "cataloging:record_approve",
        kwargs=_east_in_review,
        get=POST_ONLY,
        post=AFTER_DECISION,
        data=_next("/catalog/review/"),
    ),
    Entry(
        "cataloging:record_reject",
        kwargs=_east_in_review,
        get=POST_ONLY,
        post=AFTER_DECISION,
        data=_next("/catalog/review/"),
    ),
    Entry(
        "cataloging:record_return",
        kwargs=_east_in_review,
        get=POST_ONLY,
        post=AFTER_DECISION,
        data=_next("/catalog/review/"),
    ),
    Entry(
        "cataloging:record_copy",
        kwargs=_east_shared,
        get=logged_in(200, client=403),
        post=logged_in(200, client=403),  # empty form -> errors
    ),
    Entry(
        "cataloging:holding_edit",
        kwargs=_home_holding,
        get=HOME_ONLY,
        post=HOME_ONLY,
        note="the holding is on a shared record, but its local data belongs to the home office",
    ),
    Entry("cataloging:review_queue", get=REVIEWERS),
    Entry("cataloging:review_detail", kwargs=_east_submitted, get=REVIEWERS),
    Entry("cataloging:import_upload", get=logged_in(200, client=403), post=logged_in(200, client=403)),
    Entry("cataloging:import_job_detail", kwargs=_home_import_job, get=HOME_ONLY),
    Entry("cataloging:import_job_progress", kwargs=_home_import_job, get=HOME_ONLY),
    Entry("cataloging:import_job_report", kwargs=_home_import_job, get=HOME_ONLY),
    Entry("cataloging:export", get=logged_in(200, client=403)),
    Entry("cataloging:fee_ledger", get=logged_in(200, client=403)),
    Entry(
        "cataloging:statement_close",
        get=POST_ONLY,
        post=expect(
            anon=LOGIN,
            client=403,
            staff=403,
            head=Redirect("cataloging:fee_ledger"),
            director=Redirect("cataloging:fee_ledger"),
            other_office=403,
        ),
        note="only leadership and heads close a month; the empty form goes back to the ledger",
    ),
    Entry("cataloging:statement_detail", kwargs=_home_statement, get=HOME_ONLY),
    Entry("cataloging:statement_pdf", kwargs=_home_statement, get=HOME_ONLY),
    Entry(
        "cataloging:statement_pay",
        kwargs=_home_statement,
        get=POST_ONLY,
        post=expect(
            anon=LOGIN,
            client=403,
            staff=403,
            head=Redirect("cataloging:fee_ledger"),
            director=Redirect("cataloging:fee_ledger"),
            other_office=404,
        ),
        data=_next("/catalog/fees/"),
        note="leadership and heads of the statement's office; a credit has nothing to pay (back with a message)",
    ),
    Entry(
        "sru:endpoint",
        query="operation=searchRetrieve&version=1.2&query=dc.title%3Dretrieval&maximumRecords=5",
        get=everyone(200),
        post=everyone(405),
        note="public SRU interface (/sru): shared records only, for every caller",
    ),
    Entry(
        "oai:endpoint",
        query="verb=ListRecords&metadataPrefix=oai_dc",
        get=everyone(200),
        post=everyone(200),
        note="public OAI-PMH interface (/oai): shared records only; GET or a form POST (csrf_exempt, read-only)",
    ),
]
