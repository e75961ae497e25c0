"""The bulk import path (cataloging.importer): same outcomes as one record at a time, few queries."""

from __future__ import annotations

import os

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from cataloging import actions, marc, search
from cataloging.importer import analyze, bulk, parsing
from cataloging.models import BibRecord, RecordIdentifier, RecordVersion
from office.models import AuditEvent, Organization
from tests.cataloging.factories import make_raw
from tests.factories import member_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def north(db):
    member_office("east")  # another member office, whose records north's imports must not match
    return member_office("north")


def _import(data: bytes, org, **kwargs):
    return actions.marc_import(data=data, organization=org, actor=None, **kwargs)


def _raws(n: int, start: int = 0) -> list[bytes]:
    return [make_raw(control=f"B{i}", title=f"Bulk title {i}", isbn=None, year=2000) for i in range(start, start + n)]


def test_new_records_are_written_in_bulk_with_everything_record_create_writes(north):
    with CaptureQueriesContext(connection) as small:
        _import(b"".join(_raws(3)), north, share=True)
    with CaptureQueriesContext(connection) as large:
        result = _import(b"".join(_raws(60, start=100)), north, share=True)
    assert [r.outcome for r in result.rows] == ["created"] * 60
    # Queries per window, not per record (SQLite splits a bulk INSERT by its parameter limit).
    assert len(large) < len(small) + 5
    record = BibRecord.objects.get(organization=north, control_number="B130")
    assert (record.title, record.version, record.status, record.year) == ("Bulk title 130", 1, "approved", 2000)
    assert record.shared_at is not None and result.rows[30].record_id == record.pk
    assert RecordVersion.objects.get(record=record).number == 1
    assert set(RecordIdentifier.objects.filter(record=record).values_list("scheme", flat=True)) == {"ctl"}
    event = AuditEvent.objects.get(verb="cataloging.record.created", target_id=str(record.pk))
    assert event.organization == north and event.data == {"shared": True, "note": "Imported"}
    assert event.target_repr == "Bulk title 130"
    if search.is_postgres():
        assert search.keyword_filter(BibRecord.objects.all(), "bulk 130").get() == record


def test_a_record_matching_an_earlier_one_of_the_same_file_is_matched_not_duplicated(north):
    first = make_raw(control="D1", title="Twice in one file", isbn="9780070544840")
    changed = make_raw(control="D2", title="Twice in one file, corrected", isbn="978-0-07-054484-0")
    data = b"".join([*_raws(5), first, *_raws(5, start=10), changed, first, *_raws(3, start=20)])
    result = _import(data, north)
    outcomes = [r.outcome for r in result.rows]
    assert outcomes[5] == "created" and outcomes[11] == "updated" and outcomes[12] == "updated"
    assert outcomes.count("created") == 14
    record = BibRecord.objects.get(pk=result.rows[5].record_id)
    assert result.rows[11].record_id == result.rows[12].record_id == record.pk
    assert (record.version, record.title) == (3, "Twice in one file")
    assert BibRecord.objects.filter(organization=north).count() == 14
    assert [r.number for r in result.rows] == list(range(1, 17))


def test_a_failing_bulk_insert_falls_back_to_one_record_at_a_time(north, monkeypatch):
    def broken(pending, state):
        raise DatabaseError("simulated")

    monkeypatch.setattr(bulk, "_bulk_create", broken)
    result = _import(b"".join(_raws(4)), north)
    assert [r.outcome for r in result.rows] == ["created"] * 4
    assert BibRecord.objects.filter(organization=north).count() == 4


@pytest.fixture
def parsed_here(monkeypatch) -> list[int]:
    """The numbers of the records parsed in the test's own process; a forked parsing process
    inherits the watch but its calls do not land here."""
    parent, numbers = os.getpid(), []
    parse = marc.parse_iso2709_record

    def watched(chunk, number=1):
        if os.getpid() == parent:
            numbers.append(number)
        return parse(chunk, number)

    monkeypatch.setattr(marc, "parse_iso2709_record", watched)
    return numbers


def _mixed_file() -> bytes:
    """New records, a record matching an earlier one of the file (one-by-one path), a damaged
    record and a record whose 001 repeats: what any parsing path must report alike."""
    first = make_raw(control="P1", title="Parsed apart", isbn="9780070544840")
    changed = make_raw(control="P2", title="Parsed apart, corrected", isbn="978-0-07-054484-0")
    damaged = make_raw(control="P3", title="Damaged")[:-40] + b"\x1d"  # the directory runs past the end
    return b"".join([*_raws(4), first, *_raws(3, start=10), changed, damaged, *_raws(2, start=20)])


