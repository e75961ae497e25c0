"""Every page anyone may open without logging in, under generated query strings and paths:
the answer is never a 5xx, SRU and OAI-PMH answer in their protocol (200, well-formed XML),
and a GET writes nothing.

The pages are the permission matrix's entries (tests/permissions) that answer an anonymous
GET with anything but the login page or 405; `PARAMETERS` names the query parameters each
one reads (from its view), and a test fails when a new public page is not listed there.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import quote

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from office import ratelimit
from tests.permissions.matrix import LOGIN, Entry
from tests.permissions.test_url_matrix import EXPECTATIONS, all_routes
from tests.property.support import (
    SWEEP,
    any_date,
    any_datetime,
    any_text,
    assert_not_5xx,
    example,
    huge_integers,
    number_text,
    odd_digits,
    query_string,
    read_only,
    text_values,
)

pytestmark = pytest.mark.django_db

# --- what each public page reads ---------------------------------------------------------------

SEARCH = ["q", "title", "author", "subject", "isbn", "clc", "year", "language", "format", "office", "page", "sort"]

CQL = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "dc.title",
                "dc.creator",
                "cql.anywhere",
                "bath.isbn",
                "srw.serverChoice",
                "=",
                "==",
                "<>",
                " any ",
                " all ",
            ]
            + [" and ", " or ", " not ", " prox ", "(", ")", '"', "*", "?", "\\", "/", "sortBy", "^", " "]
        ),
        st.text(st.characters(categories=("L", "N")), max_size=4),
        any_text,
    ),
    max_size=12,
).map("".join)
NESTED_CQL = st.builds(
    lambda n, op: "(" * n + "a" + f") {op} (b" * min(n, 200) + ")" * n,
    st.integers(1, 400),
    st.sampled_from(["and", "or", "not"]),
)

OAI_DATES = st.one_of(
    any_date.map(lambda d: d.isoformat()),
    any_datetime.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.sampled_from(["9999-12-31", "9999-12-31T23:59:59Z", "0001-01-01", "0001-01-01T00:00:00Z", "2024-02-30"]),
)


def _oai_identifier(host: str = "testserver") -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda n: f"oai:{host}:{n}", huge_integers.map(abs)),
        st.builds(lambda n: f"oai:{host}:{n}", odd_digits),
        st.builds(lambda n: f"oai:{host}:{n}", text_values),
    )


PAGE = st.one_of(huge_integers.map(str), st.sampled_from(["last", "0", "-1", "1.5", "²"]))

PARAMETERS: dict[str, dict[str, st.SearchStrategy[str] | None]] = {
    # name -> {query parameter: its own strategy (None: only the generic ones)}
    "cataloging:public_search": {
        **dict.fromkeys(SEARCH),
        "year": st.one_of(odd_digits, huge_integers.map(str), st.sampled_from(["1999", "0", "65536"])),
        "page": PAGE,
        "clc": st.sampled_from(["G", "G25", "TP3", "%", "_", "\\"]),
        "format": st.sampled_from(["book", "serial", "%"]),
        "isbn": st.sampled_from(["9787302", "978-7-302-12345-6", "0-306-40615-2", "X"]),
    },
    "cataloging:public_record_detail": {},
    "cataloging:public_classification_browse": {
        "clc": st.one_of(
            st.sampled_from(["G", "G25", "TP391.1", "Z", "I247.5", "%"]), st.text("ABGTZ0123456789.-/", max_size=20)
        ),
        "dewey": st.one_of(
            st.sampled_from(["0", "3", "025.4", "999", "1000"]), st.text("0123456789.", max_size=12), odd_digits
        ),
        "page": PAGE,
    },
    "sru:endpoint": {
        "operation": st.sampled_from(["searchRetrieve", "explain", "scan"]),
        "version": st.sampled_from(["1.2", "1.1", "2.0"]),
        "query": st.one_of(CQL, NESTED_CQL),
        "startRecord": st.one_of(huge_integers.map(str), odd_digits),
        "maximumRecords": st.one_of(huge_integers.map(str), odd_digits),
        "recordSchema": st.sampled_from(["marcxml", "dc", "info:srw/schema/1/dc-v1.1", "mods"]),
        "recordPacking": st.sampled_from(["xml", "string"]),
        "sortKeys": None,
        "stylesheet": None,
        "x-info-5-restrictorSummary": None,
    },
    "oai:endpoint": {
        "verb": st.sampled_from(
            ["Identify", "ListRecords", "ListIdentifiers", "GetRecord", "ListSets", "ListMetadataFormats"]
        ),
        "metadataPrefix": st.sampled_from(["oai_dc", "marc21", "mods"]),
        "identifier": _oai_identifier(),
        "from": OAI_DATES,
        "until": OAI_DATES,
        "set": st.sampled_from(["east", "home", "riverside", "nosuch"]),
        "resumptionToken": None,
    },
    "health_live": {},
    "marketing:home": {},
    # The public site (issue 14): pages by slug, lists, CLC browse, A-Z, one search, the inquiry form.
    "marketing:page_detail": {},
    "marketing:news_list": {},
    "marketing:news_detail": {},
    "marketing:partner_list": {},
    "marketing:partner_logo": {},
    "marketing:showcase_list": {"kind": st.sampled_from(["resource", "service", "page", "nosuch"]), "tag": None},
    "marketing:resource_detail": {},
    "marketing:service_detail": {},
    "marketing:subject_browse": {"clc": st.sampled_from(["G", "G25", "TP3", "L", "", "g2"])},
    "marketing:az_index": {"letter": st.sampled_from(["A", "D", "0-9", "#", "ZZ"])},
    "marketing:search": {"q": st.sampled_from(["novelty", "检索", "信", "zzzq", ""])},
    "marketing:inquiry_form": {"kind": st.sampled_from(["general", "cooperation", "other"]), "subject": None},
    "sitemap": {},
    "robots_txt": {},
    "login": {"next": st.sampled_from(["/intranet/", "//evil.example/", "/%0d%0aSet-Cookie:x=y"])},
    "password_reset": {},
    "password_reset_done": {},
    "password_reset_confirm": {},
    "password_reset_complete": {},
    "services:offering_list": {"kind": st.sampled_from(["novelty", "translation", "training"])},
    "services:offering_detail": {},
    "services:client_register": {},
    "services:client_confirm": {},
    "services:training_list": {},
    "services:training_detail": {},
    "services:training_ical": {},
    # The storefront (issue 15) and the public certificate check.
    "store:product_list": {},
    "store:product_detail": {},
    "store:product_file": {},
    "licences:verify": {},
    # Live chat with customer service (issue 14): ?from= is the page the visitor came from.
    "support:chat": {"from": st.sampled_from(["/en/", "//evil.example/", "/support/chat/", "/\\x"])},
    "support:widget": {"from": st.sampled_from(["/en/", "//evil.example/"])},
    "support:chat_poll": {},
}

# Valid requests the generated ones start from, so that they get past the first checks.
BASES: dict[str, list[dict[str, str]]] = {
    "cataloging:public_search": [{}, {"q": "information retrieval"}, {"q": "信息检索", "page": "2"}, {"author": "王"}],
    "cataloging:public_classification_browse": [{"clc": "G"}, {"dewey": "0"}, {}],
    "sru:endpoint": [
        {"operation": "searchRetrieve", "version": "1.2", "query": "dc.title=retrieval", "maximumRecords": "5"},
        {"operation": "searchRetrieve", "version": "1.2", "query": "cql.anywhere=zzzznothing"},
        {"operation": "explain", "version": "1.2"},
    ],
    "oai:endpoint": [
        {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        {"verb": "ListIdentifiers", "metadataPrefix": "marc21", "from": "2000-01-01", "until": "2100-01-01"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:testserver:1"},
        {"verb": "ListMetadataFormats", "identifier": "oai:testserver:1"},
        {"verb": "ListSets"},
        {"verb": "Identify"},
    ],
    "services:offering_list": [{"kind": "novelty"}],
}

SWEEP_BASES = {
    "sru:endpoint": BASES["sru:endpoint"][:2],
    "oai:endpoint": [b for b in BASES["oai:endpoint"] if b["verb"] in ("ListRecords", "ListIdentifiers", "GetRecord")],
}

# Swept values go after these (an OAI identifier is only read past its prefix).
SWEEP_PREFIXES = {"identifier": quote("oai:testserver:", safe="")}

XML_ENDPOINTS = {"sru:endpoint", "oai:endpoint"}


def _public(entry: Entry) -> bool:
    return entry.get["anon"] not in (LOGIN, 405)


PUBLIC = sorted(name for name, (_module, entry) in EXPECTATIONS.items() if _public(entry))


def test_every_public_page_is_fuzzed() -> None:
    unlisted = sorted(set(PUBLIC) - set(PARAMETERS))
    stale = sorted(set(PARAMETERS) - set(PUBLIC))
    assert not unlisted, (
        f"public pages without an entry in PARAMETERS (list the query parameters they read): {unlisted}"
    )
    assert not stale, f"PARAMETERS lists pages that are no longer public: {stale}"


@pytest.fixture(scope="module")
def anonymous() -> Client:
    # One client for the module: building a client loads the middleware (WhiteNoise indexes
    # the static files, ~0.4 s). Cookies are cleared before each request.
    return Client()


def _get(client: Client, url: str) -> Any:
    client.cookies.clear()
    with read_only(f"GET {url}"):
        response = client.get(url)
    assert_not_5xx(response, f"GET {url}")
    return response


def _assert_protocol_answer(name: str, url: str, response: Any) -> None:
    if name in XML_ENDPOINTS:
        assert response.status_code == 200, f"GET {url} answered {response.status_code}, not a protocol answer"
        fromstring(response.content)  # well-formed, whatever was asked


def _path(demo: Any, name: str) -> str:
    _module, entry = EXPECTATIONS[name]
    return reverse(name, kwargs=dict(entry.kwargs(demo)) if entry.kwargs else {})


WITH_PARAMETERS = sorted(name for name in PUBLIC if PARAMETERS.get(name))


@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_public_page_boundary_values_never_5xx(demo: Any, anonymous: Client, name: str) -> None:
    """Every parameter × every value of SWEEP, on top of the first valid request."""
    path = _path(demo, name)
    # The protocols answer in milliseconds: they are swept on a few valid requests (a search
    # with and without hits, a GetRecord for the identifier). A page, ~30 ms, on its first.
    bases = SWEEP_BASES.get(name) or BASES.get(name, [{}])[:1]
    problems = []
    for base, parameter, value in itertools.product(bases, PARAMETERS[name], SWEEP):
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in base.items() if k != parameter)
        url = f"{path}?{query}&{parameter}={SWEEP_PREFIXES.get(parameter, '')}{value}"
        try:
            _assert_protocol_answer(name, url, _get(anonymous, url))
        except Exception as exc:  # collected: one run shows every failing value
            problems.append(f"{url[:200]}: {type(exc).__name__}: {str(exc)[:200]}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", WITH_PARAMETERS)
@given(data=st.data())
def test_public_page_query_never_5xx(demo: Any, anonymous: Client, name: str, data: Any) -> None:
    query = data.draw(query_string(PARAMETERS[name], BASES.get(name)), label="query")
    url = f"{_path(demo, name)}?{query}"
    response = _get(anonymous, url)
    _assert_protocol_answer(name, url, response)


# --- path segments -----------------------------------------------------------------------------

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
SEGMENTS: dict[str, st.SearchStrategy[str]] = {
    "int": st.one_of(huge_integers.map(abs).map(str), odd_digits),
    "slug": st.text("abcxyz019-_", min_size=1, max_size=300),
    "str": st.one_of(text_values.filter(lambda s: s and "/" not in s), number_text.filter(lambda s: "/" not in s)),
}


def _public_routes_with_arguments() -> list[tuple[str, str]]:
    routes = {r.name: r.route for r in all_routes()}
    return sorted((name, routes[name]) for name in PUBLIC if CONVERTER.search(routes[name]))


@pytest.mark.parametrize(("name", "route"), _public_routes_with_arguments())
@given(data=st.data())
def test_public_page_path_never_5xx(demo: Any, anonymous: Client, name: str, route: str, data: Any) -> None:
    def segment(match: re.Match[str]) -> str:
        value = data.draw(SEGMENTS[match["kind"] or "str"], label=match["name"])
        return quote(value.encode(), safe="")

    url = "/" + CONVERTER.sub(segment, route)
    _get(anonymous, url)


# --- the public POSTs --------------------------------------------------------------------------


@given(query=query_string(PARAMETERS["oai:endpoint"], BASES["oai:endpoint"]))
def test_oai_post_never_5xx(demo: Any, anonymous: Client, query: str) -> None:
    """Harvesters may POST the arguments form-encoded (OAI-PMH §3.1.1)."""
    anonymous.cookies.clear()
    with read_only(f"POST /oai {query}"):
        response = anonymous.post("/oai", query, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.status_code
    fromstring(response.content)


@given(
    page=st.sampled_from(["login", "password_reset", "services:client_confirm"]),
    first=text_values,
    second=text_values,
    token=st.one_of(text_values.filter(lambda s: s and "/" not in s), st.just("x")),
)
def test_public_post_never_5xx_and_writes_nothing_when_refused(
    demo: Any, anonymous: Client, monkeypatch: pytest.MonkeyPatch, page: str, first: str, second: str, token: str
) -> None:
    """Log-in, password reset and e-mail confirmation take text anyone may type."""
    monkeypatch.setattr(ratelimit, "NAMESPACE", f"property-{page}-{first[:8]!r}")
    if page == "services:client_confirm":
        url, body = "/services/register/confirm/" + quote(token.encode(), safe="") + "/", {}
    else:
        url = reverse(page)
        body = {"username": first, "password": second} if page == "login" else {"email": first}
    anonymous.cookies.clear()
    with example() as changes:
        response = anonymous.post(url, body)
    assert_not_5xx(response, f"POST {url}")
    if page == "services:client_confirm" or page == "login":
        # No generated token is valid and no generated name and password log in.
        assert response.status_code in (200, 400, 404), response.status_code
        assert not changes, changes
