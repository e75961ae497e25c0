"""/oai: OAI-PMH 2.0 harvested by a real third-party harvester (`sickle`) against the live
server, plus the protocol's error codes through the test client. Shared records only."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from pymarc.marcxml import parse_xml_to_array
from sickle import Sickle, oaiexceptions

from cataloging import oai
from cataloging.models import BibRecord
from tests.cataloging.factories import make_record
from tests.factories import People, home_office, member_office

S = BibRecord.Status
OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture
def people(db: Any) -> People:
    """The demo's people this module names, each built with their office and unit only."""
    return People()


@pytest.fixture
def home(db: Any) -> Any:
    return home_office()


@pytest.fixture
def east(db: Any) -> Any:
    return member_office("east")


def _harvest_fixture(home: Any, east: Any) -> dict[str, BibRecord]:
    return {
        "east_1": make_record(east, status=S.APPROVED, title="Harvest east one 采集", isbn=None),
        "east_2": make_record(east, status=S.APPROVED, title='Harvest east <two> & "more"', isbn=None),
        "home_1": make_record(home, status=S.APPROVED, title="Harvest home one", isbn=None),
        "draft": make_record(east, title="Harvest unshared draft", isbn=None),
    }


# serialized_rollback: the live server needs committed rows, and the data-migration rows
# (the first fee schedule) must survive the flush for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sickle_harvests_every_verb(live_server, home, east, monkeypatch):
    records = _harvest_fixture(home, east)
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)  # several pages: resumption tokens in use
    sickle = Sickle(f"{live_server.url}/oai", max_retries=0, timeout=30)
    host = live_server.url.split("//")[1].split(":")[0]

    identify = sickle.Identify()
    assert identify.protocolVersion == "2.0" and identify.deletedRecord == "no"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"

    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"oai_dc", "marc21"}
    assert {s.setSpec for s in sickle.ListSets()} >= {"east", "home"}

    shared = BibRecord.objects.shared().count()
    harvested = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert len(harvested) == shared > 2
    assert len({r.header.identifier for r in harvested}) == shared
    titles = {r.metadata["title"][0] for r in harvested}
    assert 'Harvest east <two> & "more"' in titles and "Harvest unshared draft" not in titles

    east_ids = [h.identifier for h in sickle.ListIdentifiers(metadataPrefix="marc21", set="east")]
    assert f"oai:{host}:{records['east_1'].pk}" in east_ids
    assert f"oai:{host}:{records['home_1'].pk}" not in east_ids
    assert f"oai:{host}:{records['draft'].pk}" not in east_ids

    got = sickle.GetRecord(identifier=f"oai:{host}:{records['east_2'].pk}", metadataPrefix="marc21")
    assert got.header.setSpecs == ["east"]
    [marc] = parse_xml_to_array(io.BytesIO(got.raw.encode()), strict=True)
    assert marc.title == 'Harvest east <two> & "more"'

    future = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2000-01-01", "until": "2999-12-31"}))
    assert len(future) == shared
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))
    with pytest.raises(oaiexceptions.IdDoesNotExist):
        sickle.GetRecord(identifier=f"oai:{host}:{records['draft'].pk}", metadataPrefix="oai_dc")
    with pytest.raises(oaiexceptions.CannotDisseminateFormat):
        sickle.GetRecord(identifier=f"oai:{host}:{records['east_1'].pk}", metadataPrefix="mods")

    # The same harvest over POST (OAI-PMH §3.1.1: form-encoded arguments in the body, no
    # cookie, no CSRF token), resumption tokens included.
    posting = Sickle(f"{live_server.url}/oai", http_method="POST", max_retries=0, timeout=30)
    posted = list(posting.ListRecords(metadataPrefix="oai_dc"))
    assert [r.header.identifier for r in posted] == [r.header.identifier for r in harvested]
    got = posting.GetRecord(identifier=f"oai:{host}:{records['east_2'].pk}", metadataPrefix="oai_dc")
    assert got.metadata["title"] == ['Harvest east <two> & "more"']


