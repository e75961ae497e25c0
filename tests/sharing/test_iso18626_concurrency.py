"""The same ISO 18626 request arriving twice at the same moment (a partner retrying on a
timeout) creates one lending request: separate PostgreSQL connections, one per thread."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from cataloging.models import BibRecord, Holding
from sharing.iso18626 import messages as m
from sharing.models import Agency, RequestEvent, SharingRequest
from tests import factories
from tests.cataloging.factories import make_record

pytestmark = pytest.mark.django_db(transaction=True)
CODE = "partner-shared-code-0001"


def _post_together(body: bytes, count: int) -> list[object]:
    barrier = threading.Barrier(count)
    answers: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            response = Client().post(
                "/sharing/iso18626", data=body, content_type="application/xml", HTTP_X_ISO18626_SECURITY_CODE=CODE
            )
            answers[i] = m.parse(response.content)
        except Exception as exc:  # the test looks at what each thread got
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_the_same_request_posted_concurrently_creates_one_lending_request() -> None:
    home = factories.home_office()
    Agency.objects.create(agency_id="CN-HOME", organization=home, name="Home")
    Agency.objects.create(agency_id="CN-PARTNER", name="Partner", is_partner=True, iso_secret=CODE)
    record = make_record(home, status=BibRecord.Status.APPROVED, isbn="9780070544840")
    Holding.objects.create(record=record, organization=home, lendable=True)
    body = m.build_request(
        m.OutgoingRequest(
            supplying="CN-HOME",
            requesting="CN-PARTNER",
            request_id="RACE-1",
            service_type="Loan",
            title="Information retrieval",
            isbn="9780070544840",
        )
    )
    answers = _post_together(body, 4)
    assert all(isinstance(a, m.Confirmation) and a.message_status == "OK" for a in answers), answers
    request = SharingRequest.objects.get(peer_request_id="RACE-1")
    assert request.status == SharingRequest.Status.SENT
    assert request.events.filter(kind="created").count() == 1
    assert request.rota.count() == 1
    assert RequestEvent.objects.filter(direction="in").count() == 4  # each arrival is on the timeline
