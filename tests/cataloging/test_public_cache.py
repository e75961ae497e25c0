"""The public catalog search page from the cache for anonymous visitors (issue 18 item 2):
per language and query, 304 on a matching ETag, a new render once the catalog changes
(whatever writes it: the version is drawn by a trigger), at most one query for a warm hit."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cataloging import public_cache
from cataloging.models import BibRecord, Holding
from tests.cataloging.factories import make_record
from tests.factories import member_office

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the catalog version is a PostgreSQL sequence"),
]
URL = "cataloging:public_search"


@pytest.fixture(autouse=True)
def own_namespace(monkeypatch):
    monkeypatch.setattr(public_cache, "NAMESPACE", f"test:{uuid.uuid4().hex}")


@pytest.fixture
def north(db):
    north = member_office("north")
    make_record(north, status=BibRecord.Status.APPROVED, title="Modern information retrieval", isbn=None)
    return north


def test_a_warm_anonymous_hit_makes_at_most_one_query(north, client, django_assert_max_num_queries):
    first = client.get(reverse(URL), {"q": "retrieval"})
    assert first.status_code == 200 and "Modern information retrieval" in first.content.decode()
    with django_assert_max_num_queries(1):  # the catalog's version; the page comes from Redis
        warm = client.get(reverse(URL), {"q": "retrieval"})
    assert warm["ETag"] == first["ETag"] and "Modern information retrieval" in warm.content.decode()
    assert "Cookie" in warm["Vary"] and "Accept-Language" in warm["Vary"]


def test_etag_revalidation_gets_a_304(north, client):
    first = client.get(reverse(URL), {"q": "retrieval"})
    again = client.get(reverse(URL), {"q": "retrieval"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert client.get(reverse(URL), {"q": "retrieval"}, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200


def test_any_change_to_records_or_holdings_renders_the_page_again(north, client):
    before = client.get(reverse(URL), {"q": "retrieval"})
    make_record(north, status=BibRecord.Status.APPROVED, title="Retrieval evaluation", isbn=None)
    after = client.get(reverse(URL), {"q": "retrieval"})
    assert "Retrieval evaluation" in after.content.decode() and after["ETag"] != before["ETag"]
    record = BibRecord.objects.get(title="Retrieval evaluation")
    Holding.objects.filter(record=record).delete()  # a plain query, no signal: the trigger still counts it
    BibRecord.objects.filter(pk=record.pk).update(status=BibRecord.Status.RETURNED)
    assert "Retrieval evaluation" not in client.get(reverse(URL), {"q": "retrieval"}).content.decode()


def test_per_language_and_each_visitor_gets_their_own_csrf_token(north, client):
    english = client.get(reverse(URL), {"q": "retrieval"})
    chinese = client.get(reverse(URL), {"q": "retrieval"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english["ETag"] != chinese["ETag"] and "联合目录" in chinese.content.decode()
    other = Client().get(reverse(URL), {"q": "retrieval"})
    assert public_cache.TOKEN_PLACEHOLDER not in other.content and b'name="csrfmiddlewaretoken"' in other.content


def test_signed_in_odd_or_long_queries_go_to_the_view(north, client, django_user_model):
    assert public_cache._query(_get({"q": "x", "utm_source": "mail"})) is None
    assert public_cache._query(_get({"q": "x" * 400})) is None
    assert public_cache._query(_get({"q": "retrieval", "sort": "newest", "year": ""})) == "q=retrieval&sort=newest"
    user = django_user_model.objects.create_user("reader", password="x")
    client.force_login(user)
    client.get(reverse(URL), {"q": "retrieval"})
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(URL), {"q": "retrieval"})
    assert len(queries.captured_queries) > 1  # rendered for the signed-in user


def _get(params):
    return RequestFactory().get("/catalog/public/", params)