def _error(client: Any, **params: str) -> tuple[str, dict[str, str]]:
    response = client.get("/oai", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = fromstring(response.content)
    return root.find(f"{OAI}error").get("code"), dict(root.find(f"{OAI}request").attrib)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "identifier": "oai:testserver:1"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2021-01-01T00:00:00Z"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "nowhere"}, "noRecordsMatch"),
        ({"verb": "GetRecord", "identifier": "oai:elsewhere:1", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
        ({"verb": "ListMetadataFormats", "identifier": "oai:testserver:999999999"}, "idDoesNotExist"),
    ],
)
def test_protocol_errors(people, params, code):
    got, request = _error(people.client(None), **params)
    assert got == code
    if code in ("badVerb", "badArgument"):
        assert request == {}  # the request was not understood: nothing echoed


@pytest.mark.django_db
def test_repeated_arguments_are_bad(people):
    response = people.client(None).get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=marc21")
    assert fromstring(response.content).find(f"{OAI}error").get("code") == "badArgument"


@pytest.mark.django_db
def test_drafts_of_every_office_stay_out_and_markup_is_escaped(people, home, east):
    records = _harvest_fixture(home, east)
    response = people.client("staff_east").get("/oai", {"verb": "ListRecords", "metadataPrefix": "marc21"})
    assert b"Harvest unshared draft" not in response.content and b"<two>" not in response.content
    assert b"Harvest east &lt;two&gt; &amp;" in response.content
    draft = f"oai:testserver:{records['draft'].pk}"
    code, _request = _error(people.client(None), verb="GetRecord", identifier=draft, metadataPrefix="oai_dc")
    assert code == "idDoesNotExist"


@pytest.mark.django_db
def test_resumption_token_walks_the_list_and_the_last_page_has_an_empty_token(people, home, east, monkeypatch):
    _harvest_fixture(home, east)
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)
    client, seen, params = people.client(None), [], {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        root = fromstring(client.get("/oai", params).content)
        seen += [e.text for e in root.iter(f"{OAI}identifier")]
        token = root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken")
        assert token is not None and token.get("completeListSize") == str(BibRecord.objects.shared().count())
        if not token.text:
            break
        params = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert len(seen) == len(set(seen)) == BibRecord.objects.shared().count()


@pytest.mark.django_db
def test_list_records_query_count_does_not_grow_with_the_page(people, east, django_assert_max_num_queries):
    for n in range(12):
        make_record(east, status=S.APPROVED, title=f"Counted {n}", isbn=None)
    with django_assert_max_num_queries(6):
        response = people.client(None).get("/oai", {"verb": "ListRecords", "metadataPrefix": "marc21", "set": "east"})
    assert len(parse_xml_to_array(io.BytesIO(response.content), strict=True)) >= 12


def _without_date(body: bytes) -> bytes:
    """The answer without its responseDate (the one element that differs from call to call)."""
    stripped, n = re.subn(rb"<(\w+:)?responseDate>[^<]*</(\w+:)?responseDate>", b"", body)
    assert n == 1, body[:300]
    return stripped


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"verb": "Identify"},
        {"verb": "ListSets"},
        {"verb": "ListRecords", "metadataPrefix": "marc21", "set": "east"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2000-01-01"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:testserver:{east_1}"},
        {"verb": "ListRecords", "metadataPrefix": "mods"},
        {"verb": "Harvest"},
    ],
)
def test_a_form_post_answers_exactly_as_get(home, east, params):
    """A harvester's POST: form-encoded body, no session, no CSRF cookie or token."""
    records = _harvest_fixture(home, east)
    params = {k: v.format(east_1=records["east_1"].pk) for k, v in params.items()}
    harvester = Client(enforce_csrf_checks=True)
    got = harvester.get("/oai", params)
    posted = harvester.post("/oai", urlencode(params), content_type="application/x-www-form-urlencoded")
    assert posted.status_code == got.status_code == 200
    assert posted["Content-Type"] == got["Content-Type"] == "text/xml; charset=utf-8"
    assert _without_date(posted.content) == _without_date(got.content)


@pytest.mark.django_db
def test_a_post_takes_its_arguments_from_the_form_body_only(home, east):
    _harvest_fixture(home, east)
    harvester = Client(enforce_csrf_checks=True)
    form = "application/x-www-form-urlencoded"
    response = harvester.post("/oai", "verb=ListSets", content_type=form)
    assert response.status_code == 200
    root = fromstring(response.content)
    assert root.find(f"{OAI}ListSets") is not None and root.find(f"{OAI}error") is None
    # Arguments in the query string, or in a body of another type, are not OAI-PMH POST arguments.
    for response in (
        harvester.post("/oai?verb=Identify", "", content_type=form),
        harvester.post("/oai", '{"verb": "Identify"}', content_type="application/json"),
    ):
        assert response.status_code == 200
        assert fromstring(response.content).find(f"{OAI}error").get("code") == "badVerb"
    assert harvester.put("/oai", "verb=Identify", content_type=form).status_code == 405
