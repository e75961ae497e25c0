"""Races only PostgreSQL shows (one connection per thread): two lenders answering one request
at once, and two sweeps lapsing the same request."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from sharing import actions
from sharing.models import RotaEntry, SharingRequest
from tests.sharing.factories import loan, network

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def _run_parallel(functions):
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 (the test inspects what each thread got)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_lenders_answer_at_once_only_one_supplies():
    net = network()
    r = loan(net)
    # home lapsed: the request is riverside's now, but home's answer arrives at the same moment.
    actions.request_lapse(r.pk, now=timezone.now() + dt.timedelta(days=10))
    results = _run_parallel(
        [
            lambda: actions.request_will_supply(request_id=r.pk, actor=net.home),
            lambda: actions.request_will_supply(request_id=r.pk, actor=net.riverside),
        ]
    )
    supplied = [x for x in results if isinstance(x, SharingRequest)]
    assert len(supplied) == 1 and supplied[0].lender.agency_id == "CN-RIVER"
    r.refresh_from_db()
    assert r.status == SharingRequest.Status.WILL_SUPPLY
    assert r.events.filter(kind="will_supply").count() == 1
    assert RotaEntry.objects.filter(request=r, outcome=RotaEntry.Outcome.SUPPLIED).count() == 1


def test_one_lender_twice_at_once_supplies_once():
    net = network()
    r = loan(net)
    results = _run_parallel([lambda: actions.request_will_supply(request_id=r.pk, actor=net.home)] * 2)
    assert sum(isinstance(x, SharingRequest) for x in results) == 1
    assert SharingRequest.objects.get(pk=r.pk).events.filter(kind="will_supply").count() == 1


def test_two_sweeps_lapse_a_request_once():
    net = network()
    r = loan(net)
    # Just past home's deadline: riverside's, counted from the lapse, is later.
    later = r.deadline + dt.timedelta(microseconds=1)
    results = _run_parallel([lambda: actions.request_lapse(r.pk, now=later)] * 2)
    assert sorted(map(repr, results)) == ["False", "True"], results
    r.refresh_from_db()
    assert r.lender.agency_id == "CN-RIVER" and r.events.filter(kind="lapsed").count() == 1
