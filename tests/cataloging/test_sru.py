"""/sru: SRU 1.2 explain and searchRetrieve, read by pymarc (the MARCXML a library system
would load) and by a defused XML parser; shared records only; diagnostics on errors."""

from __future__ import annotations

import io

import pytest
from defusedxml.ElementTree import fromstring
from pymarc.marcxml import parse_xml_to_array

from cataloging import interop
from cataloging.models import BibRecord
from tests.cataloging.factories import make_record
from tests.factories import People, home_office, member_office

pytestmark = pytest.mark.django_db
S = BibRecord.Status
SRW = "{http://www.loc.gov/zing/srw/}"
DIAG = "{http://www.loc.gov/zing/srw/diagnostic/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def home(db):
    return home_office()


@pytest.fixture
def east(db):
    return member_office("east")


@pytest.fixture
def catalog(db, home, east):
    return {
        "salton": make_record(
            east,
            status=S.APPROVED,
            title="Xylograph retrieval",
            author="Saltonstall, Gerardo",
            subjects=("Xyloindexing",),
        ),
        "chinese": make_record(
            east,
            status=S.APPROVED,
            title="鹦鹉检索导论",
            author="王知津",
            isbn="7-302-10853-6",
            subjects=("鹦鹉学",),
            year=2005,
        ),
        "markup": make_record(
            home, status=S.APPROVED, title='<script>alert("x")</script> & "Co"', author="O'Brien", isbn=None
        ),
        "draft": make_record(east, title="Unshared draft retrieval", author="Hidden, Author", isbn="9787111213826"),
    }


def _get(client, **params):
    response = client.get("/sru", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return response.content


def _search(client, query, **params):
    return _get(client, operation="searchRetrieve", version="1.2", query=query, **params)


def _marc_titles(content: bytes) -> list[str]:
    return [r.title for r in parse_xml_to_array(io.BytesIO(content), strict=True)]


def _count(content: bytes) -> int:
    return int(fromstring(content).find(f"{SRW}numberOfRecords").text)


def _diagnostic(content: bytes) -> str:
    return fromstring(content).find(f"{SRW}diagnostics/{DIAG}diagnostic/{DIAG}uri").text


def test_explain_describes_indexes_and_schemas(people):
    for content in (_get(people.client(None)), _get(people.client(None), operation="explain", version="1.2")):
        root = fromstring(content)
        assert root.tag == f"{SRW}explainResponse"
        text = content.decode()
        for name in ("anywhere", "title", "creator", "subject", "isbn", "info:srw/schema/1/marcxml-v1.1"):
            assert name in text


def test_search_returns_marcxml_that_pymarc_reads(people, catalog):
    content = _search(people.client(None), 'dc.title = "xylograph retrieval"')
    assert _count(content) == 1
    [record] = parse_xml_to_array(io.BytesIO(content), strict=True)
    assert record.title == "Xylograph retrieval"
    assert record["100"]["a"] == "Saltonstall, Gerardo"
    assert record["650"]["a"] == "Xyloindexing"


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("dc.creator = saltonstall", ["Xylograph retrieval"]),
        ("dc.subject = 鹦鹉学", ["鹦鹉检索导论"]),
        ("cql.anywhere = 鹦鹉检索", ["鹦鹉检索导论"]),
        ("bath.isbn = 9787302108535", ["鹦鹉检索导论"]),  # the ISBN-10 of the record, as ISBN-13
        ("bath.isbn = 7-302-10853-6", ["鹦鹉检索导论"]),
        ("dc.title = xylograph or dc.title = 鹦鹉", ["Xylograph retrieval", "鹦鹉检索导论"]),
        ("retrieval and dc.creator = gerardo", ["Xylograph retrieval"]),
        ('dc.title any "xylograph 鹦鹉"', ["Xylograph retrieval", "鹦鹉检索导论"]),
        ("(dc.title = xylograph or dc.title = 鹦鹉) not dc.creator = saltonstall", ["鹦鹉检索导论"]),
        ('dc.title adj "xylograph retrieval"', ["Xylograph retrieval"]),
        ("xylogr*", ["Xylograph retrieval"]),
    ],
)
def test_cql_indexes_and_booleans(people, catalog, query, titles):
    assert _marc_titles(_search(people.client(None), query)) == titles


