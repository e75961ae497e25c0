"""Bad input anyone can send without logging in answers 400 or the protocol's own error, never 500
(issue 17 item 5): NUL bytes in query strings, CQL nested or chained past any sane depth,
OAI dates at the end of the calendar and NUL in OAI arguments."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client

from cataloging.models import BibRecord
from tests.cataloging.factories import make_record

pytestmark = pytest.mark.django_db

SRW = "{http://www.loc.gov/zing/srw/}"
DIAG = "{http://www.loc.gov/zing/srw/diagnostic/}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
SEARCH_PARAMETERS = ["q", "title", "author", "subject", "isbn", "clc", "year", "language", "format", "office"]


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def shared_record(demo: Any) -> BibRecord:
    from office.models import Organization

    return make_record(
        Organization.objects.get(code="east"), status=BibRecord.Status.APPROVED, title="Harvest me", isbn=None
    )


def _assert_bad_request(response: Any) -> None:
    assert response.status_code == 400, response.status_code
    assert b"cannot be read" in response.content


# --- NUL in query strings: one middleware, a translated 400 page ---------------------------------


@pytest.mark.parametrize("name", SEARCH_PARAMETERS)
def test_nul_in_public_catalog_search_is_a_400(demo: Any, anonymous: Client, name: str) -> None:
    _assert_bad_request(anonymous.get(f"/catalog/public/?{name}=x%00y"))


def test_nul_in_a_parameter_name_or_the_path_is_a_400(demo: Any, anonymous: Client) -> None:
    _assert_bad_request(anonymous.get("/catalog/public/?a%00b=1"))
    _assert_bad_request(anonymous.get("/services/register/confirm/x%00y/"))


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("staff_infodev", "/catalog/?author=x%00y"),
        ("staff_infodev", "/catalog/?office=x%00y&clc=T%00"),
        ("staff_infodev", "/procurement/catalog/compare/?isbn=978%00"),
    ],
)
def test_nul_in_staff_searches_is_a_400(demo: Any, username: str, url: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(demo.users[username])
    _assert_bad_request(client.get(url))


def test_the_400_page_is_translated(demo: Any, anonymous: Client) -> None:
    response = anonymous.get("/catalog/public/?author=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "无法读取".encode() in response.content


def test_an_ordinary_search_still_answers(demo: Any, anonymous: Client) -> None:
    assert anonymous.get("/catalog/public/?author=x&language=chi").status_code == 200


# --- SRU: diagnostics, not 500s ------------------------------------------------------------------


def _sru_diagnostic(client: Client, **params: str) -> tuple[str, str]:
    response = client.get("/sru", {"operation": "searchRetrieve", "version": "1.2", **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    diagnostic = fromstring(response.content).find(f"{SRW}diagnostics/{DIAG}diagnostic")
    assert diagnostic is not None, response.content[:500]
    details = diagnostic.find(f"{DIAG}details")
    return diagnostic.find(f"{DIAG}uri").text, "" if details is None else details.text


def test_sru_deeply_nested_query_is_a_parentheses_diagnostic(demo: Any, anonymous: Client) -> None:
    query = "(" * 400 + "x" + ")" * 400
    uri, _details = _sru_diagnostic(anonymous, query=query)
    assert uri == "info:srw/diagnostic/1/13"


def test_sru_long_chain_of_booleans_is_a_diagnostic(demo: Any, anonymous: Client) -> None:
    uri, _details = _sru_diagnostic(anonymous, query=" or ".join(["x"] * 100))
    assert uri == "info:srw/diagnostic/1/38"  # too many boolean operators


def test_sru_overlong_query_is_a_diagnostic(demo: Any, anonymous: Client) -> None:
    uri, _details = _sru_diagnostic(anonymous, query="x" * 5000)
    assert uri == "info:srw/diagnostic/1/12"  # too many characters in query


def test_sru_nesting_within_the_limit_still_searches(demo: Any, anonymous: Client, shared_record: BibRecord) -> None:
    response = anonymous.get(
        "/sru", {"operation": "searchRetrieve", "version": "1.2", "query": "(" * 10 + "harvest" + ")" * 10}
    )
    assert fromstring(response.content).find(f"{SRW}numberOfRecords").text == "1"


def test_sru_nul_in_the_query_is_a_syntax_diagnostic(demo: Any, anonymous: Client) -> None:
    uri, details = _sru_diagnostic(anonymous, query="dc.title = x\x00y")
    assert uri == "info:srw/diagnostic/1/10"
    assert "\x00" not in details


def test_sru_nul_in_another_parameter_is_a_value_diagnostic(demo: Any, anonymous: Client) -> None:
    uri, details = _sru_diagnostic(anonymous, query="x", recordSchema="dc\x00")
    assert (uri, details) == ("info:srw/diagnostic/1/6", "recordSchema")


# --- OAI-PMH: badArgument, and the end of the calendar is a date like any other -----------------


def _oai(client: Client, method: str = "get", **params: str) -> Any:
    if method == "post":  # harvesters POST the arguments form-encoded (OAI-PMH 3.1.1)
        response = client.post("/oai", urlencode(params), content_type="application/x-www-form-urlencoded")
    else:
        response = client.get("/oai", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return fromstring(response.content)


@pytest.mark.parametrize("until", ["9999-12-31", "9999-12-31T23:59:59Z"])
def test_oai_until_the_last_day_of_the_calendar_lists_records(
    demo: Any, anonymous: Client, shared_record: BibRecord, until: str
) -> None:
    root = _oai(anonymous, verb="ListIdentifiers", metadataPrefix="oai_dc", until=until)
    assert root.find(f"{OAI}error") is None
    identifiers = [h.find(f"{OAI}identifier").text for h in root.iter(f"{OAI}header")]
    assert f"oai:testserver:{shared_record.pk}" in identifiers


def test_oai_from_the_last_second_of_the_calendar_matches_nothing(demo: Any, anonymous: Client) -> None:
    last = "9999-12-31T23:59:59Z"
    root = _oai(anonymous, verb="ListRecords", metadataPrefix="oai_dc", until=last, **{"from": last})
    assert root.find(f"{OAI}error").get("code") == "noRecordsMatch"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "params",
    [
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "east\x00"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc\x00"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:testserver:1\x00"},
        {"verb": "ListSets", "x\x00": "1"},
    ],
)
def test_oai_nul_in_an_argument_is_bad_argument(demo: Any, anonymous: Client, method: str, params: dict) -> None:
    root = _oai(anonymous, method, **params)
    error = root.find(f"{OAI}error")
    assert error.get("code") == "badArgument"
    assert root.find(f"{OAI}request").attrib == {}  # badArgument echoes no arguments
