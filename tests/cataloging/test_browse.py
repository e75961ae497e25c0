"""Browsing by classification: the CLC (中图法) main classes and Dewey hundreds with counts,
drilling into a class (its subdivisions as found in the records, its records in shelf order),
for staff (their office's unshared records too) and for the public catalog (shared only)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pymarc import Field, Indicators, Subfield

from cataloging import classification, search, selectors
from cataloging.models import BibRecord
from tests.cataloging.factories import make_record
from tests.factories import People, member_office

pytestmark = pytest.mark.django_db
S = BibRecord.Status
PUBLIC = reverse("cataloging:public_classification_browse")
STAFF = reverse("cataloging:classification_browse")


def _dewey(number: str) -> tuple[Field, ...]:
    return (Field(tag="082", indicators=Indicators("0", "4"), subfields=[Subfield("a", number)]),)


@pytest.fixture
def people(db) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def north(db):
    """North's records for the browse. Tests that count the whole network's catalog ask for
    `demo` before this fixture, so north's records join the demo's."""
    north = member_office("north")
    make_record(north, status=S.APPROVED, title="Browse software one", isbn=None, clc="TP311.13")
    make_record(north, status=S.APPROVED, title="Browse software two", isbn=None, clc="tp311.5")
    make_record(north, status=S.APPROVED, title="Browse mechanics", isbn=None, clc="TB1", extra=_dewey("620.1"))
    make_record(north, status=S.APPROVED, title="Browse <b>bold</b> class", isbn=None, clc="G254.3/M12")
    make_record(north, status=S.APPROVED, title="Browse dewey only", isbn=None, extra=_dewey("025.04"))
    make_record(north, title="Browse north draft", isbn=None, clc="Z88", extra=_dewey("999"))
    return north


def _shared_keys(scheme: str) -> list[str]:
    if scheme == "clc":
        return [classification.clc_key(c) for c in BibRecord.objects.shared().values_list("clc", flat=True) if c]
    return [d[:3] for d in BibRecord.objects.shared().values_list("dewey", flat=True) if d]


def test_public_overview_counts_shared_records_per_main_class(demo, north, client):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    clc = {c.code: n for c, n in response.context["clc_classes"]}
    dewey = {c.code: n for c, n in response.context["dewey_classes"]}
    assert list(clc) == list("ABCDEFGHIJKNOPQRSTUVXZ")  # the 22 basic classes, L M W Y unused
    assert list(dewey) == list("0123456789")
    keys = _shared_keys("clc")
    assert clc["T"] == sum(k.startswith("T") for k in keys) >= 4
    assert clc["G"] == sum(k.startswith("G") for k in keys)
    assert clc["Z"] == 0  # north's draft is not public
    assert dewey["6"] == sum(k.startswith("6") for k in _shared_keys("dewey")) >= 1
    assert dewey["9"] == 0
    page = response.content.decode()
    assert "文化、科学、教育、体育" in page and "工业技术" in page and "Computer science, information" in page
    assert f'href="{PUBLIC}?clc=T"' in page and f'href="{PUBLIC}?clc=Z"' not in page  # no link to an empty class


def test_staff_also_count_their_own_office_s_unshared_records(north, people):
    own = people.client("staff_north").get(STAFF)
    other = people.client("staff_east").get(STAFF)
    assert {c.code: n for c, n in own.context["clc_classes"]}["Z"] == 1
    assert {c.code: n for c, n in other.context["clc_classes"]}["Z"] == 0
    drafts = people.client("staff_north").get(STAFF, {"clc": "Z"})
    assert [r.title for r in drafts.context["records"]] == ["Browse north draft"]
    assert f'href="{reverse("cataloging:record_detail", args=[drafts.context["records"][0].pk])}"' in (
        drafts.content.decode()
    )
    assert list(people.client("staff_east").get(STAFF, {"clc": "Z"}).context["records"]) == []


def test_drilling_into_a_clc_class_shows_its_subdivisions_and_records_in_shelf_order(demo, north, client):
    response = client.get(PUBLIC, {"clc": "T"})
    assert response.status_code == 200 and response.context["main"].name_zh == "工业技术"
    expected: dict[str, int] = {}
    for key in _shared_keys("clc"):
        if key.startswith("T") and len(key) > 1:
            expected[key[:2]] = expected.get(key[:2], 0) + 1
    assert {s["key"]: s["n"] for s in response.context["subdivisions"]} == expected
    assert expected["TP"] >= 3 and expected["TB"] >= 1

    deep = client.get(PUBLIC, {"clc": "tp311.1"})  # any case, with its dot
    assert deep.context["key"] == "TP3111" and deep.context["display"] == "TP311.1"
    assert deep.context["trail"] == [("T", "T"), ("TP", "TP"), ("TP3", "TP3"), ("TP31", "TP31"), ("TP311", "TP311")]
    assert [s["display"] for s in deep.context["subdivisions"]] == ["TP311.13"]
    titles = [r.title for r in deep.context["records"]]
    assert "Browse software one" in titles and "Browse software two" not in titles
    in_tp311 = [r.clc for r in client.get(PUBLIC, {"clc": "TP311"}).context["records"]]
    assert in_tp311 == sorted(in_tp311) and {"TP311.13", "tp311.5"} <= set(in_tp311)
    page = deep.content.decode()
    assert f'href="{reverse("cataloging:public_search")}?clc=TP311.1"' in page  # search within the class

    # A class number with a book number after it is browsed under its class; markup stays text.
    g = client.get(PUBLIC, {"clc": "G254.3"}).content.decode()
    assert "Browse &lt;b&gt;bold&lt;/b&gt; class" in g and "<b>bold</b>" not in g


def test_dewey_hundreds_tens_and_units(north, client):
    zero = client.get(PUBLIC, {"dewey": "0"})
    assert zero.context["main"].code == "0" and zero.context["display"] == "000"
    titles = [r.title for r in zero.context["records"]]
    assert "Browse dewey only" in titles and all(r.dewey.startswith("0") for r in zero.context["records"])
    tens = {s["key"]: s["display"] for s in zero.context["subdivisions"]}
    assert tens["02"] == "020"
    units = client.get(PUBLIC, {"dewey": "02"}).context["subdivisions"]
    assert "025" in [s["key"] for s in units]
    assert client.get(PUBLIC, {"dewey": "025"}).context["subdivisions"] == []
    six = client.get(PUBLIC, {"dewey": "6"})
    assert "Browse mechanics" in [r.title for r in six.context["records"]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"clc": "123"}, "is not a class of the Chinese Library Classification"),
        ({"clc": "L1"}, "is not a class of the Chinese Library Classification"),  # L is not a main class
        ({"clc": ""}, "is not a class of the Chinese Library Classification"),
        ({"dewey": "abc"}, "is not a Dewey class"),
        ({"dewey": "0255"}, "is not a Dewey class"),
    ],
)
def test_a_bad_class_gets_a_clear_message_and_the_overview(db, client, params, message):
    response = client.get(PUBLIC, params)
    assert response.status_code == 200
    assert message in response.context["error"] and response.context["scheme"] is None
    assert len(response.context["clc_classes"]) == 22


def test_query_count_does_not_grow_with_the_class(north, client):
    def queries(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PUBLIC, params).status_code == 200
        return len(ctx.captured_queries)

    before = (queries({}), queries({"clc": "T"}), queries({"dewey": "0"}))
    for n in range(15):
        record = make_record(north, status=S.APPROVED, title=f"More {n}", isbn=None, clc=f"TP{n}", extra=_dewey("005"))
        record.holdings.create(organization=north)
    assert (queries({}), queries({"clc": "T"}), queries({"dewey": "0"})) == before


def test_record_page_links_its_classes_to_the_browse(north, client):
    record = BibRecord.objects.get(title="Browse mechanics")
    page = client.get(reverse("cataloging:public_record_detail", args=[record.pk])).content.decode()
    assert f'href="{PUBLIC}?clc=TB1"' in page and f'href="{PUBLIC}?dewey=620"' in page


def test_clc_facet_counts_main_classes_and_the_search_page_shows_it(north, people):
    qs = BibRecord.objects.shared()
    facet = selectors.clc_facet(qs)
    assert {f["clc"]: f["n"] for f in facet}["T"] == sum(k.startswith("T") for k in _shared_keys("clc"))
    assert [f["n"] for f in facet] == sorted((f["n"] for f in facet), reverse=True)

    # search.facets counts the same main classes in its window, and the page shows them.
    assert {f["clc"]: f["n"] for f in search.facets(qs)["clc"]} == {f["clc"]: f["n"] for f in facet}
    page = people.client("staff_east").get(reverse("cataloging:record_search"), {"q": "browse"}).content.decode()
    assert 'id="facet-clc"' in page and "工业技术" in page
    assert "?q=browse&amp;clc=T" in page or "?clc=T&amp;q=browse" in page