def test_a_large_file_is_parsed_in_a_second_process_with_the_same_outcomes(north, monkeypatch, parsed_here):
    from office.models import Organization

    east = Organization.objects.get(code="east")
    expected = [(r.number, r.control_number, r.outcome, r.message) for r in _import(_mixed_file(), east).rows]
    parsed_here.clear()  # that import parsed here, in a thread
    monkeypatch.setattr(bulk, "PARSE_IN_PROCESS_FROM", 5)
    monkeypatch.setattr(bulk, "BATCH", 4)  # several lists in flight
    result = _import(_mixed_file(), north)

    assert parsed_here == []  # every record was parsed in the other process
    assert [(r.number, r.control_number, r.outcome, r.message) for r in result.rows] == expected
    outcomes = [r.outcome for r in result.rows]
    assert outcomes.count("created") == 10 and outcomes[8] == "updated" and outcomes[9] == "error"
    updated = BibRecord.objects.get(pk=result.rows[8].record_id)
    assert (updated.version, updated.title, updated.organization) == (2, "Parsed apart, corrected", north)


def test_if_the_parsing_process_cannot_start_the_import_parses_here(north, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no processes left")

    monkeypatch.setattr(bulk, "PARSE_IN_PROCESS_FROM", 5)
    monkeypatch.setattr(parsing, "ProcessPoolExecutor", refuse)
    result = _import(_mixed_file(), north)
    assert [r.outcome for r in result.rows].count("created") == 10
    assert BibRecord.objects.filter(organization=north).count() == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner statistics")
def test_a_large_import_renews_the_planner_statistics_as_the_tables_grow(north, monkeypatch):
    monkeypatch.setattr(analyze, "ANALYZE_AT_LEAST", 6)
    monkeypatch.setattr(bulk, "BATCH", 3)
    with CaptureQueriesContext(connection) as queries:
        result = _import(b"".join(_raws(20, start=300)), north)
    assert [r.outcome for r in result.rows] == ["created"] * 20
    sql = [q["sql"] for q in queries.captured_queries]
    first = next(i for i, statement in enumerate(sql) if statement.startswith("ANALYZE"))
    assert "cataloging_recordidentifier" in sql[first]
    # Renewed once 6 records were written (two windows of 3), not before; the next renewal
    # waits until as many records as the table then had are written, so there are few.
    assert sum('INSERT INTO "cataloging_bibrecord"' in s for s in sql[:first]) == 2
    assert sum(s.startswith("ANALYZE") for s in sql) < 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'cataloging_bibrecord'::regclass")
        assert cursor.fetchone()[0] >= 6  # the planner now knows the table is not empty


def test_a_control_number_matches_in_the_importing_office_only_an_isbn_in_the_shared_catalog(north):
    from tests.cataloging.factories import make_record

    east = Organization.objects.get(code="east")
    shared = make_record(east, status=BibRecord.Status.APPROVED, control="X1", title="East's own", isbn=None)
    by_isbn = make_record(east, status=BibRecord.Status.APPROVED, control="X2", title="Shared", isbn="9780070544840")
    data = b"".join(
        [
            make_raw(control="X1", title="North's own, same 001", isbn=None, year=1990),
            make_raw(control="N9", title="Shared, North's copy", isbn="978-0-07-054484-0", year=1991),
            *_raws(3, start=400),
        ]
    )
    result = _import(data, north)
    outcomes = [r.outcome for r in result.rows]
    assert outcomes[0] == "created" and result.rows[0].record_id != shared.pk  # east's 001 is not north's
    # The ISBN finds east's shared record: skipped, pointing at it (copy it instead).
    assert (outcomes[1], result.rows[1].record_id) == ("skipped", by_isbn.pk)
    assert outcomes[2:] == ["created"] * 3


def test_in_a_daemon_process_like_a_celery_worker_the_import_parses_in_a_thread(north, monkeypatch, parsed_here):
    import multiprocessing

    class Daemon:
        daemon = True

    monkeypatch.setattr(bulk, "PARSE_IN_PROCESS_FROM", 5)
    monkeypatch.setattr(multiprocessing, "current_process", lambda: Daemon())
    result = _import(_mixed_file(), north)
    assert len(parsed_here) == 12  # no process was started: every record parsed here
    assert [r.outcome for r in result.rows].count("created") == 10