def test_unshared_records_never_leave(people, catalog):
    client = people.client("staff_east")  # even the owning office's staff get shared records only
    for query in ("dc.title = unshared", "dc.creator = hidden", "bath.isbn = 9787111213826", "draft"):
        assert _count(_search(client, query)) == 0


def test_dublin_core_schema(people, catalog):
    content = _search(people.client(None), "dc.title = 鹦鹉检索导论", recordSchema="dc")
    dc = fromstring(content).find(f"{SRW}records/{SRW}record/{SRW}recordData/{{info:srw/schema/1/dc-schema}}dc")
    assert dc.find(f"{DC}title").text == "鹦鹉检索导论"
    assert dc.find(f"{DC}creator").text == "王知津"
    assert dc.find(f"{DC}identifier").text == "urn:isbn:9787302108535"


def test_paging_with_start_record_and_maximum_records(people, east):
    for n in range(5):
        make_record(east, status=S.APPROVED, title=f"Paging book {n}", isbn=None)
    client = people.client(None)
    first = _search(client, "dc.title = paging", maximumRecords="2")
    root = fromstring(first)
    assert _count(first) == 5 and _marc_titles(first) == ["Paging book 0", "Paging book 1"]
    assert root.find(f"{SRW}nextRecordPosition").text == "3"
    positions = [e.text for e in root.iter(f"{SRW}recordPosition")]
    assert positions == ["1", "2"]
    last = _search(client, "dc.title = paging", startRecord="5", maximumRecords="2")
    assert _marc_titles(last) == ["Paging book 4"]
    assert fromstring(last).find(f"{SRW}nextRecordPosition") is None
    assert _marc_titles(_search(client, "dc.title = paging", maximumRecords="0")) == []


def test_markup_is_escaped_and_survives_the_round_trip(people, catalog):
    content = _search(people.client(None), "dc.creator = o'brien")
    assert b"<script>" not in content
    assert _marc_titles(content) == ['<script>alert("x")</script> & "Co"']
    echoed = _search(people.client(None), '"<b>&amp;"')
    assert b"<b>" not in echoed and _count(echoed) == 0


@pytest.mark.parametrize(
    ("params", "number"),
    [
        ({"operation": "searchRetrieve", "version": "1.2"}, 7),
        ({"operation": "searchRetrieve", "version": "1.1", "query": "x"}, 5),
        ({"operation": "scan", "version": "1.2"}, 4),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "x", "foo": "1"}, 8),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "(x"}, 10),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.date = 2000"}, 16),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "dc.title <> x"}, 19),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "x prox y"}, 37),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "x", "startRecord": "0"}, 6),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "x", "maximumRecords": "-1"}, 6),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "x", "recordSchema": "mods"}, 66),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "x", "recordPacking": "string"}, 71),
        ({"operation": "searchRetrieve", "version": "1.2", "query": "xylograph", "startRecord": "99"}, 61),
    ],
)
def test_errors_are_sru_diagnostics(people, catalog, params, number):
    content = _get(people.client(None), **params)
    assert _diagnostic(content) == f"info:srw/diagnostic/1/{number}"


def test_xml_cannot_carry_control_characters_so_they_are_dropped():
    assert interop.clean("a\x00b\x1fc\x0bd\ttab\U0001f600") == "abcd\ttab\U0001f600"


def test_query_count_does_not_grow_with_the_page(people, east, django_assert_max_num_queries):
    for n in range(12):
        make_record(east, status=S.APPROVED, title=f"Counted book {n}", isbn=None)
    with django_assert_max_num_queries(8):
        content = _search(people.client(None), "dc.title = counted", maximumRecords="12")
    assert len(_marc_titles(content)) == 12
